package io.dxmi.evaluator.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/** Finding plug-ins on the class path and choosing among them. */
public final class EvaluationMetrics {

    private EvaluationMetrics() {}

    /**
     * Every plug-in registered in a {@code META-INF/services/io.dxmi.evaluator.api.EvaluationMetric}
     * file visible to {@code loader}, in class-path order, keyed by id.
     *
     * @throws IllegalStateException when a plug-in cannot be instantiated, has a malformed id, or
     *     two plug-ins share an id (which one would win would depend on the class path's order)
     */
    public static Map<String, EvaluationMetric> discover(ClassLoader loader) {
        Map<String, EvaluationMetric> found = new LinkedHashMap<>();
        try {
            for (EvaluationMetric m : ServiceLoader.load(EvaluationMetric.class, loader)) {
                add(found, m);
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("an evaluation plug-in could not be loaded: " + e.getMessage(), e);
        }
        return found;
    }

    /** {@link #discover(ClassLoader)} with this class's loader (the application class path). */
    public static Map<String, EvaluationMetric> discover() {
        return discover(EvaluationMetrics.class.getClassLoader());
    }

    /**
     * The plug-ins named by {@code ids}, in that order; every available one when {@code ids} is
     * empty.
     *
     * @throws IllegalArgumentException naming an unknown id and listing the known ones
     */
    public static List<EvaluationMetric> select(Map<String, EvaluationMetric> available, List<String> ids) {
        if (ids == null || ids.isEmpty()) {
            return List.copyOf(available.values());
        }
        List<EvaluationMetric> chosen = new ArrayList<>();
        for (String id : ids) {
            EvaluationMetric m = available.get(id);
            if (m == null) {
                throw new IllegalArgumentException("unknown metric plug-in '" + id + "'; available: "
                        + String.join(", ", available.keySet()));
            }
            if (!chosen.contains(m)) {
                chosen.add(m);
            }
        }
        return chosen;
    }

    /** Checks a plug-in list (ids well formed and distinct) and returns it keyed by id. */
    public static Map<String, EvaluationMetric> byId(List<? extends EvaluationMetric> metrics) {
        Map<String, EvaluationMetric> out = new LinkedHashMap<>();
        for (EvaluationMetric m : metrics) {
            add(out, m);
        }
        return out;
    }

    private static void add(Map<String, EvaluationMetric> into, EvaluationMetric m) {
        String id = m.id();
        if (id == null || !EvaluationMetric.ID.matcher(id).matches()) {
            throw new IllegalStateException("plug-in " + m.getClass().getName() + " has a malformed id '" + id
                    + "' (lower-case letters, digits and '_', starting with a letter)");
        }
        EvaluationMetric old = into.putIfAbsent(id, m);
        // The same class twice (a jar listed twice) is harmless; two classes claiming one id are not.
        if (old != null && !old.getClass().getName().equals(m.getClass().getName())) {
            throw new IllegalStateException("two plug-ins share the id '" + id + "': " + old.getClass().getName()
                    + " and " + m.getClass().getName());
        }
    }
}
