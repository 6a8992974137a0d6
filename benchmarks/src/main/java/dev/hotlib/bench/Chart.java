package dev.hotlib.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The goals as a picture: one horizontal bar per ratio, on a logarithmic scale, with its 95% interval as a thin
 * line and its goal as a black tick; green when the goal is met, red when missed, amber when the interval
 * straddles it, grey when the ratio is only reported. Written by {@link Report}.
 */
final class Chart {
    private static final int LABEL = 470;
    private static final int PLOT = 420;
    private static final int ROW = 18;
    private static final double MIN = 0.5;
    private static final double MAX = 64;

    private final List<Report.Goal> rows = new ArrayList<>();

    Chart(List<Report.Goal> goals) {
        for (Report.Goal goal : goals) {
            if (goal.isRatio()) {
                rows.add(goal);
            }
        }
    }

    String svg() {
        int top = 40;
        int height = top + rows.size() * ROW + 40;
        int width = LABEL + PLOT + 80;
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                        + " font-family=\"sans-serif\" font-size=\"11\">\n"
                        + "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n", width, height));
        svg.append(text(10, 20, "Each ratio (log scale) with its 95% interval; black tick: the goal; green met,"
                + " red missed, amber inconclusive, grey reported", "start", 13));
        for (double grid = MIN; grid <= MAX; grid *= 2) {
            double x = x(grid);
            svg.append(String.format(Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>\n",
                    x, top - 5, x, height - 30));
            svg.append(text(x, height - 15, Report.ratio(grid), "middle", 10));
        }
        double one = x(1);
        svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#888\"/>\n",
                one, top - 5, one, height - 30));
        int y = top;
        for (Report.Goal g : rows) {
            String color = switch (g.verdict()) {
                case "met" -> "#2a2";
                case "missed" -> "#d33";
                case "inconclusive" -> "#e9a800";
                default -> "#999";
            };
            Report.Figure f = g.figure();
            double end = x(clamp(f.value()));
            svg.append(text(LABEL - 6, y + 12, g.backend() + ": " + g.what() + " ÷ " + g.against().replace("`", ""),
                    "end", 10));
            svg.append(String.format(Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n",
                    Math.min(one, end), y + 3, Math.abs(end - one), ROW - 6, color));
            svg.append(String.format(Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\" stroke-width=\"1\"/>\n",
                    x(clamp(f.low())), y + ROW / 2, x(clamp(f.high())), y + ROW / 2));
            if (!Double.isNaN(g.goal())) {
                double gx = x(g.goal());
                svg.append(String.format(Locale.ROOT,
                        "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"black\" stroke-width=\"2\"/>\n",
                        gx, y + 1, gx, y + ROW - 1));
            }
            double after = Math.max(Math.max(one, end), x(clamp(f.high())));
            if (!Double.isNaN(g.goal())) {
                after = Math.max(after, x(g.goal()));
            }
            svg.append(text(after + 4, y + 12, Report.ratio(f.value()), "start", 10));
            y += ROW;
        }
        return svg.append("</svg>\n").toString();
    }

    private static double clamp(double ratio) {
        return Math.max(MIN, Math.min(MAX, ratio));
    }

    private static double x(double ratio) {
        return LABEL + PLOT * Math.log(ratio / MIN) / Math.log(MAX / MIN);
    }

    private static String text(double x, double y, String s, String anchor, int size) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>\n",
                x, y, anchor, size, s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"));
    }
}
