package dev.hotlib.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The headline as a picture: one horizontal bar per measured ratio, on a logarithmic scale, with its goal as a
 * black tick; green when the goal is met, red when missed, grey when only reported. Written by {@link Report}.
 */
final class Chart {
    private static final int LABEL = 430;
    private static final int PLOT = 420;
    private static final int ROW = 18;
    private static final double MIN = 0.25;
    private static final double MAX = 4096;

    private final List<Report.Goal> rows = new ArrayList<>();

    Chart(List<Report.Goal> goals) {
        for (Report.Goal goal : goals) {
            if (goal.measured() && !goal.against().isEmpty()) {
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
        svg.append(text(10, 20, "Each ratio of the headline (log scale); black tick: the goal; green met, red missed,"
                + " grey reported", "start", 13));
        for (double grid = MIN; grid <= MAX; grid *= 4) {
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
            String color = Double.isNaN(g.goal()) ? "#999" : g.ratio() <= g.goal() ? "#2a2" : "#d33";
            double end = x(Math.max(MIN, Math.min(MAX, g.ratio())));
            svg.append(text(LABEL - 6, y + 12, g.backend() + ": " + g.what() + " ÷ " + g.against().replace("`", ""),
                    "end", 10));
            svg.append(String.format(Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n",
                    Math.min(one, end), y + 3, Math.abs(end - one), ROW - 6, color));
            if (!Double.isNaN(g.goal())) {
                double gx = x(g.goal());
                svg.append(String.format(Locale.ROOT,
                        "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"black\" stroke-width=\"2\"/>\n",
                        gx, y + 1, gx, y + ROW - 1));
            }
            svg.append(text(Math.max(one, end) + 4, y + 12, Report.ratio(g.ratio()), "start", 10));
            y += ROW;
        }
        return svg.append("</svg>\n").toString();
    }

    private static double x(double ratio) {
        return LABEL + PLOT * Math.log(ratio / MIN) / Math.log(MAX / MIN);
    }

    private static String text(double x, double y, String s, String anchor, int size) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>\n",
                x, y, anchor, size, s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"));
    }
}
