package dev.hotlib.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The whole swap of the 200 MB library ({@link Libs#big}), microseconds per single shot: {@link Reload#swap}
 * with lib "big", and {@link Reload#jvmCycle} on it, in a class of its own because RunAll gives it fewer shots
 * (each writes 400 MB).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BigReload {

    /** The 200 MB library. */
    @State(Scope.Thread)
    public static class BigSwapping extends Reload.WatchedHost {
        @Override
        String lib() {
            return "big";
        }
    }

    /** The C harness's cycle from inside the JVM ({@link Reload.JvmCycle}), on the 200 MB library. */
    @State(Scope.Thread)
    public static class BigCycle extends Reload.JvmCycle {
        @Override
        String lib() {
            return "big";
        }
    }

    @Benchmark
    public boolean swap(BigSwapping s) throws Exception {
        return s.swap();
    }

    @Benchmark
    public int jvmCycle(BigCycle s) throws Throwable {
        return s.cycle();
    }
}
