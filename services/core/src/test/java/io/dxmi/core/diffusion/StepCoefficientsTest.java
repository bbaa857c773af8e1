package io.dxmi.core.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StepCoefficientsTest {

    private static final NoiseSchedule S = NoiseSchedule.linear(1000);

    @Test
    void fiveStepNoiseStds() {
        StepCoefficients c = StepCoefficients.ancestral(S, 5);
        assertEquals(5, c.steps());
        double[] expected = {0.986, 0.958, 0.847, 0.548};
        for (int k = 0; k < 4; k++) {
            assertEquals(expected[k], c.sigma(k), 0.01, "sigma(" + k + ")");
        }
        assertEquals(0f, c.sigma(4));
        assertEquals(999, c.diffusionIndex(0));
        assertEquals(200, c.diffusionIndex(4));
    }

    @Test
    void fiveStepCoefficientsFollowTheFormula() {
        StepCoefficients c = StepCoefficients.ancestral(S, 5);
        int[] idx = {999, 799, 599, 400, 200};
        for (int k = 0; k < 5; k++) {
            double abT = S.alphaBar(idx[k]);
            double abS = k < 4 ? S.alphaBar(idx[k + 1]) : 1.0;
            double var = (1 - abS) / (1 - abT) * (1 - abT / abS);
            double a = Math.sqrt(abS / abT);
            double b = Math.sqrt(1 - abS - var) - Math.sqrt(abS) * Math.sqrt(1 - abT) / Math.sqrt(abT);
            assertEquals(a, c.a(k), 1e-5 * Math.abs(a), "a(" + k + ")");
            assertEquals(b, c.b(k), 1e-5 * Math.abs(b), "b(" + k + ")");
            // Noise-free, a perfect eps-prediction of x = sqrt(abT) x0 + sqrt(1-abT) eps lands on
            // sqrt(abS) x0 + sqrt(1 - abS - var) eps.
            double x0 = 0.7;
            double eps = -1.3;
            double x = Math.sqrt(abT) * x0 + Math.sqrt(1 - abT) * eps;
            double next = c.a(k) * x + c.b(k) * eps;
            assertEquals(Math.sqrt(abS) * x0 + Math.sqrt(Math.max(0, 1 - abS - var)) * eps, next, 1e-4);
        }
    }

    @Test
    void aSigmaScaleOfZeroIsDdimAndOneIsTheAncestralSampler() {
        for (StepCoefficients.Spacing spacing : StepCoefficients.Spacing.values()) {
            StepCoefficients anc = StepCoefficients.of(S, 10, spacing);
            StepCoefficients one = StepCoefficients.of(S, 10, spacing, 1.0);
            StepCoefficients half = StepCoefficients.of(S, 10, spacing, 0.5);
            StepCoefficients ddim = StepCoefficients.of(S, 10, spacing, 0.0);
            for (int k = 0; k < 10; k++) {
                assertEquals(anc.sigma(k), one.sigma(k));
                assertEquals(anc.b(k), one.b(k));
                assertEquals(anc.a(k), ddim.a(k)); // the scale leaves the x coefficient alone
                assertEquals(0.5 * anc.sigma(k), half.sigma(k), 1e-6);
                assertEquals(0f, ddim.sigma(k));
                // DDIM (eta = 0): x' = sqrt(abS) x0_hat + sqrt(1 - abS) eps_hat, deterministic
                double abT = ddim.level(k);
                double abS = k < 9 ? ddim.level(k + 1) : 1.0;
                double b = Math.sqrt(1 - abS) - Math.sqrt(abS) * Math.sqrt(1 - abT) / Math.sqrt(abT);
                assertEquals(b, ddim.b(k), 1e-5 * Math.max(1, Math.abs(b)), "b(" + k + ") " + spacing);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> StepCoefficients.of(S, 10, StepCoefficients.Spacing.UNIFORM, 1.5));
        assertThrows(IllegalArgumentException.class, () -> StepCoefficients.of(S, 10, StepCoefficients.Spacing.UNIFORM, -0.1));
    }

    @Test
    void fullChainIsTheDdpmPosterior() {
        StepCoefficients c = StepCoefficients.ancestral(S, 1000);
        for (int k = 0; k < 1000; k++) {
            int t = 999 - k;
            assertEquals(t, c.diffusionIndex(k));
            double alpha = 1 - S.beta(t);
            double a = 1 / Math.sqrt(alpha);
            double b = -S.beta(t) / (Math.sqrt(alpha) * Math.sqrt(1 - S.alphaBar(t)));
            assertEquals(a, c.a(k), 1e-4 * Math.abs(a), "a at t=" + t);
            assertEquals(b, c.b(k), 1e-4 * Math.abs(b), "b at t=" + t);
            if (k < 999) {
                double posteriorVar = (1 - S.alphaBar(t - 1)) / (1 - S.alphaBar(t)) * S.beta(t);
                double sigma = c.sigma(k);
                assertEquals(posteriorVar, sigma * sigma, 1e-4 * posteriorVar, "sigma^2 at t=" + t);
            } else {
                assertEquals(0f, c.sigma(k));
            }
        }
    }

    @Test
    void quadraticStepsReachTheScheduleNoiseLevelAtContinuousTimes() {
        NoiseSchedule schedule = NoiseSchedule.linear(1000);
        StepCoefficients q = StepCoefficients.of(schedule, 10, StepCoefficients.Spacing.QUADRATIC);
        assertEquals(10, q.steps());
        // The official CIFAR-10 T = 10 variances (FastDPM's bound binds): β̂_i = (0.01 + 0.095 i)².
        double prod = 1;
        for (int i = 0; i < 10; i++) {
            double b = Math.pow(0.01 + 0.095 * i, 2);
            prod *= 1 - b;
            assertEquals(prod, q.level(9 - i), 1e-6, "level of step " + (9 - i));
        }
        assertEquals(0, q.networkTime(9), 1e-9);
        assertTrue(q.networkTime(0) > 600 && q.networkTime(0) < 630, "first time " + q.networkTime(0));
        for (int k = 1; k < 10; k++) {
            assertTrue(q.networkTime(k) < q.networkTime(k - 1), "times fall");
        }
        // Quadratic spacing puts more steps near the data than uniform spacing does.
        StepCoefficients u = StepCoefficients.ancestral(schedule, 10);
        assertTrue(q.networkTime(8) < u.networkTime(8), q.networkTime(8) + " vs " + u.networkTime(8));
        assertEquals(0f, q.sigma(9), 0f);
        assertThrows(IllegalStateException.class, () -> q.diffusionIndex(0));
    }

    @Test
    void continuousIndexInvertsTheScheduleBetweenItsSteps() {
        NoiseSchedule s = NoiseSchedule.linear(1000);
        assertEquals(250, StepCoefficients.continuousIndex(s, s.alphaBar(250)), 1e-9);
        double mid = Math.exp((Math.log(s.alphaBar(400)) + Math.log(s.alphaBar(401))) / 2);
        assertEquals(400.5, StepCoefficients.continuousIndex(s, mid), 1e-9);
    }
}
