package dev.hotlib.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
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
 * timed iterations) and the reload phases (single shots) need different settings, which JMH's command line
 * cannot give two groups in one run.   usage: RunAll quick|precise OUT.json [regexp]
 */
public final class RunAll {
    private RunAll() {}

    /** The settings of a mode: forks, warm-up and measured iterations (time per iteration for the calls). */
    record Mode(int forks, int callWarmups, int callWarmupMs, int callIterations, int callIterationMs,
                int reloadWarmups, int reloadShots) {
        static Mode of(String name) {
            return switch (name) {
                case "quick" -> new Mode(1, 3, 400, 10, 400, 50, 200);
                case "precise" -> new Mode(3, 5, 1000, 10, 1000, 200, 1000);
                default -> throw new IllegalArgumentException("mode is quick or precise, not " + name);
            };
        }
    }

    public static void main(String[] args) throws Exception {
        Mode mode = Mode.of(args[0]);
        Path out = Path.of(args[1]);
        String only = args.length > 2 ? args[2] : ".*";
        List<RunResult> results = new ArrayList<>();
        results.addAll(run(new OptionsBuilder()
                .include(both(only, "\\.(Baseline|FfmCalls|JnaCalls|JnrCalls|JavacppCalls)\\.")).forks(mode.forks())
                .warmupIterations(mode.callWarmups()).warmupTime(TimeValue.milliseconds(mode.callWarmupMs()))
                .measurementIterations(mode.callIterations()).measurementTime(TimeValue.milliseconds(mode.callIterationMs()))));
        results.addAll(run(new OptionsBuilder()
                .include(both(only, "\\.Reload\\.")).forks(mode.forks())
                .warmupIterations(mode.reloadWarmups()).measurementIterations(mode.reloadShots())));
        try (PrintStream json = new PrintStream(Files.newOutputStream(out))) {
            ResultFormatFactory.getInstance(ResultFormatType.JSON, json).writeOut(results);
        }
        Files.writeString(out.resolveSibling("meta.json"), meta(args[0], mode));
    }

    /** When, on what, and how: the context the JMH JSON lacks. */
    private static String meta(String name, Mode mode) throws Exception {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("unknown");
        String settings = String.format("calls: %d fork(s), %d warm-up x %d ms, %d x %d ms measured; reload: %d fork(s), %d warm-up + %d measured single shots",
                mode.forks(), mode.callWarmups(), mode.callWarmupMs(), mode.callIterations(), mode.callIterationMs(),
                mode.forks(), mode.reloadWarmups(), mode.reloadShots());
        return "{\n" + String.join(",\n", List.of(
                field("date", java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).withNano(0).toString()),
                field("mode", name),
                field("jdk", System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version")),
                field("vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version")),
                field("cpu", cpu),
                field("cores", String.valueOf(Runtime.getRuntime().availableProcessors())),
                field("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch")),
                field("settings", settings))) + "\n}\n";
    }

    private static String field(String key, String value) {
        return "  \"" + key + "\": \"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
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
