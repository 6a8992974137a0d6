package dev.hotlib.bench;

import dev.hotlib.core.Guest;
import dev.hotlib.core.Hooks;
import dev.hotlib.core.Host;
import dev.hotlib.core.Options;
import dev.hotlib.ffm.FastFfm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
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
            place(dir, watched, lib, ++version[0]);
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
                    int foo = host.call(Guest::foo).orElse(-1);
                    if (foo == sample.expected && sample.seenAt == 0) {
                        sample.seenAt = System.nanoTime();
                    }
                }
            }, "caller");
            loop.start();
            caller.start();
            for (int i = 0; i < samples; i++) {
                Thread.sleep(ThreadLocalRandom.current().nextInt(intervalMs + 1)); // any phase of the poll
                Sample sample = new Sample((version[0] + 1) % 2 == 1 ? 1 : 2); // v1's foo() is 1, v2's is 2
                watch.sample = sample;
                long renamed = place(dir, watched, lib, ++version[0]);
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
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
        return ms;
    }

    private static final class Watch {
        volatile boolean stop;
        volatile Sample sample = new Sample(0);
    }

    /** One rename: the foo() of the version renamed into place, and when a call first returned it. */
    private static final class Sample {
        final int expected;
        volatile long seenAt;

        Sample(int expected) {
            this.expected = expected;
        }
    }

    /** Times calls #1..#10000 after each swap; the first swaps only warm the reload path and are left out. */
    private static String cold(String backend, int swaps) throws Exception {
        int warmSwaps = 5;
        Path dir = Files.createTempDirectory("hotlib-cold-");
        Path watched = dir.resolve(System.mapLibraryName("watched"));
        int last = CALL_NUMBERS[CALL_NUMBERS.length - 1];
        double[][] byCall = new double[CALL_NUMBERS.length][swaps];
        double[] tail = new double[swaps]; // the median of calls 9001..10000 of each swap: warm by then
        double[] extra = new double[swaps]; // time spent in calls 1..10000 beyond 10000 warm calls, in µs
        FastFfm.Backend fast = new FastFfm.Backend(false);
        try (Host<?> host = backend.equals(FAST)
                ? new Host<>(fast, Options.forLibrary(watched).withSettle(Duration.ZERO), fast.hooks(new Hooks() {}))
                : host(backend, watched)) {
            IntSupplier foo = backend.equals(FAST) ? FastFfm::foo : () -> host.call(Guest::foo).orElseThrow();
            long[] ns = new long[last + 1];
            for (int s = -warmSwaps; s < swaps; s++) {
                place(dir, watched, "c", s + warmSwaps + 1);
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
                    double[] end = new double[1000];
                    for (int k = 0; k < 1000; k++) {
                        end[k] = ns[last - 999 + k];
                    }
                    tail[s] = quantile(end, 0.5);
                    double sum = 0;
                    for (int k = 1; k <= last; k++) {
                        sum += ns[k];
                    }
                    extra[s] = (sum - last * tail[s]) / 1e3;
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
        row.append("}, \"warm\": {").append(stats(tail, 0)).append("}, \"extraUs\": {").append(stats(extra, 0)).append("}}");
        System.out.printf(Locale.ROOT, "cold %-8s call #1 %.0f ns, #10 %.0f, #100 %.0f, #1000 %.0f, #10000 %.0f, warm %.0f ns (medians)%n", backend,
                quantile(byCall[0], 0.5), quantile(byCall[1], 0.5), quantile(byCall[2], 0.5), quantile(byCall[3], 0.5),
                quantile(byCall[4], 0.5), quantile(tail, 0.5));
        return row.toString();
    }

    private static Host<?> host(String backend, Path watched) throws Exception {
        return new Host<>(Backends.of(backend), Options.forLibrary(watched).withSettle(Duration.ZERO), new Hooks() {});
    }

    /**
     * Renames test variant v1 (odd n) or v2 (even n) into place, as an atomic build publishes a library, with a
     * fresh mtime so that the host never mistakes it for the previous file. Returns System.nanoTime() just
     * before the rename.
     */
    private static long place(Path dir, Path watched, String lib, int n) throws Exception {
        Path temp = dir.resolve("next.tmp");
        Files.copy(Libs.variant(lib, n % 2 == 1 ? "v1" : "v2"), temp, StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(temp, FileTime.fromMillis(1_000_000_000_000L + n * 1000L));
        long now = System.nanoTime();
        Files.move(temp, watched, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return now;
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
