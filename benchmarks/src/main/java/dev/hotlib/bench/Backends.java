package dev.hotlib.bench;

import dev.hotlib.core.Backend;
import dev.hotlib.ffm.FfmBackend;
import dev.hotlib.javacpp.JavacppBackend;
import dev.hotlib.jna.JnaBackend;
import dev.hotlib.jnr.JnrBackend;

/** The four backends by the names the benchmarks' parameters use. */
public final class Backends {
    public static final String[] NAMES = {"FFM", "JNA", "JNR", "JavaCPP"};

    private Backends() {}

    public static Backend<?> of(String name) {
        return switch (name) {
            case "FFM" -> new FfmBackend();
            case "JNA" -> new JnaBackend();
            case "JNR" -> new JnrBackend();
            case "JavaCPP" -> new JavacppBackend();
            default -> throw new IllegalArgumentException("no backend " + name);
        };
    }
}
