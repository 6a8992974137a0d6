package dev.hotlib.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns one run's raw results (RUN/jmh.json, native.json, harness.json, meta.json) into the Markdown tables
 * and the SVG chart. Every number in them comes from those files.   usage: Report RUN-DIR OUT.md OUT.svg
 */
public final class Report {
    static final String[] BACKENDS = {"FFM", "JNA", "JNR", "JavaCPP"};
    static final String[] FUNCTIONS = {"foo", "greeting", "update"};
    /** The bindings measured per backend, fastest kind first, and how each is described. */
    static final Map<String, String> BINDINGS = new LinkedHashMap<>();

    static {
        BINDINGS.put("static", "static: the backend's fastest binding, library loaded for good");
        BINDINGS.put("critical", "static, Linker.Option.critical(false) (FFM)");
        BINDINGS.put("fast", "reloadable fast path, FastFfm (FFM)");
        BINDINGS.put("fastCritical", "reloadable fast path with critical(false) (FFM)");
        BINDINGS.put("unguarded", "FastFfm's call site without the arena guard: unsafe, shows the guard's cost (FFM)");
        BINDINGS.put("guarded", "reloadable guest behind an in-flight count (InFlight): a lock-free guard");
        BINDINGS.put("guest", "reloadable guest alone, no lock");
        BINDINGS.put("host", "reloadable as the examples call it: Host.call + guest");
    }

    static final Map<String, String> STATIC_KIND = Map.of("FFM", "static final downcall handle", "JNA", "direct mapping (Native.register)",
            "JNR", "interface with @IgnoreError", "JavaCPP", "static natives linked at build");

    /** A figure and its spread: JMH's score and 99.9% error, or a median and a percentile range. */
    record Figure(double value, double low, double high) {
        static Figure ofJmh(Map<String, Object> metric) {
            double score = num(metric.get("score"));
            double error = num(metric.get("scoreError"));
            return new Figure(score, Double.isNaN(error) ? score : Math.max(score - error, 0), Double.isNaN(error) ? score : score + error);
        }

        String plusMinus() {
            return fmt(value) + " ± " + fmt((high - low) / 2);
        }

        String range() {
            return fmt(value) + " (" + fmt(low) + "–" + fmt(high) + ")";
        }

        /** this / base, with the range the two spreads allow. */
        String over(Figure base) {
            return ratio(value / base.value) + " (" + ratio(low / base.high) + "–" + ratio(high / Math.max(base.low, 1e-9)) + ")";
        }
    }

    private final Map<String, Map<String, Object>> jmh = new LinkedHashMap<>(); // "FfmCalls.host_foo" or "Reload.swap FFM c"
    private final Map<String, Object> nat;
    private final Map<String, Object> harness;
    private final Map<String, Object> meta;
    private final String runtime;
    private final Path run;

    @SuppressWarnings("unchecked")
    Report(Path run) throws Exception {
        this.run = run;
        for (Object o : (List<Object>) Json.parse(Files.readString(run.resolve("jmh.json")))) {
            Map<String, Object> r = (Map<String, Object>) o;
            String name = (String) r.get("benchmark");
            String key = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            Map<String, Object> params = (Map<String, Object>) r.get("params");
            if (params != null) {
                key += " " + (params.containsKey("backend") ? params.get("backend") + " " : "") + params.get("lib");
            }
            jmh.put(key, r);
        }
        nat = (Map<String, Object>) Json.parse(Files.readString(run.resolve("native.json")));
        harness = (Map<String, Object>) Json.parse(Files.readString(run.resolve("harness.json")));
        meta = (Map<String, Object>) Json.parse(Files.readString(run.resolve("meta.json")));
        Path seconds = run.resolve("runtime.txt");
        runtime = Files.exists(seconds) ? Files.readString(seconds).strip() : "?";
    }

    public static void main(String[] args) throws Exception {
        Path run = Path.of(args[0]).toAbsolutePath();
        Path md = Path.of(args[1]).toAbsolutePath();
        Path svg = Path.of(args[2]).toAbsolutePath();
        Report report = new Report(run);
        Files.writeString(md, report.markdown(md.getParent().relativize(run), md.getParent().relativize(svg)));
        Files.writeString(svg, new Chart(report).svg());
        if (args.length > 3) {
            report.updateReadme(Path.of(args[3]));
        }
    }

    static final String README_BEGIN = "<!-- benchmarks/run writes the headline table here, from the raw results -->\n";
    static final String README_END = "<!-- end of the generated headline table -->\n";

    /** Replaces the headline table between the README's markers with this run's (the same as RESULTS.md's). */
    void updateReadme(Path readme) throws java.io.IOException {
        String text = Files.readString(readme);
        int begin = text.indexOf(README_BEGIN);
        int end = text.indexOf(README_END);
        if (begin < 0 || end < begin) {
            throw new IllegalStateException(readme + " has no generated-table markers: " + README_BEGIN.strip());
        }
        StringBuilder table = new StringBuilder();
        headlineTable(table);
        Files.writeString(readme, text.substring(0, begin + README_BEGIN.length()) + table + text.substring(end));
    }

    // ---- lookups

    static String className(String backend) {
        return switch (backend) {
            case "FFM" -> "FfmCalls";
            case "JNA" -> "JnaCalls";
            case "JNR" -> "JnrCalls";
            case "JavaCPP" -> "JavacppCalls";
            default -> "Baseline";
        };
    }

    /** The call cost of {@code binding}_{@code function} for {@code backend}, or null if not measured. */
    @SuppressWarnings("unchecked")
    Figure call(String backend, String binding, String function) {
        Map<String, Object> r = jmh.get(className(backend) + "." + binding + "_" + function);
        return r == null ? null : Figure.ofJmh((Map<String, Object>) r.get("primaryMetric"));
    }

    /** A reload phase (shadowCopy, loadBind, unload, swap): mean ± error, or null. */
    @SuppressWarnings("unchecked")
    Figure reload(String phase, String backend, String lib) {
        Map<String, Object> r = jmh.get("Reload." + phase + " " + (backend == null ? "" : backend + " ") + lib);
        return r == null ? null : Figure.ofJmh((Map<String, Object>) r.get("primaryMetric"));
    }

    /** A reload phase's median, with the fastest shot and the p99 as its range (JMH's percentiles of the single shots). */
    @SuppressWarnings("unchecked")
    Figure reloadMedian(String phase, String backend, String lib) {
        Map<String, Object> r = jmh.get("Reload." + phase + " " + (backend == null ? "" : backend + " ") + lib);
        if (r == null) {
            return null;
        }
        Map<String, Object> p = (Map<String, Object>) ((Map<String, Object>) r.get("primaryMetric")).get("scorePercentiles");
        return new Figure(num(p.get("50.0")), num(p.get("0.0")), num(p.get("99.0")));
    }

    /** A native figure: median (p5–p95). */
    @SuppressWarnings("unchecked")
    Figure nativeFigure(String group, String... path) {
        Map<String, Object> m = (Map<String, Object>) nat.get(group);
        for (String p : path) {
            m = (Map<String, Object>) m.get(p);
        }
        return new Figure(num(m.get("median")), num(m.get("p5")), num(m.get("p95")));
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> harness(String part) {
        return (List<Map<String, Object>>) (List<?>) harness.get(part);
    }

    // ---- the Markdown

    String markdown(Path rawDir, Path chart) {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmark results\n\n");
        md.append("Generated by `benchmarks/run` from the raw results in [`").append(rawDir).append("/`](").append(rawDir)
                .append("/) (do not edit: run it again). Chart: [`").append(chart).append("`](").append(chart).append(").\n\n");
        md.append("| | |\n|---|---|\n");
        for (String k : List.of("date", "mode", "jdk", "vm", "cpu", "cores", "os", "settings")) {
            md.append("| ").append(k).append(" | ").append(meta.get(k)).append(" |\n");
        }
        md.append("| total runtime | ").append(runtime).append(" s |\n\n");
        md.append("Spreads: JMH figures are `score ± error` (99.9% confidence interval); native and harness figures are medians with ")
                .append("the range (p5–p95 for C, p90/p99 as named for the harness). A ratio's range combines the spreads of both figures.\n\n");
        md.append("![chart](").append(chart).append(")\n\n");
        headline(md);
        fullSpeed(md);
        calls(md);
        reloads(md);
        latency(md);
        cold(md);
        return md.toString();
    }

    private void headline(StringBuilder md) {
        md.append("## Headline: foo(), ns per call, and the whole reload\n\n");
        headlineTable(md);
    }

    /** The headline table, its baselines and the fast path's verdict: in RESULTS.md and in the README. */
    private void headlineTable(StringBuilder md) {
        Figure c = nativeFigure("calls", "foo");
        md.append("| backend | static (fastest binding) | reloadable (Host.call) | reloadable ÷ C pointer call | reloadable ÷ static | swap ÷ C dlopen cycle (C lib) | swap ÷ C dlopen cycle (Rust lib) |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        for (String b : BACKENDS) {
            Figure st = call(b, "static", "foo");
            Figure host = call(b, "host", "foo");
            md.append("| ").append(b).append(" | ").append(pm(st)).append(" | ").append(pm(host)).append(" | ")
                    .append(over(host, c)).append(" | ").append(over(host, st)).append(" | ")
                    .append(over(reloadMedian("swap", b, "c"), nativeFigure("reload", "c", "cycle"))).append(" | ")
                    .append(over(reloadMedian("swap", b, "rust"), nativeFigure("reload", "rust", "cycle"))).append(" |\n");
        }
        Figure fast = call("FFM", "fast", "foo");
        Figure stat = call("FFM", "static", "foo");
        Figure fastC = call("FFM", "fastCritical", "foo");
        Figure statC = call("FFM", "critical", "foo");
        md.append("| FFM fast path (FastFfm) | ").append(pm(stat)).append(" | ").append(pm(fast)).append(" | ").append(over(fast, c))
                .append(" | ").append(over(fast, stat)).append(" | | |\n\n");
        md.append("Baselines: C calling `foo` through a function pointer: ").append(c.range()).append(" ns; a Java method call (not inlined): ")
                .append(pm(call("Java", "java", "foo"))).append(" ns. The swap ratios use medians (Java: JMH p50 of single shots; C: median of cycles).\n\n");
        if (fast != null && stat != null) {
            double r = fast.value() / stat.value();
            md.append("**FFM fast path vs the static final handle: ").append(ratio(r)).append(r <= 1.2 ? " — within" : " — not within")
                    .append(" the 1.2× goal.** With `critical(false)` on both sides: ").append(over(fastC, statC))
                    .append(". The gap is the version's shared arena, acquired and released (two atomic compare-and-swaps) by every call: ")
                    .append("the mechanism that makes an unload wait for calls in flight (see benchmarks/README.md).\n\n");
        }
    }

    /** Per backend, its cheapest reloadable call that stays safe without the host's lock, against its static binding. */
    private void fullSpeed(StringBuilder md) {
        md.append("## Reloadable at full speed: the cheapest safe lock-free reloadable call vs the static binding (foo)\n\n");
        md.append("| backend | lock-free reloadable binding | ns per call | static | ratio | within 1.2×? |\n|---|---|---|---|---|---|\n");
        String[][] rows = {
                {"FFM", "fast", "FastFfm: MutableCallSite + the version's shared arena as guard"},
                {"FFM", "fastCritical", "FastFfm with critical(false), vs the critical(false) static handle"},
                {"JNA", "guarded", "guest behind an in-flight count (benchmark-only InFlight)"},
                {"JNR", "guest", "guest alone: safe because jnr-ffi never unmaps a version"},
                {"JavaCPP", "guarded", "guest behind an in-flight count (benchmark-only InFlight)"}};
        for (String[] row : rows) {
            Figure fig = call(row[0], row[1], "foo");
            Figure st = call(row[0], row[1].equals("fastCritical") ? "critical" : "static", "foo");
            if (fig == null || st == null) {
                continue;
            }
            md.append("| ").append(row[0]).append(" | ").append(row[2]).append(" | ").append(pm(fig)).append(" | ").append(pm(st))
                    .append(" | ").append(over(fig, st)).append(" | ").append(fig.value() / st.value() <= 1.2 ? "yes" : "no").append(" |\n");
        }
        Figure unguarded = call("FFM", "unguarded", "foo");
        if (unguarded != null) {
            md.append("\nFastFfm's call site alone, without the arena guard (unsafe, measured only): ").append(pm(unguarded))
                    .append(" ns, ").append(over(unguarded, call("FFM", "static", "foo"))).append(" the static handle.\n");
        }
        md.append("\n");
    }

    private void calls(StringBuilder md) {
        md.append("## Call cost, ns per call (JMH average time)\n\n");
        md.append("`greeting()` includes copying the string into a Java String; `update(state)` passes the host's struct by pointer.\n\n");
        md.append("| backend | binding | foo() | greeting() | update(state) |\n|---|---|---|---|---|\n");
        for (String b : BACKENDS) {
            for (Map.Entry<String, String> binding : BINDINGS.entrySet()) {
                if (call(b, binding.getKey(), "foo") == null) {
                    continue;
                }
                String what = binding.getKey().equals("static") ? "static: " + STATIC_KIND.get(b) : binding.getValue();
                md.append("| ").append(b).append(" | ").append(what);
                for (String f : FUNCTIONS) {
                    md.append(" | ").append(pm(call(b, binding.getKey(), f)));
                }
                md.append(" |\n");
            }
        }
        md.append("| C | function pointer (median, p5–p95) ");
        for (String f : FUNCTIONS) {
            md.append(" | ").append(nativeFigure("calls", f).range());
        }
        md.append(" |\n| Java | plain method, not inlined / inlined | ").append(pm(call("Java", "java", "foo"))).append(" / ")
                .append(pm(call("Java", "javaInlined", "foo"))).append(" | | |\n\n");
    }

    private void reloads(StringBuilder md) {
        md.append("## Reload cost, µs (JMH single shots: mean ± error; swap also median and p99)\n\n");
        md.append("| backend | library | shadow copy | load + bind | unload | whole swap | swap median / p99 |\n|---|---|---|---|---|---|---|\n");
        for (String lib : List.of("c", "rust")) {
            for (String b : BACKENDS) {
                Figure med = reloadMedian("swap", b, lib);
                md.append("| ").append(b).append(" | ").append(lib).append(" | ").append(pm(reload("shadowCopy", null, lib))).append(" | ")
                        .append(pm(reload("loadBind", b, lib))).append(" | ").append(pm(reload("unload", b, lib))).append(" | ")
                        .append(pm(reload("swap", b, lib))).append(" | ").append(med == null ? "–" : fmt(med.value()) + " / " + fmt(med.high()))
                        .append(" |\n");
            }
            md.append("| C harness | ").append(lib).append(" | ").append(nativeFigure("reload", lib, "copy").range()).append(" | ")
                    .append(nativeFigure("reload", lib, "loadBind").range()).append(" | ").append(nativeFigure("reload", lib, "unload").range())
                    .append(" | cycle ").append(nativeFigure("reload", lib, "cycle").range()).append(" | |\n");
        }
        md.append("\nJNR's unload only drops the binding: jnr-ffi cannot unload a library, so every version stays mapped.\n\n");
    }

    @SuppressWarnings("unchecked")
    private void latency(StringBuilder md) {
        Map<String, Object> s = (Map<String, Object>) harness.get("settings");
        md.append("## Detection latency, ms: rename into place → first call answered by the new version\n\n");
        md.append("Poll interval ").append(count(s.get("intervalMs"))).append(" ms, settle 0 ms (the examples default to 1000 and 200), ")
                .append(count(s.get("samples"))).append(" renames per row at random phases of the poll; a caller thread calls foo() without pause.\n\n");
        md.append("| backend | library | median | p90 | p99 | max |\n|---|---|---|---|---|---|\n");
        for (Map<String, Object> row : harness("latency")) {
            md.append("| ").append(row.get("backend")).append(" | ").append(row.get("lib")).append(" | ").append(fmt(num(row.get("median"))))
                    .append(" | ").append(fmt(num(row.get("p90")))).append(" | ").append(fmt(num(row.get("p99")))).append(" | ")
                    .append(fmt(num(row.get("max")))).append(" |\n");
        }
        md.append("\n");
    }

    @SuppressWarnings("unchecked")
    private void cold(StringBuilder md) {
        Map<String, Object> s = (Map<String, Object>) harness.get("settings");
        md.append("## Cold calls after a swap, ns (foo() through Host.call, each call timed alone)\n\n");
        md.append("Median (p90) over ").append(count(s.get("swaps"))).append(" swaps; each figure includes the timer, ")
                .append(fmt(num(s.get("timerNs")))).append(" ns. \"steady\" is the same timing after 200,000 more calls; ")
                .append("\"extra\" is what calls #1 to #10000 took beyond 10,000 steady calls.\n\n");
        md.append("| backend | call #1 | #10 | #100 | #1000 | #10000 | steady | extra, µs |\n|---|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> row : harness("cold")) {
            Map<String, Object> calls = (Map<String, Object>) row.get("calls");
            md.append("| ").append(row.get("backend"));
            for (String n : List.of("1", "10", "100", "1000", "10000")) {
                Map<String, Object> c = (Map<String, Object>) calls.get(n);
                md.append(" | ").append(fmt(num(c.get("median")))).append(" (").append(fmt(num(c.get("p90")))).append(")");
            }
            Map<String, Object> steady = (Map<String, Object>) row.get("steady");
            Map<String, Object> extra = (Map<String, Object>) row.get("extraUs");
            md.append(" | ").append(fmt(num(steady.get("median")))).append(" | ").append(fmt(num(extra.get("median"))))
                    .append(" (").append(fmt(num(extra.get("p90")))).append(") |\n");
        }
        String firstOf = "";
        String extraOf = "";
        double worstFirst = 0;
        double worstExtra = 0;
        for (Map<String, Object> row : harness("cold")) {
            double first = num(((Map<String, Object>) ((Map<String, Object>) row.get("calls")).get("1")).get("median"));
            double extra = num(((Map<String, Object>) row.get("extraUs")).get("median"));
            if (first > worstFirst) {
                worstFirst = first;
                firstOf = (String) row.get("backend");
            }
            if (extra > worstExtra) {
                worstExtra = extra;
                extraOf = (String) row.get("backend");
            }
        }
        Figure swap = reloadMedian("swap", extraOf.split(" ")[0], "c");
        md.append("\n**Should the examples warm up? No.** They make four calls a tick. The first call after a swap costs at most ")
                .append(fmt(worstFirst / 1000)).append(" µs (median, ").append(firstOf).append("), and by call #10 calls are close to steady. ")
                .append("The rest of the cold tail, the JIT compiling again after the swap, adds at most ").append(fmt(worstExtra))
                .append(" µs over the first 10,000 calls (median, ").append(extraOf).append(swap == null ? "" : "; its whole swap takes " + fmt(swap.value()) + " µs")
                .append("). A warm-up would pay that cost earlier, not avoid it, and would have to call update(), which changes the host's state; ")
                .append("an application whose first calls after a reload are latency-critical can call foo() or greeting() right after the swap.\n");
    }

    // ---- formatting

    static double num(Object o) {
        return o == null ? Double.NaN : (Double) o;
    }

    static String count(Object o) {
        return String.valueOf(Math.round(num(o)));
    }

    static String pm(Figure f) {
        return f == null ? "–" : f.plusMinus();
    }

    static String over(Figure a, Figure b) {
        return a == null || b == null ? "–" : a.over(b);
    }

    static String ratio(double r) {
        return String.format(Locale.ROOT, r >= 10 ? "%.0f×" : "%.2f×", r);
    }

    /** Three significant digits, at most two decimals. */
    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f", v);
    }
}
