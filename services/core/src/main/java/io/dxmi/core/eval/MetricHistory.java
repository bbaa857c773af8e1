package io.dxmi.core.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Metrics recorded over training, oldest first: at each evaluated iteration, named values
 * ({@link #SW}, {@link #AUC}, losses), as a run's figures draw them. Thread-safe: a trainer
 * appends while figures read.
 */
public final class MetricHistory {

    public static final String SW = "sw";
    public static final String AUC = "auc";
    public static final String FD = "fd";
    public static final String ENERGY_LOSS = "energyLoss";
    public static final String VALUE_LOSS = "valueLoss";
    public static final String POLICY_LOSS = "policyLoss";

    /** The values recorded at one iteration. */
    public record Point(long iteration, Map<String, Double> values) {
        public Point {
            values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }
    }

    private final List<Point> points = new ArrayList<>();

    /** Appends the values of one iteration. */
    public synchronized MetricHistory add(long iteration, Map<String, Double> values) {
        points.add(new Point(iteration, values));
        return this;
    }

    /** A copy of the points so far. */
    public synchronized List<Point> points() {
        return List.copyOf(points);
    }

    /** The newest iteration, or -1 when nothing was recorded. */
    public synchronized long lastIteration() {
        return points.isEmpty() ? -1 : points.get(points.size() - 1).iteration();
    }

    /** Whether any point has a finite value of {@code name}. */
    public synchronized boolean has(String name) {
        return points.stream().anyMatch(p -> Double.isFinite(p.values().getOrDefault(name, Double.NaN)));
    }
}
