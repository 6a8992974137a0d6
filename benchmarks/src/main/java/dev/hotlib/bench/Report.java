package dev.hotlib.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Turns one run's raw results (RUN/jmh.json.gz, native.json, harness-BACKEND.json, meta.json) into RESULTS.md,
 * chart.svg and the README's headline table. Every number in them comes from those files.
 *   usage: Report RUN-DIR OUT.md OUT.svg [README.md]
 */
public final class Report {
    static final String[] BACKENDS = {"FFM", "JNA", "JNR", "JavaCPP"};
    static final String[] LIBS = {"c", "rust", "big"};
    static final Map<String, String> CLASSES = Map.of("FFM", "FfmCalls", "JNA", "JnaCalls", "JNR", "JnrCalls",
            "JavaCPP", "JavacppCalls");
    static final Map<String, String> STATIC_KIND = Map.of("FFM", "static final downcall handle",
            "JNA", "direct mapping (Native.register), JnaHotlib's options",
            "JNR", "interface in a static final field, as JnrHotlib binds it",
            "JavaCPP", "static native linked at build");
    static final Map<String, Double> PINNED_GOAL = Map.of("FFM", 1.2, "JNA", 1.2, "JNR", 1.2, "JavaCPP", 1.3);

    /**
     * A call's cost: JMH's score (wall-clock time) and 99.9% error, and the CPU time per call (each iteration's
     * score times its {@link CpuShare}; the median over the iterations), which waits for a busy core leave out.
     */
    record Call(double score, double error, double cpu) {}

    /** One line of the headline table: a measured ratio against its goal (NaN: reported, no goal). */
    record Goal(String what, String backend, double figure, String unit, double base, String against,
                double goal) {
        double ratio() {
            return figure / base;
        }

        boolean measured() {
            return !Double.isNaN(figure) && !Double.isNaN(base);
        }

        String verdict() {
            if (!measured()) {
                return "not measured";
            }
            if (Double.isNaN(goal)) {
                return "reported";
            }
            return ratio() <= goal ? "**met**" : "**missed**";
        }
    }

    private final Map<String, JsonNode> jmh = new LinkedHashMap<>();  // "FfmCalls.pinned_foo", "Reload.swap FFM c"
    private final Map<String, JsonNode> harness = new LinkedHashMap<>();
    private final JsonNode nat;
    private final JsonNode meta;
    private final String runtime;

    Report(Path run) throws IOException {
        ObjectMapper json = new ObjectMapper();
        for (JsonNode result : readJmh(json, run)) {
            String name = result.get("benchmark").asText();
            String key = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            JsonNode params = result.get("params");
            if (params != null) {
                key += " " + params.path("backend").asText("") + " " + params.path("lib").asText("big");
            }
            jmh.put(key, result);
        }
        for (String backend : BACKENDS) {
            Path file = run.resolve("harness-" + backend + ".json");
            if (Files.exists(file)) {
                harness.put(backend, json.readTree(file.toFile()));
            }
        }
        nat = json.readTree(run.resolve("native.json").toFile());
        meta = json.readTree(run.resolve("meta.json").toFile());
        Path seconds = run.resolve("runtime.txt");
        runtime = Files.exists(seconds) ? Files.readString(seconds).strip() : "?";
    }

    /** JMH's JSON: {@code jmh.json.gz} as RunAll writes it (a precise run's is over 2 MB), else {@code jmh.json}. */
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
        Path md = Path.of(args[1]).toAbsolutePath();
        Path svg = Path.of(args[2]).toAbsolutePath();
        Report report = new Report(run);
        Files.writeString(md, report.markdown(md.getParent().relativize(run), md.getParent().relativize(svg)));
        Files.writeString(svg, new Chart(report.goals()).svg());
        if (args.length > 3) {
            report.updateReadme(Path.of(args[3]));
        }
    }

    static final String README_BEGIN = "<!-- benchmarks/run writes the headline table here, from the raw results -->\n";
    static final String README_END = "<!-- end of the generated headline table -->\n";

    /** Replaces the headline table between the README's markers with this run's (the same as RESULTS.md's). */
    void updateReadme(Path readme) throws IOException {
        String text = Files.readString(readme);
        int begin = text.indexOf(README_BEGIN);
        int end = text.indexOf(README_END);
        if (begin < 0 || end < begin) {
            throw new IllegalStateException(readme + " has no generated-table markers: " + README_BEGIN.strip());
        }
        String table = headline(false) + "\nThe designs measured beside these and the swaps in a warm loop are in"
                + " [RESULTS.md](benchmarks/results/RESULTS.md).\n\n";
        Files.writeString(readme, text.substring(0, begin + README_BEGIN.length()) + table + text.substring(end));
    }

    // ---- the figures

    /** A call benchmark: {@code <binding>_foo}, or the benchmark named {@code binding} when it calls no foo(). */
    Call call(String backend, String binding) {
        String prefix = CLASSES.getOrDefault(backend, "Baseline") + ".";
        Call foo = result(prefix + binding + "_foo");
        return foo != null ? foo : result(prefix + binding);
    }

    /** A call benchmark by its key, such as "FfmCalls.pinned_foo"; null when this run does not have it. */
    Call result(String key) {
        JsonNode result = jmh.get(key);
        if (result == null) {
            return null;
        }
        JsonNode metric = result.get("primaryMetric");
        JsonNode shares = result.path("secondaryMetrics").path("cpuShare").path("rawData");
        List<Double> cpu = new ArrayList<>();
        JsonNode forks = metric.get("rawData");
        for (int f = 0; f < forks.size(); f++) {
            for (int i = 0; i < forks.get(f).size(); i++) {
                cpu.add(forks.get(f).get(i).asDouble() * shares.path(f).path(i).asDouble(Double.NaN));
            }
        }
        cpu.sort(null);
        return new Call(metric.get("score").asDouble(), metric.get("scoreError").asDouble(Double.NaN),
                cpu.isEmpty() ? Double.NaN : cpu.get(cpu.size() / 2));
    }

    double cpu(String backend, String binding) {
        Call call = call(backend, binding);
        return call == null ? Double.NaN : call.cpu();
    }

    /** A single-shot benchmark's percentile (JMH's scorePercentiles: "50.0", "99.0"), microseconds. */
    double shot(String benchmark, String backend, String lib, String percentile) {
        JsonNode result = jmh.get(benchmark + " " + backend + " " + lib);
        return result == null ? Double.NaN
                : result.get("primaryMetric").get("scorePercentiles").get(percentile).asDouble();
    }

    double swap(String backend, String lib) {
        return shot(lib.equals("big") ? "BigReload.swap" : "Reload.swap", backend, lib, "50.0");
    }

    /**
     * The C harness's cycle made from inside the JVM (Reload.jvmCycle, BigReload.jvmCycle), as single shots like
     * the swap: what the same libc calls cost in a JVM process, timed the way the swap is.
     */
    double jvmCycle(String lib) {
        return shot(lib.equals("big") ? "BigReload.jvmCycle" : "Reload.jvmCycle", "", lib, "50.0");
    }

    /** A figure of the C harness: native.json's {@code section.name.stat}. */
    double c(String section, String name, String stat) {
        return nat.path(section).path(name).path(stat).asDouble(Double.NaN);
    }

    double cCycle(String lib) {
        return cReload(lib, "cycle", "median");
    }

    double cReload(String lib, String phase, String stat) {
        return nat.path("reload").path(lib).path(phase).path(stat).asDouble(Double.NaN);
    }

    /** The backend's fastest static binding: the least CPU time of its static_* benchmarks. */
    double fastestStatic(String backend) {
        double fastest = Double.NaN;
        for (String key : jmh.keySet()) {
            if (key.startsWith(CLASSES.get(backend) + ".static") && key.endsWith("_foo")) {
                double cpu = result(key).cpu();
                fastest = Double.isNaN(fastest) ? cpu : Math.min(fastest, cpu);
            }
        }
        return fastest;
    }

    /** Every goal of issues 8 and 11, and the figures they only ask to report, in the headline's order. */
    List<Goal> goals() {
        List<Goal> goals = new ArrayList<>();
        double cFoo = c("calls", "foo", "median");
        for (String b : BACKENDS) {
            goals.add(new Goal("foo() pinned, as the examples call it", b, cpu(b, "pinned"), "ns",
                    fastestStatic(b), "static binding", PINNED_GOAL.get(b)));
        }
        goals.add(new Goal("foo() pinned, critical(false)", "FFM", cpu("FFM", "pinnedCritical"), "ns", cFoo,
                "C call through a function pointer", 3));
        goals.add(new Goal("foo() pinned, critical(false)", "FFM", cpu("FFM", "pinnedCritical"), "ns",
                cpu("FFM", "critical"), "static handle, critical(false)", Double.NaN));
        for (String b : BACKENDS) {
            goals.add(new Goal("foo() in release mode, through its pin", b, cpu(b, "release"), "ns",
                    fastestStatic(b), "static binding", 1.05));
        }
        for (String design : designs()) {  // the other designs measured for the goals above, without a goal
            String backend = designBackend(design);
            goals.add(new Goal("design: " + design.substring(design.indexOf('.') + 1), backend,
                    result(design + "_foo").cpu(), "ns", fastestStatic(backend), "static binding", Double.NaN));
        }
        for (String b : BACKENDS) {
            goals.add(new Goal("pin + release, once per tick", b, cpu(b, "pinRelease"), "ns", 1, "", Double.NaN));
        }
        for (String lib : LIBS) {
            for (String b : BACKENDS) {
                goals.add(new Goal("whole swap, " + libName(lib) + " library", b, swap(b, lib), "µs", cCycle(lib),
                        "C copy + dlopen + dlsym + dlclose", b.equals("JNR") ? Double.NaN : 1.5));
            }
        }
        for (String lib : List.of("c", "rust", "big")) {
            for (String b : BACKENDS) {
                goals.add(new Goal("whole swap against the same cycle in the JVM, " + libName(lib) + " library", b,
                        swap(b, lib), "µs", jvmCycle(lib), "the C harness's calls through FFM, single shots",
                        b.equals("JNR") || lib.equals("big") ? Double.NaN : 1.5));
            }
        }
        for (String lib : LIBS) {
            for (String b : BACKENDS) {
                JsonNode warm = harness.containsKey(b) ? harness.get(b).path("warmSwapUs").path(lib) : null;
                goals.add(new Goal("whole swap in a warm loop, " + libName(lib) + " library", b,
                        warm == null || warm.isMissingNode() ? Double.NaN : warm.get("median").asDouble(), "µs",
                        cCycle(lib), "C copy + dlopen + dlsym + dlclose", Double.NaN));
            }
        }
        for (String b : BACKENDS) {
            goals.add(new Goal("whole swap, 200 MB library", b, swap(b, "big"), "µs",
                    cReload("bigCp", "cp", "median"), "`cp` of the same file", Double.NaN));
        }
        for (String b : BACKENDS) {
            JsonNode classes = harness.containsKey(b) ? harness.get(b).get("classes") : null;
            goals.add(new Goal("classes loaded per reload", b,
                    classes == null ? Double.NaN : classes.get("loadedPerReload").asDouble(), "classes", 1, "",
                    Double.NaN));
        }
        return goals;
    }

    static String libName(String lib) {
        return lib.equals("big") ? "200 MB C" : lib.equals("c") ? "C" : "Rust";
    }

    // ---- the Markdown

    /** The headline table; {@code full} adds the designs and the warm-loop swaps (RESULTS.md has them). */
    String headline(boolean full) {
        StringBuilder md = new StringBuilder();
        md.append("| measure | backend | figure | against | ratio | goal | |\n|---|---|---|---|---|---|---|\n");
        for (Goal g : goals()) {
            if (!full && (g.what().startsWith("design:") || g.what().contains("warm loop"))) {
                continue;
            }
            boolean isRatio = !g.against().isEmpty();
            md.append("| ").append(g.what()).append(" | ").append(g.backend()).append(" | ")
                    .append(g.measured() ? fmt(g.figure()) + " " + g.unit() : "–").append(" | ")
                    .append(isRatio ? g.against() + (g.measured() ? ": " + fmt(g.base()) + " " + g.unit() : "") : "")
                    .append(" | ").append(isRatio && g.measured() ? ratio(g.ratio()) : "").append(" | ")
                    .append(Double.isNaN(g.goal()) ? "" : "≤ " + ratio(g.goal())).append(" | ")
                    .append(g.verdict()).append(" |\n");
        }
        md.append("\nCall costs are CPU time per call: JMH's average time of each iteration times the share of it"
                + " the thread spent on a core (the median over the iterations), so that waiting for a core that"
                + " other work holds is not counted; the C harness times its batches of 2 million calls with the"
                + " thread's CPU clock (median). The wall-clock scores are in RESULTS.md. Swaps are medians of"
                + " single shots (JMH p50), each after the iteration's setup, against the C harness's median"
                + " cycle; \"in a warm loop\" is the median of swaps timed one after another (Harness), the way"
                + " the C harness times its cycles. \"Against the same cycle in the JVM\" divides the same swap by"
                + " Reload.jvmCycle: the C harness's calls (open, copy_file_range, dlopen, dlsym x5, abi_version,"
                + " dlclose, unlink) made from the JVM through FFM, as JMH single shots in the same run, so that what"
                + " the loader and the file system cost inside a JVM, one cold event at a time, is not counted as the"
                + " host's (benchmarks/README.md says why the two baselines differ). A pinned call is `pin.foo()` on"
                + " a pin held for a whole JMH iteration: the pin's released check (a plain field read), the"
                + " version's closed check (another), and the backend's call into that version.\n");
        return md.toString();
    }

    String markdown(Path runDir, Path chart) {
        StringBuilder md = new StringBuilder("# Benchmark results\n\n");
        md.append("Generated by `benchmarks/run` from the raw results in [`").append(runDir).append("/`](")
                .append(runDir).append("/) (do not edit: run it again). Chart: [`").append(chart).append("`](")
                .append(chart).append(").\n\n| | |\n|---|---|\n");
        meta.fields().forEachRemaining(f -> md.append("| ").append(f.getKey()).append(" | ")
                .append(f.getValue().asText()).append(" |\n"));
        md.append("| total runtime | ").append(runtime).append(" s |\n\n![chart](").append(chart).append(")\n\n");
        md.append("## Headline: every goal of issues 8 and 11\n\n").append(headline(true)).append('\n');
        callTable(md);
        reloadTable(md);
        harnessTables(md);
        return md.toString();
    }

    private void callTable(StringBuilder md) {
        md.append("## foo(), ns per call (JMH average time, wall clock: score ± 99.9% error; CPU time per call)\n\n")
                .append("| backend | binding | wall clock | CPU time |\n|---|---|---|---|\n");
        Map<String, String> bindings = new LinkedHashMap<>();
        bindings.put("static", "static: %s");
        bindings.put("staticInterface", "static: interface mapping (a proxy), loaded once");
        bindings.put("critical", "static, critical(false)");
        bindings.put("pinned", "pinned: a watching host's pin, held for the iteration");
        bindings.put("pinnedCritical", "pinned, FfmHotlib.loadCritical");
        bindings.put("release", "release mode, through its pin");
        bindings.put("pinRelease", "host.pin() and its release, no call");
        for (String b : BACKENDS) {
            for (Map.Entry<String, String> binding : bindings.entrySet()) {
                Call call = call(b, binding.getKey());
                if (call != null) {
                    md.append("| ").append(b).append(" | ")
                            .append(String.format(binding.getValue(), STATIC_KIND.get(b)))
                            .append(" | ").append(fmt(call.score())).append(" ± ").append(fmt(call.error()))
                            .append(" | ").append(fmt(call.cpu())).append(" |\n");
                }
            }
        }
        for (String design : designs()) {
            Call call = result(design + "_foo");
            md.append("| ").append(designBackend(design)).append(" design | ")
                    .append(design.substring(design.indexOf('.') + 1)).append(" | ").append(fmt(call.score()))
                    .append(" ± ").append(fmt(call.error())).append(" | ").append(fmt(call.cpu())).append(" |\n");
        }
        Call java = call("Java", "java");
        md.append("| C | function pointer (CPU clock: median, p5–p95) | | ").append(fmt(c("calls", "foo", "median")))
                .append(" (").append(fmt(c("calls", "foo", "p5"))).append("–").append(fmt(c("calls", "foo", "p95")))
                .append(") |\n");
        if (java != null) {
            md.append("| Java | a plain method, not inlined | ").append(fmt(java.score())).append(" ± ")
                    .append(fmt(java.error())).append(" | ").append(fmt(java.cpu())).append(" |\n");
        }
        md.append('\n');
    }

    /** The backend a design benchmark belongs to, by its class: "FfmDesigns.bound" is FFM's. */
    private static String designBackend(String design) {
        return design.startsWith("Ffm") ? "FFM" : design.startsWith("Javacpp") ? "JavaCPP" : "JNA";
    }

    /** Bindings measured only to compare designs (FfmDesigns, JnaDesigns, JavacppDesigns), if this run has them. */
    private List<String> designs() {
        List<String> names = new ArrayList<>();
        for (String key : jmh.keySet()) {
            if (key.matches("(Ffm|Jna|Javacpp)Designs\\..*_foo")) {
                names.add(key.substring(0, key.length() - "_foo".length()));
            }
        }
        return names;
    }

    private void reloadTable(StringBuilder md) {
        md.append("## Reload, µs (JMH single shots, median; swap also p99; C harness median)\n\n")
                .append("| backend | library | load + bind | unload | whole swap | swap p99 |\n")
                .append("|---|---|---|---|---|---|\n");
        for (String lib : LIBS) {
            for (String b : BACKENDS) {
                if (!Double.isNaN(swap(b, lib))) {
                    String bench = lib.equals("big") ? "BigReload.swap" : "Reload.swap";
                    md.append("| ").append(b).append(" | ").append(libName(lib)).append(" | ")
                            .append(fmt(shot("Reload.loadBind", b, lib, "50.0"))).append(" | ")
                            .append(fmt(shot("Reload.unload", b, lib, "50.0"))).append(" | ")
                            .append(fmt(swap(b, lib))).append(" | ").append(fmt(shot(bench, b, lib, "99.0")))
                            .append(" |\n");
                }
            }
            if (!Double.isNaN(jvmCycle(lib))) {
                md.append("| the C harness's cycle in the JVM | ").append(libName(lib)).append(" | | | cycle ")
                        .append(fmt(jvmCycle(lib))).append(" | ")
                        .append(fmt(shot(lib.equals("big") ? "BigReload.jvmCycle" : "Reload.jvmCycle", "", lib,
                                "99.0"))).append(" |\n");
            }
            md.append("| C harness | ").append(libName(lib)).append(" | ")
                    .append(fmt(cReload(lib, "loadBind", "median"))).append(" | ")
                    .append(fmt(cReload(lib, "unload", "median"))).append(" | cycle ").append(fmt(cCycle(lib)))
                    .append(" (copy ").append(fmt(cReload(lib, "copy", "median"))).append(") | ")
                    .append(fmt(cReload(lib, "cycle", "p99"))).append(" |\n");
        }
        md.append("| `cp` | 200 MB C | | | ").append(fmt(cReload("bigCp", "cp", "median"))).append(" | ")
                .append(fmt(cReload("bigCp", "cp", "p99"))).append(" |\n\n");
    }

    private void harnessTables(StringBuilder md) {
        if (harness.isEmpty()) {
            return;
        }
        phasesTable(md);
        md.append("## Classes loaded per reload, detection latency, cold calls (Harness, one JVM per backend)\n\n")
                .append("| backend | classes loaded / unloaded over N reloads | latency median / p99, ms (C; Rust)"
                        + " | call #1, #10, #10000, steady, ns (median) |\n|---|---|---|---|\n");
        for (Map.Entry<String, JsonNode> e : harness.entrySet()) {
            JsonNode h = e.getValue();
            JsonNode classes = h.get("classes");
            JsonNode cold = h.get("cold");
            md.append("| ").append(e.getKey()).append(" | ").append(classes.get("loaded").asLong()).append(" / ")
                    .append(classes.get("unloaded").asLong()).append(" over ").append(classes.get("reloads").asInt())
                    .append(" | ");
            for (String lib : List.of("c", "rust")) {
                JsonNode l = h.get("latency").get(lib);
                md.append(fmt(l.get("median").asDouble())).append(" / ").append(fmt(l.get("p99").asDouble()))
                        .append(lib.equals("c") ? "; " : "");
            }
            md.append(" | ");
            for (String n : Arrays.asList("1", "10", "10000")) {
                md.append(fmt(cold.get("calls").get(n).get("median").asDouble())).append(", ");
            }
            md.append(fmt(cold.get("steady").get("median").asDouble())).append(" |\n");
        }
        md.append("\nLatency: from the rename of a new version into place to the first foo() answered by it, poll"
                + " every 10 ms, settle 0. Cold calls: each timed alone with System.nanoTime() (timer included),"
                + " through one pin taken right after the swap.\n");
    }

    /** Where a warm swap's time goes: the host's own timing of each phase (SwapTimes), medians. */
    private void phasesTable(StringBuilder md) {
        List<String> phases = List.of("look", "copyAndCheck", "loadAndProbe", "unloadOld");
        StringBuilder rows = new StringBuilder();
        for (Map.Entry<String, JsonNode> e : harness.entrySet()) {
            for (String lib : List.of("c", "rust", "big")) {
                JsonNode byPhase = e.getValue().path("warmSwapPhasesUs").path(lib);
                if (byPhase.isMissingNode()) {
                    continue;
                }
                rows.append("| ").append(e.getKey()).append(" | ").append(libName(lib)).append(" | ");
                for (String phase : phases) {
                    rows.append(fmt(byPhase.path(phase).path("median").asDouble(Double.NaN))).append(" | ");
                }
                rows.append(fmt(e.getValue().path("warmSwapUs").path(lib).path("median").asDouble(Double.NaN)))
                        .append(" |\n");
            }
        }
        if (rows.length() == 0) {
            return;
        }
        md.append("## Where a swap's time goes, µs (Harness: swaps in a loop, median of each phase)\n\n")
                .append("| backend | library | look: stat + trust walk | copy + checks | load + bind + abi_version()"
                        + " | unload the old version | whole swap |\n|---|---|---|---|---|---|---|\n")
                .append(rows)
                .append("\nEach phase as the host times it (`SwapTimes`, told to `Hooks.afterSwap`): look is the poll"
                        + " that found the new file (its stat and the trust walk of every folder on its path); copy"
                        + " + checks is the private copy, the comparison with the running version's copy, ElfCheck and"
                        + " the stat that makes sure the file did not change meanwhile; unload is dlclose, deleting the"
                        + " old copy, and dlopen(RTLD_NOLOAD) asking the loader whether it let the old version go."
                        + " The whole swap, timed around reloadIfChanged(), also holds the hooks and the bookkeeping;"
                        + " each column is a median of its own, so the phases need not add up to it.\n\n");
    }

    static String fmt(double x) {
        if (Double.isNaN(x)) {
            return "–";
        }
        double a = Math.abs(x);
        return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f", x);
    }

    static String ratio(double r) {
        return String.format(Locale.ROOT, r >= 10 ? "%.0f×" : "%.2f×", r);
    }
}
