package io.dxmi.evaluator.api;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * A measure of the current policy and energy that an evaluator computes every few policy
 * versions and publishes in its {@code EvaluationReport}. See the package documentation for how
 * to write and install one.
 *
 * <p>Implementations need a public no-argument constructor when they are discovered through
 * {@link java.util.ServiceLoader}; one instance serves every evaluation of a run, on one thread.
 */
public interface EvaluationMetric {

    /** What an id may look like: it is a report-key prefix and a Prometheus label value. */
    Pattern ID = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    /**
     * The plug-in's id: lower-case letters, digits and '_', starting with a letter. Selects the
     * plug-in ({@code --metric ID}), prefixes its metric names and labels its gauges.
     */
    String id();

    /** One line for listings and logs. */
    default String description() {
        return id();
    }

    /**
     * Measures the model the context describes.
     *
     * @return metric name → value; every name is {@link #id()} itself or {@code id() + "." + more}
     *     (use {@link #name(String)}). An empty map means "nothing to report for this run" (for
     *     example a data set the plug-in does not apply to).
     * @throws Exception anything: the evaluator logs it, counts it and publishes the report
     *     without this plug-in's metrics
     */
    Map<String, Double> evaluate(EvaluationContext context) throws Exception;

    /** The full name of one of this plug-in's metrics: {@code id() + "." + local}. */
    default String name(String local) {
        return id() + "." + local;
    }

    /** Whether {@code name} is one this plug-in may report. */
    default boolean owns(String name) {
        return name.equals(id()) || name.startsWith(id() + ".") && name.length() > id().length() + 1;
    }
}
