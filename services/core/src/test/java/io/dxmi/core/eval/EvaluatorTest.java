package io.dxmi.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.ToyDatasets;
import io.dxmi.core.metrics.MeanStd;
import org.junit.jupiter.api.Test;

import java.util.function.Function;

class EvaluatorTest {

    private static final DataSource DATA = ToyDatasets.byName("8gaussians");
    private static final double SCALE = 1.414;

    private static Evaluator evaluator(int samples) {
        return Evaluator.builder().setData(DATA).optSamples(samples).optRepeats(2).optDirections(300).build();
    }

    /** −log p(x) of the 8-Gaussian mixture (centres 4·(cos kπ/4, sin kπ/4)/1.414, std 0.5/1.414). */
    static float[] negativeLogDensity(float[] rows) {
        double s = 0.5 / SCALE;
        double s2 = s * s;
        float[] out = new float[rows.length / 2];
        for (int i = 0; i < out.length; i++) {
            double x = rows[2 * i];
            double y = rows[2 * i + 1];
            double[] logs = new double[8];
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < 8; k++) {
                double cx = 4 * Math.cos(k * Math.PI / 4) / SCALE;
                double cy = 4 * Math.sin(k * Math.PI / 4) / SCALE;
                double d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
                logs[k] = Math.log(1.0 / 8) - Math.log(2 * Math.PI * s2) - d2 / (2 * s2);
                max = Math.max(max, logs[k]);
            }
            double sum = 0;
            for (double l : logs) {
                sum += Math.exp(l - max);
            }
            out[i] = (float) -(max + Math.log(sum));
        }
        return out;
    }

    @Test
    void dataAgainstItselfIsNearTheFloor() {
        MeanStd sw = evaluator(5000).slicedWasserstein(DATA::sample);
        System.out.printf("SW data vs data: %s%n", sw);
        assertTrue(sw.mean() < 0.1, "SW " + sw);
        assertTrue(sw.mean() > 0, "two independent samples are not identical");
    }

    @Test
    void standardNoiseScoresAboutOnePointOne() {
        MeanStd sw = evaluator(5000).slicedWasserstein((n, rng) -> rng.gaussians(2 * n));
        System.out.printf("SW N(0,I) vs data: %s%n", sw);
        assertEquals(1.10, sw.mean(), 0.1);
    }

    @Test
    void slicedWassersteinIsReproducibleForASeed() {
        MeanStd a = evaluator(2000).slicedWasserstein((n, rng) -> rng.gaussians(2 * n));
        MeanStd b = evaluator(2000).slicedWasserstein((n, rng) -> rng.gaussians(2 * n));
        assertEquals(a.mean(), b.mean(), 0);
        MeanStd c = Evaluator.builder().setData(DATA).optSamples(2000).optRepeats(2).optDirections(300).optSeed(99)
                .build().slicedWasserstein((n, rng) -> rng.gaussians(2 * n));
        assertTrue(a.mean() != c.mean());
    }

    @Test
    void trueDensityGivesTheBayesOptimalAuc() {
        double auc = evaluator(10_000).energyAuc(EvaluatorTest::negativeLogDensity);
        System.out.printf("AUC of -log p: %.4f%n", auc);
        // 0.9026 in the population (10^6 points a side); at 10^5 a side the sd is about 0.0007
        assertEquals(0.9026, auc, 0.0025, "AUC of the true density");
        // the sign convention: score = -E, so the density itself as an energy inverts the AUC
        double inverted = evaluator(10_000).energyAuc(x -> {
            float[] e = negativeLogDensity(x);
            for (int i = 0; i < e.length; i++) {
                e[i] = -e[i];
            }
            return e;
        });
        assertEquals(1 - auc, inverted, 1e-9);
    }

    @Test
    void constantEnergyIsChance() {
        Function<float[], float[]> constant = x -> new float[x.length / 2];
        assertEquals(0.5, evaluator(2000).energyAuc(constant), 1e-12);
    }

    @Test
    void builderValidates() {
        assertThrows(IllegalStateException.class, () -> Evaluator.builder().build());
        assertThrows(IllegalStateException.class, () -> Evaluator.builder().setData(DATA).optSamples(1).build());
        assertThrows(IllegalStateException.class, () -> Evaluator.builder().setData(DATA).optRepeats(0).build());
        assertTrue(evaluator(100).describe().contains("300 random directions"));
        assertTrue(evaluator(100).describe().contains("100000 data rows vs 100000 uniform rows"));
        assertTrue(Evaluator.builder().setData(DATA).optAucSamples(500).build().describe()
                .contains("500 data rows vs 500 uniform rows"));
        assertThrows(IllegalStateException.class, () -> Evaluator.builder().setData(DATA).optAucSamples(0).build());
    }
}
