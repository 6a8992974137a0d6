package dev.hotlib.javacpp;

import dev.hotlib.core.Program;

/**
 * The hot-reload example with JavaCPP: {@code mvn -pl example-javacpp exec:java}, then edit
 * c-lib/src/hotlib.c and run {@code cmake --build build}. The loop is {@link Program#run}; the FFI is
 * {@link JavacppBackend} (load and bind), {@link JavacppGuest} (the calls), {@link JavacppState} (the struct)
 * and {@link Dlfcn} (the JavaCPP mapping of dlfcn.h that the build compiles into a JNI library).
 */
public final class Main {
    public static void main(String[] args) {
        Program.run(new JavacppBackend());
    }
}
