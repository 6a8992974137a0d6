package dev.hotlib.jna;

import dev.hotlib.core.Program;

/**
 * The hot-reload example with JNA: {@code mvn -pl example-jna exec:java}, then edit c-lib/src/hotlib.c and
 * run {@code cmake --build build}. The loop is {@link Program#run}; the FFI is {@link JnaBackend} (load and
 * bind), {@link JnaGuest} (the library interface and the calls) and {@link JnaState} (the struct).
 */
public final class Main {
    public static void main(String[] args) {
        Program.run(new JnaBackend());
    }
}
