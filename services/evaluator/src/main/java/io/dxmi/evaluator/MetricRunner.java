package io.dxmi.evaluator;

import io.dxmi.evaluator.api.EvaluationContext;
import io.dxmi.evaluator.api.EvaluationMetric;
import io.dxmi.evaluator.api.EvaluationMetrics;
import io.dxmi.evaluator.builtin.EnergyAucMetric;
import io.dxmi.evaluator.builtin.SlicedWassersteinMetric;
import io.dxmi.platform.metrics.Metrics;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a set of plug-ins on one evaluation, each isolated from the others: a plug-in that throws
 * or reports a name it does not own loses its values for that evaluation, is logged and counted
 * ({@code dxmi_eval_plugin_errors_total{plugin}}), and the rest go on. Every value is exported as
 * {@code dxmi_eval_metric{plugin, name}}; {@code sw} and {@code auc} also keep their own gauges
 * ({@code dxmi_eval_sw}, {@code dxmi_eval_auc}), which dashboards and alerts use.
 */
public final class MetricRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetricRunner.class);

    private final List<EvaluationMetric> plugins;
    private final Metrics.Family<CounterDataPoint> errors;
    private final Metrics.Family<GaugeDataPoint> values;
    private final GaugeDataPoint sw;
    private final GaugeDataPoint auc;

    public MetricRunner(List<? extends EvaluationMetric> plugins, Metrics metrics) {
        this.plugins = List.copyOf(EvaluationMetrics.byId(plugins).values());
        this.errors = metrics.counterFamily("dxmi_eval_plugin_errors_total",
                "Evaluations in which a metric plug-in failed (its values were left out of the report)", "plugin");
        this.values = metrics.gaugeFamily("dxmi_eval_metric", "Newest value of each plug-in metric", "plugin",
                "name");
        this.sw = metrics.gauge("dxmi_eval_sw", "Sliced Wasserstein distance of the newest evaluation");
        this.auc = metrics.gauge("dxmi_eval_auc", "Energy AUC of the newest evaluation");
        for (EvaluationMetric p : this.plugins) {
            errors.labels(p.id()); // exported at 0 from the start, so a rate() sees the first failure
        }
    }

    /** The plug-ins run, in order. */
    public List<EvaluationMetric> plugins() {
        return plugins;
    }

    /**
     * Every plug-in's values for one evaluation, in plug-in order. Each plug-in gets a copy of
     * {@code context} with its own seed (see {@link #seedFor}).
     *
     * @throws InterruptedException when the evaluating thread is interrupted (the service stops)
     */
    public Map<String, Double> evaluate(EvaluationContext context) throws InterruptedException {
        Map<String, Double> all = new LinkedHashMap<>();
        for (EvaluationMetric plugin : plugins) {
            EvaluationContext own = context.toBuilder().optSeed(seedFor(context.seed(), plugin.id())).build();
            Map<String, Double> got;
            try {
                got = checked(plugin, plugin.evaluate(own));
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception | LinkageError | AssertionError e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("stopped while " + plugin.id() + " was evaluating");
                }
                // LinkageError: a plug-in built against another version of the API must not stop the others.
                LOG.warn("metric plug-in '{}' failed at policy v{}; its values are left out of the report", plugin.id(),
                        context.policyVersion(), e);
                errors.labels(plugin.id()).inc();
                continue;
            }
            for (Map.Entry<String, Double> e : got.entrySet()) {
                all.put(e.getKey(), e.getValue());
                values.labels(plugin.id(), e.getKey()).set(e.getValue());
            }
        }
        if (all.containsKey(SlicedWassersteinMetric.ID)) {
            sw.set(all.get(SlicedWassersteinMetric.ID));
        }
        if (all.containsKey(EnergyAucMetric.ID)) {
            auc.set(all.get(EnergyAucMetric.ID));
        }
        return all;
    }

    /** Closes the plug-ins that are {@link AutoCloseable}; a failure is logged, never thrown. */
    @Override
    public void close() {
        for (EvaluationMetric plugin : plugins) {
            if (plugin instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    LOG.warn("metric plug-in '{}' did not close cleanly: {}", plugin.id(), e.toString());
                }
            }
        }
    }

    /**
     * A plug-in's seed: the evaluation's seed mixed with its id, so plug-ins draw independent
     * streams that do not depend on which other plug-ins run or in which order.
     */
    static long seedFor(long seed, String id) {
        return seed ^ (id.hashCode() * 0x9E3779B97F4A7C15L);
    }

    private static Map<String, Double> checked(EvaluationMetric plugin, Map<String, Double> values) {
        if (values == null) {
            throw new IllegalStateException("plug-in '" + plugin.id() + "' returned null instead of a map");
        }
        for (Map.Entry<String, Double> e : values.entrySet()) {
            if (e.getKey() == null || !plugin.owns(e.getKey())) {
                throw new IllegalStateException("plug-in '" + plugin.id() + "' reported '" + e.getKey()
                        + "'; its names must be '" + plugin.id() + "' or start with '" + plugin.id() + ".'");
            }
            if (e.getValue() == null) {
                throw new IllegalStateException("plug-in '" + plugin.id() + "' reported no value for " + e.getKey());
            }
        }
        return values;
    }
}
