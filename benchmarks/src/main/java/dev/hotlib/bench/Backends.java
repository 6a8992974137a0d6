package dev.hotlib.bench;

import dev.hotlib.core.Backend;
import dev.hotlib.ffm.FfmHotlib;
import dev.hotlib.javacpp.JavacppHotlib;
import dev.hotlib.javacpp.JavacppState;
import dev.hotlib.ffm.FfmState;
import dev.hotlib.jna.JnaHotlib;
import dev.hotlib.jna.JnaState;
import dev.hotlib.jnr.JnrHotlib;
import dev.hotlib.jnr.JnrState;

/** The backends by the names the benchmarks' parameters use, built from each example's public binding. */
public final class Backends {
    public static final String[] NAMES = {"FFM", "JNA", "JNR", "JavaCPP"};

    private Backends() {}

    /** Prints the names, one a line, for benchmarks/run. */
    public static void main(String[] args) {
        for (String name : NAMES) {
            System.out.println(name);
        }
    }

    public static Backend<?> of(String name) {
        switch (name) {
            case "FFM":
                return new Backend<>("FFM", FfmState::new, FfmHotlib::load, FfmHotlib::loadForGood);
            case "JNA":
                return new Backend<>("JNA", JnaState::new, JnaHotlib::load, JnaHotlib::loadForGood);
            case "JNR":
                return new Backend<>("JNR", JnrState::new, JnrHotlib::load, JnrHotlib::loadForGood);
            case "JavaCPP":
                return new Backend<>("JavaCPP", JavacppState::new, JavacppHotlib::load, JavacppHotlib::loadForGood);
            default:
                throw new IllegalArgumentException("no backend " + name);
        }
    }
}
