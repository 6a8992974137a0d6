package dev.hotlib.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.openjdk.jmh.profile.ClassloaderProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every JMH benchmark of this module in one go and writes one JSON file: the call costs (average time,
 * timed iterations), the reloads (single shots, with JMH's class-loading profiler), the first calls after a swap
 * (single shots) and the 200 MB reload (fewer single shots) need different settings, which JMH's command line
 * cannot give four groups in one run. Writes meta.json beside it: the run's context, with the commit the
 * benchmarks were built from (-Dhotlib.commit) and the paths that differed from it (-Dhotlib.dirty, one per line).
 *   usage: RunAll quick|precise OUT.json[.gz] [regexp]
 */
public final class RunAll {
    private RunAll() {}

    /** The settings of a mode: forks, warm-up and measured iterations (time per iteration for the calls). */
    record Mode(int forks, int callWarmups, int callWarmupMs, int callIterations, int callIterationMs,
                int reloadWarmups, int reloadShots, int coldWarmups, int coldShots, int bigForks, int bigWarmups,
                int bigShots) {
        static Mode of(String name) {
            switch (name) {
                case "quick":
                    return new Mode(2, 3, 300, 4, 300, 30, 100, 20, 50, 1, 2, 8);
                case "precise":
                    return new Mode(5, 3, 500, 6, 500, 100, 400, 50, 150, 3, 3, 12);
                default:
                    throw new IllegalArgumentException("mode is quick or precise, not " + name);
            }
        }

        String describe() {
            return String.format("calls: %d forks, %d warm-up x %d ms, %d x %d ms measured; reload: %d forks,"
                            + " %d warm-up + %d measured single shots; first calls: %d + %d; 200 MB library:"
                            + " %d fork(s), %d + %d",
                    forks, callWarmups, callWarmupMs, callIterations, callIterationMs, forks, reloadWarmups,
                    reloadShots, coldWarmups, coldShots, bigForks, bigWarmups, bigShots);
        }
    }

    public static void main(String[] args) throws Exception {
        Mode mode = Mode.of(args[0]);
        Path out = Path.of(args[1]);
        String only = args.length > 2 ? args[2] : ".*";
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        List<RunResult> results = new ArrayList<>();
        results.addAll(run(new OptionsBuilder()
                .include(both(only,
                        "\\.(Baseline|PinDesigns|(Ffm|Jna|Jnr|Javacpp)(Calls|Designs))\\."))
                .forks(mode.forks())
                .warmupIterations(mode.callWarmups()).warmupTime(TimeValue.milliseconds(mode.callWarmupMs()))
                .measurementIterations(mode.callIterations())
                .measurementTime(TimeValue.milliseconds(mode.callIterationMs()))));
        results.addAll(run(new OptionsBuilder()
                .include(both(only, "\\.Reload\\.")).forks(mode.forks()).addProfiler(ClassloaderProfiler.class)
                .warmupIterations(mode.reloadWarmups()).measurementIterations(mode.reloadShots())));
        results.addAll(run(new OptionsBuilder()
                .include(both(only, "\\.ColdCalls\\.")).forks(mode.forks())
                .warmupIterations(mode.coldWarmups()).measurementIterations(mode.coldShots())));
        results.addAll(run(new OptionsBuilder()
                .include(both(only, "\\.BigReload\\.")).forks(mode.bigForks())
                .warmupIterations(mode.bigWarmups()).measurementIterations(mode.bigShots())));
        try (PrintStream json = new PrintStream(compressedIfGz(Files.newOutputStream(out), out))) {
            ResultFormatFactory.getInstance(ResultFormatType.JSON, json).writeOut(results);
        }
        double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        new ObjectMapper().writerWithDefaultPrettyPrinter()
                .writeValue(out.resolveSibling("meta.json").toFile(), meta(args[0], mode, loadBefore, loadAfter));
    }

    /** {@code out} compressed when its file name ends in .gz: a precise run's JSON is over 2 MB. */
    private static OutputStream compressedIfGz(OutputStream out, Path file) throws IOException {
        return file.getFileName().toString().endsWith(".gz") ? new GZIPOutputStream(out) : out;
    }

    /** When, on what, how, and how busy the machine was: the context the JMH JSON lacks. */
    private static Map<String, Object> meta(String name, Mode mode, double loadBefore, double loadAfter)
            throws Exception {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                .filter(line -> line.startsWith("model name"))
                .map(line -> line.substring(line.indexOf(':') + 1).strip()).findFirst().orElse("unknown");
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("date", ZonedDateTime.now(ZoneOffset.UTC).withNano(0).toString());
        meta.put("mode", name);
        meta.put("commit", System.getProperty("hotlib.commit", "unknown"));
        List<String> dirty = System.getProperty("hotlib.dirty", "").lines().filter(l -> !l.isBlank()).toList();
        meta.put("dirty", !dirty.isEmpty());
        meta.put("dirtyPaths", dirty);
        meta.put("jdk", System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version"));
        meta.put("vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        meta.put("cpu", cpu);
        meta.put("cores", Runtime.getRuntime().availableProcessors());
        meta.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        meta.put("settings", mode.describe());
        meta.put("load", String.format("1-minute load average %.2f before JMH, %.2f after, on %d cores",
                loadBefore, loadAfter, Runtime.getRuntime().availableProcessors()));
        return meta;
    }

    /** A pattern matching names that match both (JMH takes several include() patterns as alternatives). */
    private static String both(String filter, String group) {
        return "^(?=.*(?:" + filter + ")).*" + group;
    }

    private static Collection<RunResult> run(ChainedOptionsBuilder options) throws Exception {
        try {
            return new Runner(options.build()).run();
        } catch (NoBenchmarksException filteredOut) {
            return List.of();
        }
    }
}
