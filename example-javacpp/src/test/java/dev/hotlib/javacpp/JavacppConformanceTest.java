package dev.hotlib.javacpp;

import dev.hotlib.core.Backend;
import dev.hotlib.core.ConformanceSuite;

/** The whole conformance suite, against the C and the Rust library, with the JavaCPP backend. */
class JavacppConformanceTest extends ConformanceSuite<JavacppState> {
    @Override
    protected Backend<JavacppState> backend() {
        return new JavacppBackend();
    }

    @Override
    protected Class<?> mainClass() {
        return Main.class;
    }
}
