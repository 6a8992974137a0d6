package dev.hotlib.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import org.openjdk.jmh.util.ListStatistics;

/**
 * Turns one run's raw results (RUN/jmh.json.gz, native.json, harness-BACKEND.json, meta.json) into the generated
 * section of the performance page, between its two markers, and its chart. Every number comes from those files.
 * A figure the page needs that the run lacks is an error, unless {@code --partial} (a try-out of some
 * benchmarks), which leaves out what was not measured.
 *   usage: Report RUN-DIR PAGE.md CHART.svg [--partial]
 *
 * <p>How sure a figure is: each benchmark's figure is the mean over its forks of each fork's median iteration
 * (CPU time per call for the calls, the shot for single shots). Its 95% interval, and that of a ratio of two
 * such figures, come from a bootstrap over the forks (and, within each fork drawn, over its iterations), with a
 * fixed seed. A goal is met when the whole interval, rounded as shown, is on its side; missed when the whole
 * interval is past it; inconclusive otherwise.
 */
public final class Report {
    static final String[] BACKENDS = {"FFM", "JNA", "JNR", "JavaCPP"};
    static final Map<String, String> CLASSES = Map.of("FFM", "FfmCalls", "JNA", "JnaCalls", "JNR", "JnrCalls",
            "JavaCPP", "JavacppCalls");
    static final Map<String, String> STATIC_KIND = Map.of("FFM", "static final downcall handles",
            "JNA", "direct mapping (Native.register), JnaLibrary's options",
            "JNR", "the user's interface, JnrDemo, in a static final field",
            "JavaCPP", "static natives linked at build");
    static final Map<String, Double> PINNED_GOAL = Map.of("FFM", 1.2, "JNA", 1.2, "JNR", 1.2, "JavaCPP", 1.3);
    static final String BEGIN = "<!-- benchmarks/run writes from here: generated from the raw results, do not edit -->";
    static final String END = "<!-- benchmarks/run writes up to here -->";
    private static final int REPLICATES = 4000;

    /** A figure the page needs and the run does not have. */
    static final class Missing extends RuntimeException {
        Missing(String key) {
            super("the run has no result for " + key + ": run it (benchmarks/run), or Report --partial for a try-out");
        }
    }

    /**
     * One benchmark's values, per fork and iteration (CPU time per operation for the timed calls, the shot for
     * single shots), and its JMH result.
     */
    record Bench(String key, double[][] forks, JsonNode result) {
        /** The figure: the mean over the forks of each fork's median. */
        double center() {
            return center(forks);
        }

        static double center(double[][] forks) {
            double sum = 0;
            for (double[] fork : forks) {
                sum += new ListStatistics(fork).getPercentile(50);  // JMH's percentile
            }
            return sum / forks.length;
        }

        /** One bootstrap replicate of {@link #center}: forks drawn with replacement, then each fork's values. */
        double replicate(Random random) {
            double[][] drawn = new double[forks.length][];
            for (int f = 0; f < forks.length; f++) {
                double[] fork = forks[random.nextInt(forks.length)];
                double[] values = new double[fork.length];
                for (int i = 0; i < values.length; i++) {
                    values[i] = fork[random.nextInt(fork.length)];
                }
                drawn[f] = values;
            }
            return center(drawn);
        }

        String unit() {
            return result.path("primaryMetric").path("scoreUnit").asText();
        }
    }

    /** A figure with its 95% interval. */
    record Figure(double value, double low, double high) {}

    /**
     * One line of the headline: a measured figure, or ratio of two, against its goal (NaN: reported only).
     *
     * @param unit "×" for a ratio, else the figure's unit
     */
    record Goal(String what, String backend, Figure figure, String unit, String against, double base, double goal) {
        boolean isRatio() {
            return unit.equals("×");
        }

        String show(double x) {
            return isRatio() ? ratio(x) : fmt(x) + " " + unit;
        }

        /** An end of the interval: as {@link #show}, without the unit. */
        String bound(double x) {
            return isRatio() ? ratio(x) : fmt(x);
        }

        /** Met, missed or inconclusive, decided on the interval's ends rounded as they are shown. */
        String verdict() {
            if (Double.isNaN(goal)) {
                return "reported";
            }
            double low = parse(show(figure.low()));
            double high = parse(show(figure.high()));
            return high <= goal ? "met" : low > goal ? "missed" : "inconclusive";
        }

        private static double parse(String shown) {
            return Double.parseDouble(shown.replaceAll("[^0-9.]", ""));
        }
    }

    private final Map<String, Bench> jmh = new LinkedHashMap<>();
    private final Map<String, JsonNode> harness = new LinkedHashMap<>();
    private final JsonNode nat;
    private final JsonNode meta;
    private final String runtime;
    private final boolean partial;

    Report(Path run, boolean partial) throws IOException {
        this.partial = partial;
        ObjectMapper json = new ObjectMapper();
        for (JsonNode result : readJmh(json, run)) {
            String name = result.get("benchmark").asText();
            StringBuilder key = new StringBuilder(name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1));
            for (Iterator<JsonNode> it = result.path("params").elements(); it.hasNext(); ) {
                key.append(' ').append(it.next().asText());
            }
            jmh.put(key.toString(), bench(key.toString(), result));
        }
        for (String backend : BACKENDS) {
            Path file = run.resolve("harness-" + backend + ".json");
            if (Files.exists(file)) {
                harness.put(backend, json.readTree(file.toFile()));
            } else if (!partial) {
                throw new Missing(file.toString());
            }
        }
        Path natives = run.resolve("native.json");
        if (!partial && !Files.exists(natives)) {
            throw new Missing(natives.toString());
        }
        nat = Files.exists(natives) ? json.readTree(natives.toFile()) : json.createObjectNode();
        meta = json.readTree(run.resolve("meta.json").toFile());
        Path seconds = run.resolve("runtime.txt");
        runtime = Files.exists(seconds) ? Files.readString(seconds).strip() + " s" : "not recorded";
    }

    /** The values of one JMH result: each iteration's score, times its CPU share where the benchmark has one. */
    private static Bench bench(String key, JsonNode result) {
        JsonNode raw = result.path("primaryMetric").path("rawData");
        JsonNode shares = result.path("secondaryMetrics").path("cpuShare").path("rawData");
        double[][] forks = new double[raw.size()][];
        for (int f = 0; f < raw.size(); f++) {
            forks[f] = new double[raw.get(f).size()];
            for (int i = 0; i < forks[f].length; i++) {
                double share = shares.isMissingNode() ? 1 : shares.path(f).path(i).asDouble(Double.NaN);
                forks[f][i] = raw.get(f).get(i).asDouble() * share;
            }
        }
        return new Bench(key, forks, result);
    }

    /** JMH's JSON: {@code jmh.json.gz} as RunAll writes it, else {@code jmh.json}. */
    private static JsonNode readJmh(ObjectMapper json, Path run) throws IOException {
        Path gzipped = run.resolve("jmh.json.gz");
        if (!Files.exists(gzipped)) {
            return json.readTree(run.resolve("jmh.json").toFile());
        }
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gzipped))) {
            return json.readTree(in);
        }
    }

    public static void main(String[] args) throws Exception {
        Path run = Path.of(args[0]).toAbsolutePath();
        Path page = Path.of(args[1]).toAbsolutePath();
        Path svg = Path.of(args[2]).toAbsolutePath();
        boolean partial = args.length > 3 && args[3].equals("--partial");
        Report report = new Report(run, partial);
        List<Goal> goals = report.goals();
        String section = report.section(goals, page.getParent().relativize(run), page.getParent().relativize(svg));
        Files.writeString(page, replaceSection(Files.exists(page) ? Files.readString(page) : INTRO, section));
        Files.writeString(svg, new Chart(goals).svg());
    }

    /** The page's text before its first run: what it is and how to make it; the markers hold the rest. */
    static final String INTRO = """
            # Performance

            What a reloadable call costs with each backend (FFM, JNA, JNR-FFI, JavaCPP) beside its static binding: a \
            tick as the examples make it, a call through a pin, release mode, the pin itself, the first calls after a \
            swap, and the swap. Every figure below is generated from the raw results of one run, committed under \
            [`benchmarks/results/`](../benchmarks/results/), by

            ```sh
            benchmarks/run              # quick: 2 forks, about 10 minutes on 2 cores
            benchmarks/run --precise    # 5 forks and longer iterations: about 30 minutes
            ```

            [`benchmarks/README.md`](../benchmarks/README.md) says what each benchmark measures and how the verdicts \
            are decided.

            """ + BEGIN + "\n" + END + "\n";

    /** {@code page} with the text between its markers replaced by {@code section}. */
    static String replaceSection(String page, String section) {
        int begin = page.indexOf(BEGIN);
        int end = page.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalStateException("the page has no generated-section markers: " + BEGIN);
        }
        return page.substring(0, begin + BEGIN.length()) + "\n" + section + page.substring(end);
    }

    // ---- the figures

    /** The result of {@code key} ("FfmCalls.tick", "Reload.swap FFM c"); {@link Missing} when the run lacks it. */
    Bench need(String key) {
        Bench bench = jmh.get(key);
        if (bench == null) {
            throw new Missing(key);
        }
        return bench;
    }

    /** {@code bench}'s figure and its 95% interval. */
    static Figure figure(Bench bench) {
        Random random = new Random(bench.key().hashCode());
        double[] replicates = new double[REPLICATES];
        for (int r = 0; r < REPLICATES; r++) {
            replicates[r] = bench.replicate(random);
        }
        return interval(bench.center(), replicates);
    }

    /** {@code top ÷ bottom} and its 95% interval, each side drawn on its own. */
    static Figure ratio(Bench top, Bench bottom) {
        Random random = new Random((top.key() + "/" + bottom.key()).hashCode());
        double[] replicates = new double[REPLICATES];
        for (int r = 0; r < REPLICATES; r++) {
            replicates[r] = top.replicate(random) / bottom.replicate(random);
        }
        return interval(top.center() / bottom.center(), replicates);
    }

    /** The percentile interval of {@code replicates}, widened if need be to hold the figure itself. */
    private static Figure interval(double value, double[] replicates) {
        Arrays.sort(replicates);
        double low = replicates[(int) Math.floor(0.025 * (replicates.length - 1))];
        double high = replicates[(int) Math.ceil(0.975 * (replicates.length - 1))];
        return new Figure(value, Math.min(low, value), Math.max(high, value));
    }

    /** Every goal, and the ratios only reported, in the headline's order. */
    List<Goal> goals() {
        List<Goal> goals = new ArrayList<>();
        for (String b : BACKENDS) {
            add(goals, () -> ratioGoal("a tick: pin, Main's calls, release", b, CLASSES.get(b) + ".tick",
                    CLASSES.get(b) + ".staticTick", "the same calls, static binding", 1.2));
        }
        for (String b : BACKENDS) {  // reported: what the tick costs without its pin
            add(goals, () -> ratioGoal("a tick, its pin held for a whole iteration", b,
                    CLASSES.get(b) + ".heldTick", CLASSES.get(b) + ".staticTick", "the same calls, static binding",
                    Double.NaN));
        }
        for (String b : BACKENDS) {
            add(goals, () -> ratioGoal("foo(), pin held for a whole iteration", b, CLASSES.get(b) + ".pinned_foo",
                    CLASSES.get(b) + ".static_foo", "static foo()", PINNED_GOAL.get(b)));
        }
        for (String b : BACKENDS) {
            add(goals, () -> ratioGoal("foo() in release mode, through its pin", b, CLASSES.get(b) + ".release_foo",
                    CLASSES.get(b) + ".static_foo", "static foo()", 1.05));
        }
        for (Map.Entry<String, String> design : DESIGNS.entrySet()) {  // reported beside the goals above
            String b = design.getKey().startsWith("Ffm") ? "FFM" : design.getKey().startsWith("Jna") ? "JNA"
                    : "JavaCPP";
            add(goals, () -> ratioGoal("design: " + design.getValue(), b, design.getKey(),
                    CLASSES.get(b) + ".static_foo", "static foo()", Double.NaN));
        }
        for (String design : List.of("core", "counterCleaner", "counter", "threadRecord", "ownRecord",
                "onlineRecord")) {
            add(goals, () -> {
                Bench pin = need("PinDesigns." + design);
                return new Goal("pin + release: " + PIN_DESIGNS.get(design), "all", figure(pin),
                        pin.unit().replace("/op", ""), "", Double.NaN, 5);
            });
        }
        add(goals, () -> new Goal(DEFINES, "all", figure(need("PinDesigns.defines")), "ns", "", Double.NaN,
                Double.NaN));
        add(goals, () -> ratioGoal("foo(), critical(false), pin held for a whole iteration", "FFM",
                "FfmCalls.pinnedCritical_foo", "FfmCalls.critical_foo", "static foo(), critical(false)", Double.NaN));
        for (String lib : List.of("c", "rust")) {
            for (String b : BACKENDS) {
                add(goals, () -> ratioGoal("whole swap, " + libName(lib) + " library", b,
                        "Reload.swap " + b + " " + lib, "Reload.jvmCycle " + lib, "the same loader calls from the JVM",
                        b.equals("JNR") ? Double.NaN : 1.5));
            }
        }
        for (String b : BACKENDS) {
            add(goals, () -> ratioGoal("whole swap, 200 MB library", b, "BigReload.swap " + b, "BigReload.jvmCycle",
                    "the same loader calls from the JVM", Double.NaN));
        }
        return goals;
    }

    /** The call designs set beside the static binding, as the headline names them. */
    static final Map<String, String> DESIGNS = designs();

    private static Map<String, String> designs() {
        Map<String, String> designs = new LinkedHashMap<>();
        designs.put("FfmDesigns.demo_foo", "FfmDemo's call, no pin");
        designs.put("FfmDesigns.guarded_foo", "a handle per version, SwitchPoint-guarded, no pin");
        designs.put("FfmDesigns.site_foo", "a call site pointed at a refusal before dlclose, no pin");
        designs.put("FfmDesigns.siteRelease_foo", "that call site in release mode, through its pin");
        designs.put("JnaDesigns.interfaceField_foo", "an interface proxy, no pin");
        designs.put("JnaDesigns.function_foo", "a Function, as JnaDemo calls it, no pin");
        designs.put("JavacppDesigns.demo_foo", "JavacppDemo's call, no pin");
        designs.put("JavacppDesigns.pointer_foo", "a FunctionPointer per function, checked, no pin");
        return designs;
    }

    static final String DEFINES = "a tick's 3 × `pin.defines` (bar, greeting, update), on a held pin";

    /** What each pin design is, as the headline names it. */
    static final Map<String, String> PIN_DESIGNS = Map.of(
            "core", "core's `host.pin()` (per-thread record, the thread's pin reused)",
            "counterCleaner", "counter + Cleaner",
            "counter", "counter, no Cleaner",
            "threadRecord", "reused per-thread record (ThreadLocal)",
            "ownRecord", "reused record held by the caller",
            "onlineRecord", "the caller's record, left on its version between pins (QSBR)");

    private Goal ratioGoal(String what, String backend, String top, String bottom, String against, double goal) {
        Bench base = need(bottom);
        return new Goal(what, backend, ratio(need(top), base), "×", against, base.center(), goal);
    }

    /** Adds the row {@code make} makes; in a partial report, leaves out one whose results the run lacks. */
    private <T> void add(List<T> rows, Supplier<T> make) {
        try {
            rows.add(make.get());
        } catch (Missing missing) {
            if (!partial) {
                throw missing;
            }
        }
    }

    static String libName(String lib) {
        return lib.equals("c") ? "C" : "Rust";
    }

    // ---- the Markdown

    String section(List<Goal> goals, Path runDir, Path chart) {
        StringBuilder md = new StringBuilder();
        md.append("\n## The run\n\n| | |\n|---|---|\n");
        md.append("| raw results | [`").append(runDir.getFileName()).append("/`](").append(runDir).append("/) |\n");
        for (String field : List.of("date", "mode", "commit", "dirty", "jdk", "cpu", "cores", "os", "settings",
                "load")) {
            JsonNode value = meta.path(field);
            if (!value.isMissingNode()) {
                md.append("| ").append(field).append(" | ").append(value.asText())
                        .append(field.equals("dirty") && value.asBoolean() ? " (" + meta.path("dirtyPaths").size()
                                + " paths differed from the commit: meta.json lists them)" : "")
                        .append(" |\n");
            }
        }
        md.append("| runtime | ").append(runtime).append(" |\n\n");
        md.append("![each ratio with its interval](").append(chart).append(")\n\n");
        headline(md, goals);
        callTable(md);
        coldTable(md);
        reloadTable(md);
        harnessTables(md);
        nativeTable(md);
        return md.toString();
    }

    private void headline(StringBuilder md, List<Goal> goals) {
        md.append("## Goals\n\n| measure | backend | figure [95% interval] | against | goal | verdict |\n")
                .append("|---|---|---|---|---|---|\n");
        for (Goal g : goals) {
            Figure f = g.figure();
            md.append("| ").append(g.what()).append(" | ").append(g.backend()).append(" | **")
                    .append(g.show(f.value())).append("** [").append(g.bound(f.low())).append("–")
                    .append(g.bound(f.high())).append("] | ")
                    .append(g.against().isEmpty() ? "" : g.against() + ": " + fmt(g.base()) + " "
                            + (g.what().contains("swap") ? "µs" : "ns"))
                    .append(" | ").append(Double.isNaN(g.goal()) ? "" : "≤ " + g.show(g.goal())).append(" | ")
                    .append(g.verdict().equals("reported") ? "" : "**" + g.verdict() + "**").append(" |\n");
        }
        md.append("""

                A figure is the mean over the forks of each fork's median: of the CPU time per call or per tick for \
                the calls (JMH's average time of an iteration times the share of it the thread spent on a core, so \
                that waiting for a core other work holds is not counted), of the shots for the swaps. Its interval \
                is a 95% bootstrap over the forks and their iterations; a verdict is **met** or **missed** only when \
                the whole interval, rounded as shown, is on one side of the goal, else **inconclusive**. A tick is \
                `host.pin()`, `foo()`, `pin.defines` for bar, greeting and update, `greeting()` and \
                `update(state)` (the C library defines no bar), and the release: Main's tick without its printing; \
                with the pin held for a whole iteration, the same tick less its pin and release. \
                A swap is `Host.reloadIfChanged()` after a new version was renamed into place; its baseline makes the \
                C harness's copy, dlopen, dlsym, abi_version(), dlclose and unlink from the JVM through FFM, both as \
                single shots in the same run.

                """);
    }

    private void callTable(StringBuilder md) {
        md.append("## Calls, ns per operation (JMH average time)\n\n")
                .append("| benchmark | what it measures | wall clock (JMH score ± 99.9%) | CPU time [95% interval]"
                        + " | forks: their medians, lowest–highest |\n|---|---|---|---|---|\n");
        for (Bench bench : jmh.values()) {
            if (!bench.result().path("mode").asText().equals("avgt")) {
                continue;
            }
            JsonNode metric = bench.result().path("primaryMetric");
            Figure f = figure(bench);
            md.append("| `").append(bench.key()).append("` | ").append(describe(bench.key())).append(" | ")
                    .append(fmt(metric.path("score").asDouble())).append(" ± ")
                    .append(fmt(metric.path("scoreError").asDouble(Double.NaN))).append(" | **")
                    .append(fmt(f.value())).append("** [").append(fmt(f.low())).append("–").append(fmt(f.high()))
                    .append("] | ").append(bench.forks().length).append(": ").append(forkSpread(bench))
                    .append(" |\n");
        }
        md.append('\n');
    }

    /** The lowest and the highest of a benchmark's fork medians: how far a fork moves it. */
    private static String forkSpread(Bench bench) {
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        for (double[] fork : bench.forks()) {
            double median = new ListStatistics(fork).getPercentile(50);
            low = Math.min(low, median);
            high = Math.max(high, median);
        }
        return fmt(low) + "–" + fmt(high);
    }

    /** What a call benchmark measures, by its name. */
    static String describe(String key) {
        String method = key.substring(key.indexOf('.') + 1);
        String backend = key.startsWith("Ffm") ? "FFM" : key.startsWith("Jnr") ? "JNR" : key.startsWith("Jna") ? "JNA"
                : key.startsWith("Javacpp") ? "JavaCPP" : "";
        if (key.equals("PinDesigns.defines")) {
            return DEFINES;
        }
        if (key.startsWith("PinDesigns.")) {
            return "pin + release, " + PIN_DESIGNS.get(method);
        }
        switch (method) {
            case "tick": return "a tick as Main makes it: pin, foo(), 3 × defines, greeting(), update(state), release";
            case "heldTick": return "the same tick's calls and defines, pin held for a whole iteration: no pin";
            case "staticTick": return "the same calls through the static binding: " + STATIC_KIND.get(backend);
            case "static_foo": return "static binding: " + STATIC_KIND.get(backend);
            case "staticInterface_foo": return "JNA's interface mapping (a proxy), loaded once";
            case "critical_foo": return "static final downcall handle, critical(false)";
            case "pinned_foo": return "`pin.binding().foo()`, pin held for a whole iteration";
            case "pinnedCritical_foo": return "the same over a binding with critical(false)";
            case "release_foo": return "release mode, through its pin held for a whole iteration";
            case "demo_foo": return backend.equals("FFM")
                    ? "FfmDemo's call, no pin: a static handle, the version's address checked by at()"
                    : "JavacppDemo's call, no pin: the version's address checked by at(), a native per C signature";
            case "byAddress_foo": return "the same handle and address without the check, no pin";
            case "guarded_foo": return "a handle per version in a final field, SwitchPoint-guarded, no pin";
            case "site_foo": return "a MutableCallSite pointed at a refusal before dlclose, no check, no pin";
            case "siteRelease_foo": return "the same through a release-mode host's pin";
            case "interfaceField_foo": return "an interface proxy in a field, no pin";
            case "function_foo": return "a `Function` in a field, `invokeInt`, no pin (JnaDemo's way)";
            case "pointer_foo": return "a FunctionPointer per function, its wrapper checked, no pin";
            case "java_foo": return "a plain Java method, not inlined";
            case "javaInlined_foo": return "the same, inlined";
            default: return "";
        }
    }

    private void coldTable(StringBuilder md) {
        StringBuilder rows = new StringBuilder();
        for (String b : BACKENDS) {
            StringBuilder row = new StringBuilder("| " + b + " | ");
            try {
                for (String calls : List.of("1", "100", "10000")) {
                    Bench shot = need("ColdCalls.firstCalls " + b + " " + calls);
                    Figure f = figure(shot);
                    int n = Integer.parseInt(calls);
                    row.append(fmt(f.value() / n)).append(" [").append(fmt(f.low() / n)).append("–")
                            .append(fmt(f.high() / n)).append("] | ");
                }
                Figure steady = figure(need(CLASSES.get(b) + ".pinned_foo"));
                rows.append(row).append(fmt(steady.value())).append(" |\n");
            } catch (Missing missing) {
                if (!partial) {
                    throw missing;
                }
            }
        }
        if (rows.length() > 0) {
            md.append("## The first calls after a swap, ns per call (JMH single shots)\n\n")
                    .append("| backend | call 1 | calls 1–100 | calls 1–10000 | steady (pin held) |\n")
                    .append("|---|---|---|---|---|\n").append(rows)
                    .append("\nEach shot follows a swap made in the iteration's setup: it takes a pin and makes N"
                            + " foo() calls through the new version's binding; the figure is the shot divided by N"
                            + " (its first call pays for the pin too). Steady: CPU time per call with the pin held"
                            + " for a whole iteration.\n\n");
        }
    }

    private void reloadTable(StringBuilder md) {
        StringBuilder rows = new StringBuilder();
        for (String lib : List.of("c", "rust", "big")) {
            for (String b : BACKENDS) {
                try {
                    boolean big = lib.equals("big");
                    Bench swap = need(big ? "BigReload.swap " + b : "Reload.swap " + b + " " + lib);
                    rows.append("| ").append(b).append(" | ").append(big ? "200 MB C" : libName(lib)).append(" | ")
                            .append(big ? "" : fmt(need("Reload.loadBind " + b + " " + lib).center())).append(" | ")
                            .append(big ? "" : fmt(need("Reload.unload " + b + " " + lib).center())).append(" | **")
                            .append(fmt(swap.center())).append("** | ").append(fmt(percentile(swap, "99.0")))
                            .append(" | ").append(big ? "" : fmt(classesPerSwap(swap))).append(" |\n");
                } catch (Missing missing) {
                    if (!partial) {
                        throw missing;
                    }
                }
            }
            try {
                Bench cycle = need(lib.equals("big") ? "BigReload.jvmCycle" : "Reload.jvmCycle " + lib);
                rows.append("| the same loader calls from the JVM | ").append(lib.equals("big") ? "200 MB C"
                        : libName(lib)).append(" | | | **").append(fmt(cycle.center())).append("** | ")
                        .append(fmt(percentile(cycle, "99.0"))).append(" | |\n");
            } catch (Missing missing) {
                if (!partial) {
                    throw missing;
                }
            }
        }
        if (rows.length() > 0) {
            md.append("## Reloads, µs (JMH single shots)\n\n")
                    .append("| backend | library | load + bind | unload | whole swap | swap p99 | classes loaded per"
                            + " swap |\n|---|---|---|---|---|---|---|\n").append(rows)
                    .append("\nEach figure is the mean over the forks of each fork's median shot; p99 is JMH's over"
                            + " all shots. Load + bind is the demo binding's loader on a fresh copy (dlopen, every"
                            + " symbol, abi_version()); unload its dlclose. Classes loaded per swap: JMH's"
                            + " class-loading profiler (`-prof cl`), over the measured shots.\n\n");
        }
    }

    /** JMH's percentile of a single-shot benchmark, over all its shots ("50.0", "99.0"). */
    private static double percentile(Bench bench, String percentile) {
        return bench.result().path("primaryMetric").path("scorePercentiles").path(percentile).asDouble(Double.NaN);
    }

    /** Classes loaded per operation, from JMH's class-loading profiler (·class.load.norm). */
    private static double classesPerSwap(Bench bench) {
        for (Iterator<Map.Entry<String, JsonNode>> it = bench.result().path("secondaryMetrics").fields();
                it.hasNext(); ) {
            Map.Entry<String, JsonNode> metric = it.next();
            if (metric.getKey().endsWith("class.load.norm")) {
                return metric.getValue().path("score").asDouble();
            }
        }
        throw new Missing(bench.key() + " ·class.load.norm (-prof cl)");
    }

    private void harnessTables(StringBuilder md) {
        if (harness.isEmpty()) {
            return;
        }
        md.append("## Where a swap's time goes, µs (Harness: swaps one after another, median of each phase)\n\n")
                .append("| backend | library | look: stat + trust walk | copy + checks | load + bind + abi_version()"
                        + " | unload the old version | sum of the phases |\n|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, JsonNode> e : harness.entrySet()) {
            for (String lib : List.of("c", "rust", "big")) {
                JsonNode byPhase = e.getValue().path("swapPhasesUs").path(lib);
                md.append("| ").append(e.getKey()).append(" | ").append(lib.equals("big") ? "200 MB C" : libName(lib))
                        .append(" | ");
                for (String phase : List.of("look", "copyAndCheck", "loadAndProbe", "unloadOld", "total")) {
                    md.append(fmt(required(byPhase.path(phase).path("median"), e.getKey() + " " + lib + " " + phase)))
                            .append(phase.equals("total") ? " |\n" : " | ");
                }
            }
        }
        md.append("\nEach phase as the host times it (`SwapTimes`, told to `Hooks.afterSwap`): look is the poll that"
                + " found the new file; copy + checks the private copy, the comparison with the running version's"
                + " copy and the ELF checks; unload is dlclose, deleting the old copy, and dlopen(RTLD_NOLOAD) asking"
                + " the loader whether it let the old version go. Each column is a median of its own.\n\n");
        md.append("## Detection latency, ms (Harness)\n\n| backend | C: median | C: p99 | Rust: median | Rust: p99 |\n")
                .append("|---|---|---|---|---|\n");
        for (Map.Entry<String, JsonNode> e : harness.entrySet()) {
            md.append("| ").append(e.getKey()).append(" | ");
            for (String lib : List.of("c", "rust")) {
                JsonNode l = e.getValue().path("latency").path(lib);
                md.append(fmt(required(l.path("median"), e.getKey() + " latency " + lib))).append(" | ")
                        .append(fmt(required(l.path("p99"), e.getKey() + " latency " + lib)))
                        .append(lib.equals("c") ? " | " : " |\n");
            }
        }
        md.append("\nFrom the rename of a new version into place to the first foo() answered by it: the examples' loop"
                + " polls every 10 ms (settle 0) on one thread, another pins, calls and releases without pause."
                + " Percentiles are JMH's.\n\n");
    }

    private void nativeTable(StringBuilder md) {
        if (!nat.has("calls")) {
            return;
        }
        md.append("## The C harness\n\n| measure | median | p5 | p95 |\n|---|---|---|---|\n");
        for (String call : List.of("foo", "greeting", "update")) {
            JsonNode c = nat.path("calls").path(call);
            md.append("| ").append(call).append("() through a function pointer, ns of CPU time | ")
                    .append(fmt(required(c.path("median"), "native " + call))).append(" | ")
                    .append(fmt(c.path("p5").asDouble())).append(" | ").append(fmt(c.path("p95").asDouble()))
                    .append(" |\n");
        }
        for (String lib : List.of("c", "rust", "big")) {
            JsonNode c = nat.path("reload").path(lib).path("cycle");
            md.append("| copy + dlopen + dlsym + dlclose + unlink in a loop, ")
                    .append(lib.equals("big") ? "200 MB C" : libName(lib)).append(", µs | ")
                    .append(fmt(required(c.path("median"), "native cycle " + lib))).append(" | ")
                    .append(fmt(c.path("p5").asDouble())).append(" | ").append(fmt(c.path("p95").asDouble()))
                    .append(" |\n");
        }
        JsonNode cp = nat.path("reload").path("bigCp").path("cp");
        md.append("| `cp` of the 200 MB library, µs | ").append(fmt(required(cp.path("median"), "native cp")))
                .append(" | ").append(fmt(cp.path("p5").asDouble())).append(" | ")
                .append(fmt(cp.path("p95").asDouble()))
                .append(" |\n\nThe C harness runs in its own process: its calls are timed with the thread's CPU clock"
                        + " over batches of 2 million, its cycles with the monotonic clock, one after another. Its"
                        + " percentiles are defined as JMH's. It is a reference beside the goals, not one of their"
                        + " baselines.\n");
    }

    private double required(JsonNode value, String what) {
        if (value.isMissingNode() || !value.isNumber()) {
            throw new Missing(what);
        }
        return value.asDouble();
    }

    static String fmt(double x) {
        if (Double.isNaN(x)) {
            throw new IllegalStateException("a figure is missing");
        }
        double a = Math.abs(x);
        return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f", x);
    }

    static String ratio(double r) {
        return String.format(Locale.ROOT, r >= 10 ? "%.1f×" : "%.2f×", r);
    }
}
