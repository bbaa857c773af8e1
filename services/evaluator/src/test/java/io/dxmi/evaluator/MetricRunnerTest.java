package io.dxmi.evaluator;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.ToyDatasets;
import io.dxmi.evaluator.api.EvaluationContext;
import io.dxmi.evaluator.api.EvaluationMetric;
import io.dxmi.evaluator.builtin.EnergyAucMetric;
import io.dxmi.evaluator.builtin.FrechetDistanceMetric;
import io.dxmi.evaluator.builtin.SlicedWassersteinMetric;
import io.dxmi.platform.metrics.Metrics;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricRunnerTest {

    static final DataSource DATA = ToyDatasets.byName("8gaussians");

    /** A plug-in with a bug. */
    static final class Throwing implements EvaluationMetric {
        @Override
        public String id() {
            return "broken";
        }

        @Override
        public Map<String, Double> evaluate(EvaluationContext context) {
            throw new IllegalStateException("bug in a plug-in");
        }
    }

    /** A plug-in that reports a name outside its prefix. */
    static final class Trespassing implements EvaluationMetric {
        @Override
        public String id() {
            return "sloppy";
        }

        @Override
        public Map<String, Double> evaluate(EvaluationContext context) {
            return Map.of("sloppy.ok", 1.0, "sw", -1.0);
        }
    }

    /** Records the seed it was given. */
    static final class SeedProbe implements EvaluationMetric {
        final List<Long> seeds = new ArrayList<>();

        @Override
        public String id() {
            return "probe";
        }

        @Override
        public Map<String, Double> evaluate(EvaluationContext context) {
            seeds.add(context.seed());
            return Map.of("probe", (double) context.rng().nextInt(1000));
        }
    }

    static EvaluationContext context() {
        // The "policy" is the data itself and the energy the squared norm: enough to exercise both built-ins.
        return EvaluationContext.builder().setData(DATA).setSampler(DATA::sample).optEnergy(rows -> {
            float[] e = new float[rows.length / 2];
            for (int i = 0; i < e.length; i++) {
                e[i] = rows[2 * i] * rows[2 * i] + rows[2 * i + 1] * rows[2 * i + 1];
            }
            return e;
        }).optSeed(5).optSamples(1000).optVersions(10, 9).build();
    }

    static double value(Metrics metrics, String name, String... labels) {
        for (MetricSnapshot s : metrics.registry().scrape()) {
            if (!s.getMetadata().getName().equals(name)) {
                continue;
            }
            for (DataPointSnapshot p : s.getDataPoints()) {
                boolean match = true;
                for (int i = 0; i < labels.length; i += 2) {
                    match &= labels[i + 1].equals(p.getLabels().get(labels[i]));
                }
                if (match) {
                    return p instanceof CounterSnapshot.CounterDataPointSnapshot c ? c.getValue()
                            : ((GaugeSnapshot.GaugeDataPointSnapshot) p).getValue();
                }
            }
        }
        throw new AssertionError("no " + name + " " + List.of(labels));
    }

    @Test
    void aFailingPlugInLosesOnlyItsOwnValuesAndIsCounted() throws Exception {
        Metrics metrics = Metrics.create("test");
        MetricRunner runner = new MetricRunner(List.of(new SlicedWassersteinMetric(), new Throwing(),
                new Trespassing(), new EnergyAucMetric(), new FrechetDistanceMetric()), metrics);
        assertEquals(0.0, value(metrics, "dxmi_eval_plugin_errors", "plugin", "broken"));

        Map<String, Double> m = runner.evaluate(context());
        assertEquals(List.of("sw", "auc"), List.copyOf(m.keySet()));
        // The data against itself: SW is sampling noise only.
        assertTrue(m.get("sw") >= 0 && m.get("sw") < 0.2, m.toString());
        assertTrue(Double.isFinite(m.get("auc")), m.toString());
        assertEquals(1.0, value(metrics, "dxmi_eval_plugin_errors", "plugin", "broken"));
        assertEquals(1.0, value(metrics, "dxmi_eval_plugin_errors", "plugin", "sloppy"));
        assertEquals(0.0, value(metrics, "dxmi_eval_plugin_errors", "plugin", "sw"));
        assertEquals(0.0, value(metrics, "dxmi_eval_plugin_errors", "plugin", "fd")); // vectors: nothing to report
        assertEquals(m.get("sw"), value(metrics, "dxmi_eval_metric", "plugin", "sw", "name", "sw"));
        assertEquals(m.get("auc"), value(metrics, "dxmi_eval_metric", "plugin", "auc", "name", "auc"));
        // The gauges dashboards already use keep working.
        assertEquals(m.get("sw"), value(metrics, "dxmi_eval_sw"));
        assertEquals(m.get("auc"), value(metrics, "dxmi_eval_auc"));

        runner.evaluate(context());
        assertEquals(2.0, value(metrics, "dxmi_eval_plugin_errors", "plugin", "broken"));
        runner.close();
    }

    @Test
    void eachPlugInsSeedDependsOnlyOnItsIdAndTheEvaluationsSeed() throws Exception {
        SeedProbe alone = new SeedProbe();
        Map<String, Double> a = new MetricRunner(List.of(alone), Metrics.create("a")).evaluate(context());
        SeedProbe second = new SeedProbe();
        Map<String, Double> b = new MetricRunner(List.of(new Throwing(), second), Metrics.create("b"))
                .evaluate(context());
        assertEquals(alone.seeds, second.seeds);
        assertEquals(a.get("probe"), b.get("probe"));
        assertTrue(alone.seeds.get(0) != 5L, "a plug-in's seed is not the evaluation's own");
    }

    @Test
    void interruptionStopsTheEvaluationInsteadOfCountingAsAFailure() {
        EvaluationMetric stopped = new EvaluationMetric() {
            @Override
            public String id() {
                return "stopped";
            }

            @Override
            public Map<String, Double> evaluate(EvaluationContext context) {
                Thread.currentThread().interrupt();
                throw new RuntimeException("wrapped interruption");
            }
        };
        Metrics metrics = Metrics.create("t");
        MetricRunner runner = new MetricRunner(List.of(stopped), metrics);
        assertThrows(InterruptedException.class, () -> runner.evaluate(context()));
        Thread.interrupted();
        assertEquals(0.0, value(metrics, "dxmi_eval_plugin_errors", "plugin", "stopped"));
    }

    @Test
    void clashingOrMalformedIdsAreRefusedUpFront() {
        EvaluationMetric fakeSw = new EvaluationMetric() {
            @Override
            public String id() {
                return "sw";
            }

            @Override
            public Map<String, Double> evaluate(EvaluationContext context) {
                return Map.of();
            }
        };
        assertThrows(IllegalStateException.class,
                () -> new MetricRunner(List.of(new SlicedWassersteinMetric(), fakeSw), Metrics.create("c")));
        EvaluationMetric badId = new EvaluationMetric() {
            @Override
            public String id() {
                return "Mode Coverage";
            }

            @Override
            public Map<String, Double> evaluate(EvaluationContext context) {
                return Map.of();
            }
        };
        assertThrows(IllegalStateException.class, () -> new MetricRunner(List.of(badId), Metrics.create("d")));
    }
}
