package dev.hotlib.bench;

import dev.hotlib.core.Backend;
import dev.hotlib.ffm.FfmHotlib;
import dev.hotlib.ffm.FfmState;

/** The backends by the names the benchmarks' parameters use, built from each example's public binding. */
public final class Backends {
    public static final String[] NAMES = {"FFM"};

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
                return new Backend<>("FFM", FfmState::new, FfmHotlib::load);
            default:
                throw new IllegalArgumentException("no backend " + name);
        }
    }
}
