package io.dxmi.core.figures;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Metrics against iteration: one line plot per panel (SW and AUC; the losses when recorded),
 * with a marker at every point so that a history of one point still shows.
 */
final class MetricCurvesFigure {

    static final int PANEL_WIDTH = 500;
    static final int HEIGHT = 440;

    /** A curve: a history key and its legend text. */
    record Series(String key, String label) {}

    /** A panel: caption, y-axis label, its curves. */
    record Panel(String caption, String yLabel, List<Series> series) {}

    /** Tableau 10's first colours: distinguishable, also for common colour-vision deficiencies. */
    private static final Color[] COLOURS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
        new Color(0xd62728), new Color(0x9467bd)};

    private MetricCurvesFigure() {
    }

    static BufferedImage draw(String title, MetricHistory history, List<Panel> panels) {
        List<MetricHistory.Point> points = history.points();
        try (Canvas c = new Canvas(panels.size() * PANEL_WIDTH, HEIGHT)) {
            c.title(title);
            for (int p = 0; p < panels.size(); p++) {
                panel(c, p * PANEL_WIDTH + 80, points, panels.get(p));
            }
            return c.image();
        }
    }

    private static void panel(Canvas c, int left, List<MetricHistory.Point> points, Panel panel) {
        int top = 70;
        int width = PANEL_WIDTH - 110;
        int height = HEIGHT - top - 70;
        double[] xr = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        double[] yr = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (MetricHistory.Point pt : points) {
            for (Series s : panel.series()) {
                double v = pt.values().getOrDefault(s.key(), Double.NaN);
                if (Double.isFinite(v)) {
                    extend(xr, pt.iteration());
                    extend(yr, v);
                }
            }
        }
        boolean empty = !(xr[0] <= xr[1]);
        if (empty) {
            xr = new double[] {0, 1};
            yr = new double[] {0, 1};
        }
        pad(xr, 0.02, 1);
        pad(yr, 0.08, 0.05);
        PlotArea area = new PlotArea(left, top, width, height, xr[0], xr[1], yr[0], yr[1]);
        Graphics2D g = c.graphics();
        g.setColor(new Color(0xe8e8e8));
        for (double v : Ticks.of(yr[0], yr[1], 6)) {
            int y = (int) Math.round(area.py(v));
            g.drawLine(area.left(), y, area.right(), y);
        }
        area.drawAxes(c, "iteration", panel.yLabel(), 6);
        area.caption(c, panel.caption());
        if (empty) {
            g.setColor(Color.DARK_GRAY);
            c.text("no evaluations yet", left + width / 2.0, top + height / 2.0, Canvas.LABEL, Canvas.Align.CENTER);
            return;
        }
        Shape old = area.clip(g);
        List<Series> drawn = new ArrayList<>();
        for (int s = 0; s < panel.series().size(); s++) {
            Series series = panel.series().get(s);
            if (curve(g, area, points, series.key(), COLOURS[s % COLOURS.length])) {
                drawn.add(series);
            }
        }
        g.setClip(old);
        legend(c, area, points, panel.series(), drawn);
    }

    /** Draws one curve; false when it has no finite point. */
    private static boolean curve(Graphics2D g, PlotArea area, List<MetricHistory.Point> points, String key,
            Color colour) {
        Path2D.Double line = new Path2D.Double();
        boolean started = false;
        boolean any = false;
        g.setColor(colour);
        g.setStroke(new BasicStroke(2f));
        for (MetricHistory.Point pt : points) {
            double v = pt.values().getOrDefault(key, Double.NaN);
            if (!Double.isFinite(v)) {
                started = false;
                continue;
            }
            double x = area.px(pt.iteration());
            double y = area.py(v);
            if (started) {
                line.lineTo(x, y);
            } else {
                line.moveTo(x, y);
                started = true;
            }
            g.fillOval((int) Math.round(x) - 3, (int) Math.round(y) - 3, 6, 6);
            any = true;
        }
        g.draw(line);
        g.setStroke(new BasicStroke(1f));
        return any;
    }

    private static void legend(Canvas c, PlotArea area, List<MetricHistory.Point> points, List<Series> all,
            List<Series> drawn) {
        if (drawn.isEmpty()) {
            return;
        }
        Graphics2D g = c.graphics();
        int w = 0;
        for (Series s : drawn) {
            w = Math.max(w, c.textWidth(s.label(), Canvas.TICK));
        }
        int boxW = w + 44;
        int boxH = 8 + 18 * drawn.size();
        int[] corner = emptiestCorner(area, points, drawn, boxW, boxH);
        int x = corner[0];
        int y = corner[1];
        g.setColor(new Color(255, 255, 255, 220));
        g.fillRect(x, y, boxW, boxH);
        g.setColor(Color.GRAY);
        g.drawRect(x, y, boxW, boxH);
        for (int i = 0; i < drawn.size(); i++) {
            Series s = drawn.get(i);
            int yy = y + 13 + 18 * i;
            g.setColor(COLOURS[all.indexOf(s) % COLOURS.length]);
            g.setStroke(new BasicStroke(2f));
            g.drawLine(x + 8, yy, x + 30, yy);
            g.fillOval(x + 16, yy - 3, 6, 6);
            g.setStroke(new BasicStroke(1f));
            g.setColor(Color.BLACK);
            c.textMiddle(s.label(), x + 36, yy, Canvas.TICK, Canvas.Align.LEFT);
        }
    }

    /** The top-left of the inner corner (top right, bottom right, top left, bottom left) covering fewest points. */
    private static int[] emptiestCorner(PlotArea area, List<MetricHistory.Point> points, List<Series> drawn, int w,
            int h) {
        int[][] corners = {{area.right() - w - 8, area.top() + 8}, {area.right() - w - 8, area.bottom() - h - 8},
            {area.left() + 8, area.top() + 8}, {area.left() + 8, area.bottom() - h - 8}};
        int[] best = corners[0];
        double fewest = Double.POSITIVE_INFINITY;
        for (int[] corner : corners) {
            double covered = 0;
            for (Series s : drawn) {
                MetricHistory.Point previous = null;
                for (MetricHistory.Point pt : points) {
                    // Points and the midpoints of segments: a line through the box counts too.
                    covered += inside(area, pt, pt, s.key(), corner, w, h);
                    if (previous != null) {
                        covered += inside(area, previous, pt, s.key(), corner, w, h);
                    }
                    previous = pt;
                }
            }
            if (covered < fewest) {
                fewest = covered;
                best = corner;
            }
        }
        return best;
    }

    private static int inside(PlotArea area, MetricHistory.Point a, MetricHistory.Point b, String key, int[] corner,
            int w, int h) {
        double va = a.values().getOrDefault(key, Double.NaN);
        double vb = b.values().getOrDefault(key, Double.NaN);
        if (!Double.isFinite(va) || !Double.isFinite(vb)) {
            return 0;
        }
        int hits = 0;
        for (double f = 0; f <= 1.0; f += 0.125) {
            double x = area.px(a.iteration() + f * (b.iteration() - a.iteration()));
            double y = area.py(va + f * (vb - va));
            if (x >= corner[0] && x <= corner[0] + w && y >= corner[1] && y <= corner[1] + h) {
                hits++;
            }
        }
        return hits;
    }

    private static void extend(double[] range, double v) {
        range[0] = Math.min(range[0], v);
        range[1] = Math.max(range[1], v);
    }

    /** Widens by a fraction of the span, or by {@code ifFlat} around a single value. */
    private static void pad(double[] range, double fraction, double ifFlat) {
        double span = range[1] - range[0];
        if (!(span > 0)) {
            double half = Math.max(ifFlat, Math.abs(range[0]) * 0.05);
            range[0] -= half;
            range[1] += half;
        } else {
            range[0] -= span * fraction;
            range[1] += span * fraction;
        }
    }
}
