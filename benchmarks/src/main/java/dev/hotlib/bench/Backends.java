package dev.hotlib.bench;

import dev.hotlib.core.Loader;
import dev.hotlib.ffm.FfmDemo;
import dev.hotlib.javacpp.JavacppDemo;
import dev.hotlib.jna.JnaDemo;
import dev.hotlib.jnr.JnrDemo;

/** The backends by the names the benchmarks' parameters use, each with its example's demo binding. */
public final class Backends {
    public static final String[] NAMES = {"FFM", "JNA", "JNR", "JavaCPP"};

    private Backends() {}

    /** Prints the names, one a line, for benchmarks/run. */
    public static void main(String[] args) {
        for (String name : NAMES) {
            System.out.println(name);
        }
    }

    /** The example's loader of the demo binding: {@code FfmDemo::load} and its likes. */
    public static Loader<?> loader(String name) {
        switch (name) {
            case "FFM":
                return (Loader<FfmDemo>) FfmDemo::load;
            case "JNA":
                return (Loader<JnaDemo>) JnaDemo::load;
            case "JNR":
                return (Loader<JnrDemo>) JnrDemo::load;
            case "JavaCPP":
                return (Loader<JavacppDemo>) JavacppDemo::load;
            default:
                throw new IllegalArgumentException("no backend " + name);
        }
    }
}
