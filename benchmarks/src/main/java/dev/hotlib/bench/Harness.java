package dev.hotlib.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hotlib.core.Hooks;
import dev.hotlib.core.Host;
import dev.hotlib.core.Pin;
import dev.hotlib.core.SwapTimes;
import dev.hotlib.core.Version;
import dev.hotlib.ffm.FfmDemo;
import dev.hotlib.javacpp.JavacppDemo;
import dev.hotlib.jna.JnaDemo;
import dev.hotlib.jnr.JnrDemo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.ToIntFunction;
import org.openjdk.jmh.util.ListStatistics;

/**
 * What JMH does not measure, per backend, each in a JVM of its own (benchmarks/run starts one per backend):
 * <ul>
 *   <li>where a swap's time goes: the host's own timing of each phase ({@link SwapTimes}, told to
 *       {@code Hooks.afterSwap}) over swaps made one after another;
 *   <li>detection latency: from the rename of a new version into place to the first call answered by it, with
 *       the examples' loop (poll, reload) on one thread at a short interval and a caller that pins, calls foo()
 *       and releases without pause on another.
 * </ul>
 * Both are microseconds to milliseconds, timed with System.nanoTime(); the percentiles are JMH's own
 * ({@link ListStatistics}). Writes JSON.   usage: Harness BACKEND OUT.json [samples] [interval-ms] [swaps]
 */
public final class Harness {
    private Harness() {}

    public static void main(String[] args) throws Exception {
        String backend = args[0];
        Path out = Path.of(args[1]);
        int samples = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        int intervalMs = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        int swaps = args.length > 4 ? Integer.parseInt(args[4]) : 300;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("backend", backend);
        result.put("settings", Map.of("samples", samples, "intervalMs", intervalMs, "settleMs", 0, "swaps", swaps));
        Map<String, Object> phases = new LinkedHashMap<>();
        for (String lib : List.of("c", "rust", "big")) {
            Map<String, Object> byPhase = new LinkedHashMap<>();
            warmSwaps(backend, lib, lib.equals("big") ? Math.max(10, swaps / 30) : swaps)
                    .forEach((phase, v) -> byPhase.put(phase, stats(v)));
            phases.put(lib, byPhase);
        }
        result.put("swapPhasesUs", phases);
        Map<String, Object> latency = new LinkedHashMap<>();
        for (String lib : List.of("c", "rust")) {
            ListStatistics ms = latency(backend, lib, samples, intervalMs);
            latency.put(lib, stats(ms));
            System.out.printf("latency %-8s %-4s median %.2f ms, p99 %.2f ms%n", backend, lib,
                    ms.getPercentile(50), ms.getPercentile(99));
        }
        result.put("latency", latency);
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out.toFile(), result);
    }

    /**
     * Microseconds per phase of {@code count} swaps in a row, after 10% more to warm up, as the host timed them
     * (SwapTimes, told to the afterSwap hook), and their sum.
     */
    private static Map<String, ListStatistics> warmSwaps(String backend, String lib, int count) throws Exception {
        Path dir = Files.createTempDirectory("hotlib-warm-");
        Path watched = dir.resolve(System.mapLibraryName("watched"));
        Map<String, ListStatistics> us = new LinkedHashMap<>();
        for (String phase : List.of("look", "copyAndCheck", "loadAndProbe", "unloadOld", "total")) {
            us.put(phase, new ListStatistics());
        }
        SwapTimes[] last = new SwapTimes[1];
        Hooks hooks = new Hooks() {
            @Override
            public void afterSwap(Optional<Version> old, Version current, SwapTimes took) {
                last[0] = took;
            }
        };
        int n = 0;
        try (Host<?> host = new Host<>(Backends.loader(backend), settings(watched), hooks)) {
            for (int i = -count / 10 - 1; i < count; i++) {
                swap(host, watched, lib, ++n);
                if (i >= 0) {
                    us.get("look").addValue(last[0].look().toNanos() / 1e3);
                    us.get("copyAndCheck").addValue(last[0].copyAndCheck().toNanos() / 1e3);
                    us.get("loadAndProbe").addValue(last[0].loadAndProbe().toNanos() / 1e3);
                    us.get("unloadOld").addValue(last[0].unloadOld().toNanos() / 1e3);
                    us.get("total").addValue(last[0].total().toNanos() / 1e3);
                }
            }
        } finally {
            Files.deleteIfExists(watched);
            Files.deleteIfExists(dir);
        }
        System.out.printf("swap phases %-8s %-4s median total %.0f µs%n", backend, lib,
                us.get("total").getPercentile(50));
        return us;
    }

    private static void swap(Host<?> host, Path watched, String lib, int n) throws Exception {
        Versions.place(watched, lib, n);
        if (!host.reloadIfChanged()) {
            throw new IllegalStateException("version " + n + " was not swapped in");
        }
    }

    /** Milliseconds from each rename to the first foo() answered by the new version. */
    private static ListStatistics latency(String backend, String lib, int samples, int intervalMs)
            throws Exception {
        Path dir = Files.createTempDirectory("hotlib-latency-");
        Path watched = dir.resolve(System.mapLibraryName("watched"));
        ListStatistics ms = new ListStatistics();
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
                        FOO.get(backend).applyAsInt(pin.binding());
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
                ms.addValue((sample.seenAt - renamed) / 1e6);
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

    private static Host<?> host(String backend, Path watched) {
        return new Host<>(Backends.loader(backend), settings(watched), new Hooks() {});
    }

    private static Host.Settings settings(Path watched) {
        return Host.Settings.watching(watched).withSettle(Duration.ZERO);
    }

    /** foo() of each backend's demo binding. */
    private static final Map<String, ToIntFunction<Object>> FOO = Map.of(
            "FFM", binding -> ((FfmDemo) binding).foo(),
            "JNA", binding -> ((JnaDemo) binding).foo(),
            "JNR", binding -> ((JnrDemo) binding).foo(),
            "JavaCPP", binding -> ((JavacppDemo) binding).foo());

    /** JMH's percentiles of {@code v}: median, p90, p99, max. */
    private static Map<String, Object> stats(ListStatistics v) {
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("median", v.getPercentile(50));
        stats.put("p90", v.getPercentile(90));
        stats.put("p99", v.getPercentile(99));
        stats.put("max", v.getMax());
        stats.put("n", v.getN());
        return stats;
    }
}
