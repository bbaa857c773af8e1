package io.dxmi.core.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
