package io.dxmi.examples.modecoverage;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.MixtureModes;
import io.dxmi.core.data.ToyDatasets;
import io.dxmi.core.random.Rng;
import io.dxmi.evaluator.api.EvaluationContext;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModeCoverageTest {

    static final DataSource EIGHT = ToyDatasets.byName("8gaussians");
    static final MixtureModes MODES = ToyDatasets.mixtureModes("8gaussians").orElseThrow();

    static Map<String, Double> evaluate(DataSource data, BiFunction<Integer, Rng, float[]> sampler) {
        EvaluationContext ctx = EvaluationContext.builder().setData(data).setSampler(sampler).optSeed(7)
                .optSamples(8000).build();
        return new ModeCoverage().evaluate(ctx);
    }

    /** Rows drawn around the given modes only, with the data set's own spread. */
    static float[] fromModes(int n, Rng rng, int... modes) {
        float[] out = new float[2 * n];
        for (int i = 0; i < n; i++) {
            double[] c = MODES.centres()[modes[rng.nextInt(modes.length)]];
            out[2 * i] = (float) (c[0] + MODES.std() * rng.nextGaussian());
            out[2 * i + 1] = (float) (c[1] + MODES.std() * rng.nextGaussian());
        }
        return out;
    }

    @Test
    void theModesAreTheDataSetsOwn() {
        // The data's own sample means per nearest centre land on the centres (same coordinates, same scaling).
        float[] rows = EIGHT.sample(40_000, new Rng(1));
        double[][] sum = new double[8][2];
        int[] count = new int[8];
        for (int i = 0; i < rows.length / 2; i++) {
            int best = 0;
            double bestD = Double.MAX_VALUE;
            for (int k = 0; k < 8; k++) {
                double dx = rows[2 * i] - MODES.centres()[k][0];
                double dy = rows[2 * i + 1] - MODES.centres()[k][1];
                if (dx * dx + dy * dy < bestD) {
                    bestD = dx * dx + dy * dy;
                    best = k;
                }
            }
            sum[best][0] += rows[2 * i];
            sum[best][1] += rows[2 * i + 1];
            count[best]++;
        }
        for (int k = 0; k < 8; k++) {
            assertEquals(MODES.centres()[k][0], sum[k][0] / count[k], 0.03, "mode " + k + " x");
            assertEquals(MODES.centres()[k][1], sum[k][1] / count[k], 0.03, "mode " + k + " y");
        }
        assertEquals(0.5 / 1.414, MODES.std(), 1e-12);
    }

    @Test
    void samplesFromTheDataCoverEveryModeEqually() {
        Map<String, Double> m = evaluate(EIGHT, EIGHT::sample);
        for (int k = 0; k < 8; k++) {
            assertEquals(1.0 / 8, m.get("mode_coverage.share_mode_" + k), 0.02, "mode " + k);
        }
        // Within 3 std of a 2D Gaussian: 1 - exp(-4.5) = 98.9% of the mass.
        assertEquals(Math.exp(-4.5), m.get("mode_coverage.share_off_mode"), 0.006);
        assertEquals(0.0, m.get("mode_coverage.modes_dropped"));
        assertEquals(10, m.size(), m.toString());
    }

    @Test
    void aGeneratorOnThreeModesDropsTheOtherFive() {
        Map<String, Double> m = evaluate(EIGHT, (n, rng) -> fromModes(n, rng, 0, 3, 6));
        assertEquals(5.0, m.get("mode_coverage.modes_dropped"));
        for (int k : new int[] {1, 2, 4, 5, 7}) {
            // Only the far tails of a neighbouring mode reach here (adjacent centres are 6 std apart).
            assertEquals(0.0, m.get("mode_coverage.share_mode_" + k), 0.002, "mode " + k);
        }
        for (int k : new int[] {0, 3, 6}) {
            assertEquals(1.0 / 3, m.get("mode_coverage.share_mode_" + k), 0.03, "mode " + k);
        }
    }

    @Test
    void aSparselyCoveredModeCountsAsDroppedBelowTheFloor() {
        // Mode 5 gets 1% of the samples: under 10% of the uniform share (1.25%), so dropped.
        float[] rows = new float[2 * 1000];
        Rng rng = new Rng(3);
        float[] many = fromModes(990, rng, 0, 1, 2, 3, 4, 6, 7);
        float[] few = fromModes(10, rng, 5);
        System.arraycopy(many, 0, rows, 0, many.length);
        System.arraycopy(few, 0, rows, many.length, few.length);
        ModeCoverage.Coverage c = ModeCoverage.measure(rows, MODES, 3 * MODES.std(), 0.1);
        assertEquals(1, c.modesDropped());
        ModeCoverage.Coverage lenient = ModeCoverage.measure(rows, MODES, 3 * MODES.std(), 0.05);
        assertEquals(0, lenient.modesDropped());
    }

    @Test
    void farOffAndNonFiniteSamplesAreOffMode() {
        Map<String, Double> m = evaluate(EIGHT, (n, rng) -> {
            float[] rows = new float[2 * n];
            for (int i = 0; i < n; i++) {
                rows[2 * i] = i % 10 == 0 ? Float.NaN : 0.05f * (float) rng.nextGaussian(); // the empty centre
                rows[2 * i + 1] = 0.05f * (float) rng.nextGaussian();
            }
            return rows;
        });
        assertEquals(1.0, m.get("mode_coverage.share_off_mode"));
        assertEquals(8.0, m.get("mode_coverage.modes_dropped"));
    }

    @Test
    void otherDataSetsReportNothingUnlessModesAreGiven() {
        DataSource rings = ToyDatasets.byName("rings");
        assertTrue(evaluate(rings, rings::sample).isEmpty());

        // Rings of radius 3: give two "modes" on the outer ring and a tight std; most samples are off-mode.
        EvaluationContext ctx = EvaluationContext.builder().setData(rings).setSampler((n, rng) -> {
            float[] rows = new float[2 * n];
            for (int i = 0; i < n; i++) {
                rows[2 * i] = i % 2 == 0 ? 3f : -3f;
            }
            return rows;
        }).optOption("mode_coverage.modes", "3,0; -3,0; 0,3").optOption("mode_coverage.std", "0.1").build();
        Map<String, Double> m = new ModeCoverage().evaluate(ctx);
        assertEquals(0.5, m.get("mode_coverage.share_mode_0"));
        assertEquals(0.5, m.get("mode_coverage.share_mode_1"));
        assertEquals(1.0, m.get("mode_coverage.modes_dropped"));

        EvaluationContext noStd = ctx.toBuilder().optOptions(Map.of("mode_coverage.modes", "1,2")).build();
        assertThrows(IllegalArgumentException.class, () -> new ModeCoverage().evaluate(noStd));
    }
}
