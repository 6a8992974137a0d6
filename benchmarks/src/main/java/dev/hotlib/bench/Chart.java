package dev.hotlib.bench;

import dev.hotlib.bench.Report.Figure;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The SVG chart of a run: two panels of horizontal bars on log scales, foo()'s call cost per backend and binding,
 * and the whole swap per backend and library, with the baselines drawn as labelled dashed lines and each
 * bar's spread as a whisker.
 */
final class Chart {
    private static final int WIDTH = 960;
    private static final int LEFT = 330;      // room for the bar labels
    private static final int RIGHT = 40;
    private static final int BAR = 16;
    private static final int GAP = 6;
    private static final String FONT = "font-family=\"DejaVu Sans, Arial, sans-serif\"";

    private record Bar(String label, Figure figure, String color) {}

    private record Line(String label, double value, String color) {}

    private final Report report;
    private final StringBuilder svg = new StringBuilder();
    private int y = 0;

    Chart(Report report) {
        this.report = report;
    }

    String svg() {
        List<Bar> calls = new ArrayList<>();
        for (String b : Report.BACKENDS) {
            add(calls, b + ": static, " + Report.STATIC_KIND.get(b), report.call(b, "static", "foo"), "#4c78a8");
            add(calls, b + ": static, critical(false)", report.call(b, "critical", "foo"), "#9ecae9");
            add(calls, b + ": reloadable fast path (FastFfm)", report.call(b, "fast", "foo"), "#54a24b");
            add(calls, b + ": fast path, critical(false)", report.call(b, "fastCritical", "foo"), "#88d27a");
            add(calls, b + ": guest behind an in-flight count", report.call(b, "guarded", "foo"), "#72b7b2");
            add(calls, b + ": reloadable guest alone (no lock)", report.call(b, "guest", "foo"), "#f58518");
            add(calls, b + ": reloadable, Host.call + guest", report.call(b, "host", "foo"), "#e45756");
        }
        List<Line> callLines = List.of(
                new Line("C, function pointer", report.nativeFigure("calls", "foo").value(), "#222222"),
                new Line("Java method call", report.call("Java", "java", "foo").value(), "#7f7f7f"));
        List<Bar> swaps = new ArrayList<>();
        for (String b : Report.BACKENDS) {
            add(swaps, b + ": swap, C library", report.reloadMedian("swap", b, "c"), "#4c78a8");
            add(swaps, b + ": swap, Rust library", report.reloadMedian("swap", b, "rust"), "#b279a2");
        }
        List<Line> swapLines = List.of(
                new Line("C: copy+dlopen+dlsym+dlclose, C lib", report.nativeFigure("reload", "c", "cycle").value(), "#222222"),
                new Line("same, Rust lib", report.nativeFigure("reload", "rust", "cycle").value(), "#7f7f7f"));

        y = 30;
        StringBuilder body = new StringBuilder();
        panel(body, "foo(): ns per call (log scale; whisker: JMH 99.9% error)", calls, callLines, "ns");
        y += 30;
        panel(body, "Whole reload (Host swap): µs (log scale; bar: median, whisker: fastest shot to p99)", swaps, swapLines, "µs");
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" %s font-size=\"12\">%n",
                WIDTH, y + 20, WIDTH, y + 20, FONT));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, y + 20));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"15\" font-weight=\"bold\">hotlib: four FFI backends, reloadable vs static, with native baselines</text>%n", 10));
        svg.append(body).append("</svg>\n");
        return svg.toString();
    }

    private static void add(List<Bar> bars, String label, Figure figure, String color) {
        if (figure != null) {
            bars.add(new Bar(label, figure, color));
        }
    }

    private void panel(StringBuilder out, String title, List<Bar> bars, List<Line> lines, String unit) {
        double min = Double.MAX_VALUE;
        double max = 0;
        for (Bar b : bars) {
            min = Math.min(min, Math.max(b.figure().low(), b.figure().value() / 2));
            max = Math.max(max, b.figure().high());
        }
        for (Line l : lines) {
            min = Math.min(min, l.value());
            max = Math.max(max, l.value());
        }
        double lo = Math.floor(Math.log10(min));
        double hi = Math.ceil(Math.log10(max));
        int plotWidth = WIDTH - LEFT - RIGHT;
        out.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\" font-size=\"13\" font-weight=\"bold\">%s</text>%n", y + 14, esc(title)));
        y += 50; // title, then the baseline labels above the plot
        int top = y;
        int height = bars.size() * (BAR + GAP);
        for (double d = lo; d <= hi; d++) { // decades
            double x = LEFT + (d - lo) / (hi - lo) * plotWidth;
            out.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#dddddd\"/>%n", x, top, x, top + height));
            out.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555555\">%s %s</text>%n",
                    x, top + height + 14, Report.fmt(Math.pow(10, d)), unit));
        }
        String previous = "";
        for (Bar b : bars) {
            String backend = b.label().substring(0, b.label().indexOf(':'));
            if (!backend.equals(previous) && !previous.isEmpty()) {
                out.append(String.format(Locale.ROOT, "<line x1=\"10\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#eeeeee\"/>%n", y - GAP / 2, WIDTH - RIGHT, y - GAP / 2));
            }
            previous = backend;
            double x0 = LEFT + 0.0;
            double x = scale(b.figure().value(), lo, hi, plotWidth);
            out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n", LEFT - 6, y + BAR - 4, esc(b.label())));
            out.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n", x0, y, x - x0, BAR, b.color()));
            double wl = scale(Math.max(b.figure().low(), Math.pow(10, lo)), lo, hi, plotWidth);
            double wh = scale(b.figure().high(), lo, hi, plotWidth);
            int mid = y + BAR / 2;
            out.append(String.format(Locale.ROOT, "<path d=\"M%.1f %dH%.1fM%.1f %dV%dM%.1f %dV%d\" stroke=\"#333333\"/>%n",
                    wl, mid, wh, wl, mid - 4, mid + 4, wh, mid - 4, mid + 4));
            out.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"#333333\">%s</text>%n", wh + 4, y + BAR - 4, Report.fmt(b.figure().value())));
            y += BAR + GAP;
        }
        int labelY = top - 22;
        for (Line l : lines) {
            double x = scale(l.value(), lo, hi, plotWidth);
            out.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>%n",
                    x, top - 4, x, top + height, l.color()));
            out.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"%s\" text-anchor=\"middle\">%s: %s %s</text>%n",
                    x, labelY, l.color(), esc(l.label()), Report.fmt(l.value()), unit));
            labelY += 14;
        }
        y = top + height + 24;
    }

    private static double scale(double v, double lo, double hi, int plotWidth) {
        return LEFT + (Math.log10(v) - lo) / (hi - lo) * plotWidth;
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
