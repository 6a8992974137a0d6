package dev.hotlib.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hotlib.core.Hooks;
import dev.hotlib.core.Host;
import dev.hotlib.core.Pin;
import dev.hotlib.core.SwapTimes;
import dev.hotlib.core.Version;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What JMH does not measure well, per backend, each in a JVM of its own (benchmarks/run starts one per backend,
 * so that the class counts see one backend):
 * <ul>
 *   <li>warm swaps: the whole swap timed in a loop of swaps (System.nanoTime around reloadIfChanged()), the
 *       way the C harness times its cycles, beside JMH's single shots, which start with cold caches; and its
 *       phases, as the host times them ({@link SwapTimes}): where a swap's time goes;
 *   <li>classes: how many classes the JVM loads per reload, over N reloads (ClassLoadingMXBean): whether the
 *       backend generates a class per version;
 *   <li>detection latency: from the rename of a new version into place to the first call answered by it, with
 *       the examples' loop (poll, reload) on one thread at a short interval and a caller that pins, calls foo()
 *       and releases without pause on another;
 *   <li>cold calls: after a swap, through a pin taken after it, the time of call #1, #10, #100, #1000 and
 *       #10000, each timed alone (System.nanoTime around one call).
 * </ul>
 * Writes JSON.   usage: Harness BACKEND OUT.json [samples] [interval-ms] [swaps] [reloads]
 */
public final class Harness {
    private static final int[] CALL_NUMBERS = {1, 10, 100, 1000, 10000};

    private Harness() {}

    public static void main(String[] args) throws Exception {
        String backend = args[0];
        Path out = Path.of(args[1]);
        int samples = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        int intervalMs = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        int swaps = args.length > 4 ? Integer.parseInt(args[4]) : 30;
        int reloads = args.length > 5 ? Integer.parseInt(args[5]) : 200;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("backend", backend);
        result.put("settings", Map.of("samples", samples, "intervalMs", intervalMs, "settleMs", 0, "swaps", swaps,
                "reloads", reloads, "timerNs", timerOverhead()));
        Map<String, Object> warm = new LinkedHashMap<>();
        Map<String, Object> phases = new LinkedHashMap<>();
        for (String lib : List.of("c", "rust", "big")) {
            Map<String, double[]> us = warmSwaps(backend, lib, lib.equals("big") ? 10 : 300);
            warm.put(lib, stats(us.remove("whole")));
            Map<String, Object> byPhase = new LinkedHashMap<>();
            us.forEach((phase, v) -> byPhase.put(phase, stats(v)));
            phases.put(lib, byPhase);
        }
        result.put("warmSwapUs", warm);
        result.put("warmSwapPhasesUs", phases);
        result.put("classes", classes(backend, reloads));
        Map<String, Object> latency = new LinkedHashMap<>();
        for (String lib : List.of("c", "rust")) {
            double[] ms = latency(backend, lib, samples, intervalMs);
            latency.put(lib, stats(ms));
            System.out.printf("latency %-8s %-4s median %.2f ms, p99 %.2f ms%n", backend, lib,
                    quantile(ms, 0.5), quantile(ms, 0.99));
        }
        result.put("latency", latency);
        result.put("cold", cold(backend, swaps));
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out.toFile(), result);
    }

    /** Classes loaded and unloaded per reload, over {@code reloads} reloads of the C library after 20 to warm up. */
    private static Map<String, Object> classes(String backend, int reloads) throws Exception {
        ClassLoadingMXBean bean = ManagementFactory.getClassLoadingMXBean();
        Path dir = Files.createTempDirectory("hotlib-classes-");
        Path watched = dir.resolve(System.mapLibraryName("watched"));
        int n = 0;
        try (Host<?> host = host(backend, watched)) {
            for (int i = 0; i < 20; i++) {
                swap(host, watched, "c", ++n);
            }
            long loaded = bean.getTotalLoadedClassCount();
            long unloaded = bean.getUnloadedClassCount();
            for (int i = 0; i < reloads; i++) {
                swap(host, watched, "c", ++n);
            }
            System.gc();
            Map<String, Object> counts = new LinkedHashMap<>();
            counts.put("reloads", reloads);
            counts.put("loaded", bean.getTotalLoadedClassCount() - loaded);
            counts.put("unloaded", bean.getUnloadedClassCount() - unloaded);
            counts.put("loadedPerReload", (double) (bean.getTotalLoadedClassCount() - loaded) / reloads);
            System.out.printf("classes %-8s %d loaded, %d unloaded over %d reloads%n", backend,
                    counts.get("loaded"), counts.get("unloaded"), reloads);
            return counts;
        } finally {
            Files.deleteIfExists(watched);
            Files.deleteIfExists(dir);
        }
    }

    /**
     * Microseconds per swap, {@code count} swaps in a row after 10% more to warm up: "whole", timed around
     * reloadIfChanged(), and each phase of it as the host timed it (SwapTimes, told to the afterSwap hook).
     */
    private static Map<String, double[]> warmSwaps(String backend, String lib, int count) throws Exception {
        Path dir = Files.createTempDirectory("hotlib-warm-");
        Path watched = dir.resolve(System.mapLibraryName("watched"));
        Map<String, double[]> us = new LinkedHashMap<>();
        for (String phase : List.of("whole", "look", "copyAndCheck", "loadAndProbe", "unloadOld")) {
            us.put(phase, new double[count]);
        }
        SwapTimes[] last = new SwapTimes[1];
        Hooks hooks = new Hooks() {
            @Override
            public void afterSwap(Optional<Version> old, Version current, SwapTimes took) {
                last[0] = took;
            }
        };
        int n = 0;
        try (Host<?> host = new Host<>(Backends.of(backend), settings(watched), hooks)) {
            for (int i = -count / 10 - 1; i < count; i++) {
                Versions.place(watched, lib, ++n);
                long t0 = System.nanoTime();
                if (!host.reloadIfChanged()) {
                    throw new IllegalStateException("version " + n + " was not swapped in");
                }
                if (i >= 0) {
                    us.get("whole")[i] = (System.nanoTime() - t0) / 1e3;
                    us.get("look")[i] = last[0].look().toNanos() / 1e3;
                    us.get("copyAndCheck")[i] = last[0].copyAndCheck().toNanos() / 1e3;
                    us.get("loadAndProbe")[i] = last[0].loadAndProbe().toNanos() / 1e3;
                    us.get("unloadOld")[i] = last[0].unloadOld().toNanos() / 1e3;
                }
            }
        } finally {
            Files.deleteIfExists(watched);
            Files.deleteIfExists(dir);
        }
        System.out.printf("warm swaps %-8s %-4s median %.0f µs%n", backend, lib, quantile(us.get("whole"), 0.5));
        return us;
    }

    private static void swap(Host<?> host, Path watched, String lib, int n) throws Exception {
        Versions.place(watched, lib, n);
        if (!host.reloadIfChanged()) {
            throw new IllegalStateException("version " + n + " was not swapped in");
        }
    }

    /** Milliseconds from each rename to the first foo() answered by the new version. */
    private static double[] latency(String backend, String lib, int samples, int intervalMs) throws Exception {
        Path dir = Files.createTempDirectory("hotlib-latency-");
        Path watched = dir.resolve(System.mapLibraryName("watched"));
        double[] ms = new double[samples];
        int n = 0;
        try (Host<?> host = host(backend, watched)) {
            swap(host, watched, lib, ++n);
            Watch watch = new Watch();
            Thread loop = new Thread(() -> {
                try {
                    while (!watch.stop) {
                        host.reloadIfChanged(); // what the examples' loop does each tick
                        Thread.sleep(intervalMs);
                    }
                } catch (InterruptedException stopped) {
                    Thread.currentThread().interrupt();
                }
            }, "loop");
            Thread caller = new Thread(() -> {
                while (!watch.stop) {
                    Sample sample = watch.sample; // read before the pin: a sample's version never answers early
                    int answered;
                    try (Pin<?> pin = host.pin()) {
                        pin.foo();
                        answered = pin.version().number();
                    }
                    if (answered > sample.before && sample.seenAt == 0) {
                        sample.seenAt = System.nanoTime();
                    }
                }
            }, "caller");
            loop.start();
            caller.start();
            for (int i = 0; i < samples; i++) {
                Thread.sleep(ThreadLocalRandom.current().nextInt(intervalMs + 1)); // any phase of the poll
                Sample sample = new Sample(host.version().orElseThrow().number());
                watch.sample = sample;
                long renamed = Versions.place(watched, lib, ++n);
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (sample.seenAt == 0) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(backend + " " + lib + ": version " + n + " never answered");
                    }
                    Thread.sleep(0, 100_000);
                }
                ms[i] = (sample.seenAt - renamed) / 1e6;
            }
            watch.stop = true;
            loop.join();
            caller.join();
        } finally {
            Files.deleteIfExists(watched);
            Files.deleteIfExists(dir);
        }
        return ms;
    }

    private static final class Watch {
        volatile boolean stop;
        volatile Sample sample = new Sample(Integer.MAX_VALUE);
    }

    /** One rename: the version that answered before it, and when a call was first answered by a newer one. */
    private static final class Sample {
        final int before;
        volatile long seenAt;

        Sample(int before) {
            this.before = before;
        }
    }

    /** Times calls #1..#10000 after each swap, through one pin; the first 5 swaps only warm the reload path. */
    private static Map<String, Object> cold(String backend, int swaps) throws Exception {
        int warmSwaps = 5;
        Path dir = Files.createTempDirectory("hotlib-cold-");
        Path watched = dir.resolve(System.mapLibraryName("watched"));
        int last = CALL_NUMBERS[CALL_NUMBERS.length - 1];
        double[][] byCall = new double[CALL_NUMBERS.length][swaps];
        double[] steady = new double[swaps]; // the same timing once 200,000 more calls have run: the JIT is done
        double[] extra = new double[swaps]; // time spent in calls 1..10000 beyond 10000 steady calls, in µs
        try (Host<?> host = host(backend, watched)) {
            long[] ns = new long[last + 1];
            for (int s = -warmSwaps; s < swaps; s++) {
                swap(host, watched, "c", s + warmSwaps + 1);
                try (Pin<?> pin = host.pin()) {
                    for (int k = 1; k <= last; k++) {
                        long t0 = System.nanoTime();
                        pin.foo();
                        ns[k] = System.nanoTime() - t0;
                    }
                    if (s >= 0) {
                        for (int c = 0; c < CALL_NUMBERS.length; c++) {
                            byCall[c][s] = ns[CALL_NUMBERS[c]];
                        }
                        steady[s] = steadyCall(pin);
                        double sum = 0;
                        for (int k = 1; k <= last; k++) {
                            sum += ns[k];
                        }
                        extra[s] = (sum - last * steady[s]) / 1e3;
                    }
                }
            }
        } finally {
            Files.deleteIfExists(watched);
            Files.deleteIfExists(dir);
        }
        Map<String, Object> calls = new LinkedHashMap<>();
        for (int c = 0; c < CALL_NUMBERS.length; c++) {
            calls.put(String.valueOf(CALL_NUMBERS[c]), stats(byCall[c]));
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("calls", calls);
        row.put("steady", stats(steady));
        row.put("extraUs", stats(extra));
        System.out.printf("cold %-8s call #1 %.0f ns, #10 %.0f, #10000 %.0f, steady %.0f ns (medians)%n", backend,
                quantile(byCall[0], 0.5), quantile(byCall[1], 0.5), quantile(byCall[4], 0.5), quantile(steady, 0.5));
        return row;
    }

    private static Host<?> host(String backend, Path watched) {
        return new Host<>(Backends.of(backend), settings(watched), new Hooks() {});
    }

    private static Host.Settings settings(Path watched) {
        return Host.Settings.watching(watched).withSettle(Duration.ZERO);
    }

    /** The median time of 1000 calls, each timed alone, after 200,000 untimed ones. */
    private static double steadyCall(Pin<?> pin) {
        for (int k = 0; k < 200_000; k++) {
            pin.foo();
        }
        double[] ns = new double[1000];
        for (int k = 0; k < ns.length; k++) {
            long t0 = System.nanoTime();
            pin.foo();
            ns[k] = System.nanoTime() - t0;
        }
        return quantile(ns, 0.5);
    }

    /** The cost of the timing itself: two nanoTime() calls around nothing, median ns. */
    private static double timerOverhead() {
        double[] ns = new double[100_000];
        for (int i = 0; i < ns.length; i++) {
            long t0 = System.nanoTime();
            ns[i] = System.nanoTime() - t0;
        }
        return quantile(ns, 0.5);
    }

    private static Map<String, Object> stats(double[] v) {
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("median", quantile(v, 0.5));
        stats.put("p90", quantile(v, 0.9));
        stats.put("p99", quantile(v, 0.99));
        stats.put("max", quantile(v, 1));
        stats.put("n", v.length);
        return stats;
    }

    /** The q-quantile (nearest rank) of {@code v}. */
    static double quantile(double[] v, double q) {
        double[] sorted = v.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
    }
}
