package dev.hotlib.jnr;

import dev.hotlib.core.Program;

/**
 * The hot-reload example with JNR-FFI: {@code mvn -pl example-jnr exec:java}, then edit
 * c-lib/src/hotlib.c and run {@code cmake --build build}. The loop is {@link Program#run}; the FFI is
 * {@link JnrBackend} (load and bind), {@link JnrGuest} (the calls) and {@link JnrState} (the struct).
 */
public final class Main {
    public static void main(String[] args) {
        Program.run(new JnrBackend());
    }
}
