package io.dxmi.dashboard;

import io.vertx.core.json.JsonArray;

import java.util.ArrayList;
import java.util.List;

/**
 * One curve from scrapes: points (wall time, iteration, value), a new point only when the iteration moved,
 * thinned to every other point when it grows past {@link #MAX_POINTS} so a long run stays cheap to send.
 */
final class Series {

    static final int MAX_POINTS = 2000;

    private final List<double[]> points = new ArrayList<>();

    /** Adds a point unless the iteration has not moved; returns the point added, or null. */
    JsonArray add(long timeMillis, Double iteration, double value) {
        if (!Double.isFinite(value)) {
            return null;
        }
        double it = iteration == null ? Double.NaN : iteration;
        if (!points.isEmpty()) {
            double[] last = points.get(points.size() - 1);
            boolean same = Double.isNaN(it) ? last[2] == value : last[1] == it;
            if (same) {
                return null;
            }
        }
        double[] p = {timeMillis, it, value};
        points.add(p);
        if (points.size() > MAX_POINTS) {
            List<double[]> kept = new ArrayList<>(MAX_POINTS / 2 + 1);
            for (int i = 0; i < points.size(); i += 2) {
                kept.add(points.get(i));
            }
            if (kept.get(kept.size() - 1) != p) {
                kept.add(p);
            }
            points.clear();
            points.addAll(kept);
        }
        return toJson(p);
    }

    void clear() {
        points.clear();
    }

    int size() {
        return points.size();
    }

    JsonArray toJson() {
        JsonArray a = new JsonArray();
        points.forEach(p -> a.add(toJson(p)));
        return a;
    }

    private static JsonArray toJson(double[] p) {
        return new JsonArray().add((long) p[0]).add(Json.num(p[1])).add(p[2]);
    }
}
