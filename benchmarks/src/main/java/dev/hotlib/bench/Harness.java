package dev.hotlib.bench;

import dev.hotlib.core.Guest;
import dev.hotlib.core.Hooks;
import dev.hotlib.core.Host;
import dev.hotlib.core.Options;
import dev.hotlib.ffm.FastFfm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;

/**
 * What JMH does not measure well, per backend, in one JVM:
 * <ul>
 *   <li>detection latency: from the rename of a new version into place to the first call answered by it, with
 *       the examples' loop (poll, reload) on one thread at a short interval and a caller calling foo() without
 *       pause on another;
 *   <li>cold calls: after a swap, the time of call #1, #10, #100, #1000 and #10000 through Host.call, each
 *       timed alone (System.nanoTime around one call).
 * </ul>
 * Writes JSON.   usage: Harness OUT.json [samples] [interval-ms] [swaps]
 */
public final class Harness {
    private static final int[] CALL_NUMBERS = {1, 10, 100, 1000, 10000};
    /** The FFM fast path (FastFfm.foo(), no Host.call), measured for cold calls beside the four backends. */
    private static final String FAST = "FFM fast";

    private Harness() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int samples = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int intervalMs = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int swaps = args.length > 3 ? Integer.parseInt(args[3]) : 40;
        StringBuilder json = new StringBuilder();
        json.append("{\n  \"settings\": {\"samples\": ").append(samples).append(", \"intervalMs\": ").append(intervalMs)
                .append(", \"settleMs\": 0, \"swaps\": ").append(swaps).append(", \"timerNs\": ").append(fmt(timerOverhead())).append("},\n");
        json.append("  \"latency\": [\n");
        List<String> rows = new ArrayList<>();
        for (String backend : Backends.NAMES) {
            for (String lib : List.of("c", "rust")) {
                double[] ms = latency(backend, lib, samples, intervalMs);
                rows.add(String.format(Locale.ROOT, "    {\"backend\": \"%s\", \"lib\": \"%s\", %s}", backend, lib, stats(ms, 1)));
                System.out.printf(Locale.ROOT, "latency %-8s %-4s median %.2f ms, p99 %.2f ms%n", backend, lib, quantile(ms, 0.5), quantile(ms, 0.99));
            }
        }
        json.append(String.join(",\n", rows)).append("\n  ],\n  \"cold\": [\n");
        rows.clear();
        for (String backend : Backends.NAMES) {
            rows.add(cold(backend, swaps));
        }
        rows.add(cold(FAST, swaps));
        json.append(String.join(",\n", rows)).append("\n  ]\n}\n");
        Files.writeString(out, json);
    }

    /** Milliseconds from each rename to the first foo() answered by the new version. */
    private static double[] latency(String backend, String lib, int samples, int intervalMs) throws Exception {
        Path dir = Files.createTempDirectory("hotlib-latency-");
        Path watched = dir.resolve(System.mapLibraryName("watched"));
        double[] ms = new double[samples];
        int[] version = {0};
        try (Host<?> host = host(backend, watched)) {
            Versions.place(watched, lib, ++version[0]);
            if (!host.reloadIfChanged()) {
                throw new IllegalStateException("the first version did not load");
            }
            Watch watch = new Watch();
            Thread loop = new Thread(() -> {
                try {
                    while (!watch.stop) {
                        host.reloadIfChanged(); // what Program's loop does each tick
                        Thread.sleep(intervalMs);
                    }
                } catch (InterruptedException stopped) {
                    Thread.currentThread().interrupt();
                }
            }, "loop");
            Thread caller = new Thread(() -> {
                while (!watch.stop) {
                    Sample sample = watch.sample; // read before the call: a sample's version never answers early
                    Object answered = host.call(guest -> {
                        guest.foo();
                        return (Object) guest;
                    }).orElse(null);
                    if (answered != sample.before && sample.seenAt == 0) {
                        sample.seenAt = System.nanoTime();
                    }
                }
            }, "caller");
            loop.start();
            caller.start();
            for (int i = 0; i < samples; i++) {
                Thread.sleep(ThreadLocalRandom.current().nextInt(intervalMs + 1)); // any phase of the poll
                Sample sample = new Sample(host.call(guest -> (Object) guest).orElseThrow());
                watch.sample = sample;
                long renamed = Versions.place(watched, lib, ++version[0]);
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (sample.seenAt == 0) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(backend + " " + lib + ": version " + version[0] + " never answered");
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
        volatile Sample sample = new Sample(null);
    }

    /** One rename: the guest that answered before it, and when a call was first answered by another one. */
    private static final class Sample {
        final Object before;
        volatile long seenAt;

        Sample(Object before) {
            this.before = before;
        }
    }

    /** Times calls #1..#10000 after each swap; the first swaps only warm the reload path and are left out. */
    private static String cold(String backend, int swaps) throws Exception {
        int warmSwaps = 5;
        Path dir = Files.createTempDirectory("hotlib-cold-");
        Path watched = dir.resolve(System.mapLibraryName("watched"));
        int last = CALL_NUMBERS[CALL_NUMBERS.length - 1];
        double[][] byCall = new double[CALL_NUMBERS.length][swaps];
        double[] steady = new double[swaps]; // the same timing once 200,000 more calls have run: the JIT is done
        double[] extra = new double[swaps]; // time spent in calls 1..10000 beyond 10000 steady calls, in µs
        FastFfm.Backend fast = new FastFfm.Backend(false);
        try (Host<?> host = backend.equals(FAST)
                ? new Host<>(fast, Options.forLibrary(watched).withSettle(Duration.ZERO), fast.hooks(new Hooks() {}))
                : host(backend, watched)) {
            IntSupplier foo = backend.equals(FAST) ? FastFfm::foo : () -> host.call(Guest::foo).orElseThrow();
            long[] ns = new long[last + 1];
            for (int s = -warmSwaps; s < swaps; s++) {
                Versions.place(watched, "c", s + warmSwaps + 1);
                if (!host.reloadIfChanged()) {
                    throw new IllegalStateException("swap " + s + " did not happen");
                }
                for (int k = 1; k <= last; k++) {
                    long t0 = System.nanoTime();
                    foo.getAsInt();
                    ns[k] = System.nanoTime() - t0;
                }
                if (s >= 0) {
                    for (int c = 0; c < CALL_NUMBERS.length; c++) {
                        byCall[c][s] = ns[CALL_NUMBERS[c]];
                    }
                    steady[s] = steadyCall(foo);
                    double sum = 0;
                    for (int k = 1; k <= last; k++) {
                        sum += ns[k];
                    }
                    extra[s] = (sum - last * steady[s]) / 1e3;
                }
            }
        } finally {
            Files.deleteIfExists(watched);
            Files.deleteIfExists(dir);
        }
        StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "    {\"backend\": \"%s\", \"lib\": \"c\", \"calls\": {", backend));
        for (int c = 0; c < CALL_NUMBERS.length; c++) {
            row.append(c == 0 ? "" : ", ").append('"').append(CALL_NUMBERS[c]).append("\": {").append(stats(byCall[c], 0)).append('}');
        }
        row.append("}, \"steady\": {").append(stats(steady, 0)).append("}, \"extraUs\": {").append(stats(extra, 0)).append("}}");
        System.out.printf(Locale.ROOT, "cold %-8s call #1 %.0f ns, #10 %.0f, #100 %.0f, #1000 %.0f, #10000 %.0f, steady %.0f ns (medians)%n", backend,
                quantile(byCall[0], 0.5), quantile(byCall[1], 0.5), quantile(byCall[2], 0.5), quantile(byCall[3], 0.5),
                quantile(byCall[4], 0.5), quantile(steady, 0.5));
        return row.toString();
    }

    private static Host<?> host(String backend, Path watched) throws Exception {
        return new Host<>(Backends.of(backend), Options.forLibrary(watched).withSettle(Duration.ZERO), new Hooks() {});
    }

    /** The median time of 1000 calls, each timed alone, after 200,000 untimed ones. */
    private static double steadyCall(IntSupplier foo) {
        for (int k = 0; k < 200_000; k++) {
            foo.getAsInt();
        }
        double[] ns = new double[1000];
        for (int k = 0; k < ns.length; k++) {
            long t0 = System.nanoTime();
            foo.getAsInt();
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

    private static String stats(double[] v, int digits) {
        return String.format(Locale.ROOT, "\"median\": %s, \"p90\": %s, \"p99\": %s, \"max\": %s, \"n\": %d%s",
                fmt(quantile(v, 0.5)), fmt(quantile(v, 0.9)), fmt(quantile(v, 0.99)), fmt(quantile(v, 1)), v.length,
                digits > 0 ? ", \"samples\": " + Arrays.toString(Arrays.stream(v).map(x -> Math.round(x * 1000) / 1000.0).toArray()) : "");
    }

    private static String fmt(double x) {
        return String.format(Locale.ROOT, "%.3f", x);
    }

    /** The q-quantile (nearest rank) of {@code v}. */
    static double quantile(double[] v, double q) {
        double[] sorted = v.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1 < 0 ? 0 : Math.ceil(q * sorted.length) - 1)];
    }
}
