package dev.hotlib.ffm;

import dev.hotlib.core.Program;

/**
 * The hot-reload example with the FFM API: {@code mvn -pl example-ffm exec:java}, then edit
 * c-lib/src/hotlib.c and run {@code cmake --build build}. The loop is {@link Program#run}; the FFI is
 * {@link FfmBackend} (load and bind), {@link FfmGuest} (the calls) and {@link FfmState} (the struct).
 */
public final class Main {
    public static void main(String[] args) {
        Program.run(new FfmBackend());
    }
}
