package io.dxmi.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.engine.GradientRecorder;
import io.dxmi.core.random.Rng;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The networks' convolution against a direct convolution computed here in double precision:
 * values, and the gradients of the input and the weight. Guards the workaround for libtorch
 * 2.7.1's wrong CPU results at some input widths (see {@link Layers#convolve}).
 */
class ConvolutionReferenceTest {

    @BeforeAll
    static void engine() {
        DjlRuntime.configure(1);
    }

    /** y[i, o, r, c] = b[o] + Σ x[i, ci, r·s + dr − p, c·s + dc − p] · w[o, ci, dr, dc]. */
    private static double[] direct(float[] x, int n, int cin, int h, float[] w, int cout, int k, float[] b, int s) {
        int p = k / 2;
        int ho = (h + 2 * p - k) / s + 1;
        double[] y = new double[n * cout * ho * ho];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < cout; o++) {
                for (int r = 0; r < ho; r++) {
                    for (int c = 0; c < ho; c++) {
                        double sum = b[o];
                        for (int ci = 0; ci < cin; ci++) {
                            for (int dr = 0; dr < k; dr++) {
                                for (int dc = 0; dc < k; dc++) {
                                    int rr = r * s + dr - p;
                                    int cc = c * s + dc - p;
                                    if (rr >= 0 && rr < h && cc >= 0 && cc < h) {
                                        sum += x[((i * cin + ci) * h + rr) * h + cc]
                                                * w[((o * cin + ci) * k + dr) * k + dc];
                                    }
                                }
                            }
                        }
                        y[((i * cout + o) * ho + r) * ho + c] = sum;
                    }
                }
            }
        }
        return y;
    }

    @ParameterizedTest(name = "{0} → {1} channels, {2}×{2} kernel, stride {3}, batch {4}, {5}×{5} pixels")
    @CsvSource({"1, 16, 3, 1, 4, 6", "16, 16, 3, 1, 3, 6", "24, 16, 3, 1, 5, 6", "24, 8, 3, 2, 2, 6",
        "40, 16, 3, 1, 2, 6", "72, 24, 3, 1, 3, 6", "96, 32, 3, 1, 2, 6", "24, 16, 1, 1, 5, 6", "16, 40, 3, 2, 3, 6",
        "8, 8, 3, 1, 3, 4", "8, 8, 3, 1, 3, 2", "4, 8, 3, 1, 3, 2", "64, 64, 3, 1, 3, 2", "64, 64, 3, 1, 2, 7",
        "1, 32, 3, 1, 8, 28", "32, 32, 3, 2, 4, 28", "8, 8, 1, 1, 3, 4", "3, 5, 3, 1, 3, 5", "16, 1, 3, 1, 4, 8",
        "32, 3, 3, 1, 3, 6", "12, 12, 3, 2, 3, 7"})
    void matchesADirectConvolutionInValuesAndGradients(int cin, int cout, int k, int stride, int n, int h) {
        Rng rng = new Rng(cin * 31L + cout);
        float[] xs = rng.gaussians(n * cin * h * h);
        float[] ws = rng.gaussians(cout * cin * k * k);
        float[] bs = rng.gaussians(cout);
        int ho = (h + 2 * (k / 2) - k) / stride + 1;
        float[] gs = rng.gaussians(n * cout * ho * ho);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(xs, new Shape(n, cin, h, h));
            NDArray w = m.create(ws, new Shape(cout, cin, k, k));
            NDArray b = m.create(bs);
            NDArray g = m.create(gs, new Shape(n, cout, ho, ho));
            x.setRequiresGradient(true);
            w.setRequiresGradient(true);
            NDArray y;
            try (GradientRecorder rec = GradientRecorder.open()) {
                y = Layers.convolve(x, w, b, stride, k / 2);
                rec.backward(y.mul(g).sum());
            }
            double[] expected = direct(xs, n, cin, h, ws, cout, k, bs, stride);
            float[] actual = y.toFloatArray();
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-3, "output " + i);
            }
            // d/dw Σ g·y = Σ g · x (shifted); checked by finite differences of the direct form on a few entries.
            float[] dw = w.getGradient().toFloatArray();
            float[] dx = x.getGradient().toFloatArray();
            for (int probe = 0; probe < 6; probe++) {
                int wi = (probe * 7919) % ws.length;
                assertEquals(directional(xs, n, cin, h, ws, cout, k, bs, stride, gs, wi, true), dw[wi], 1e-2,
                        "weight gradient " + wi);
                int xi = (probe * 104729) % xs.length;
                assertEquals(directional(xs, n, cin, h, ws, cout, k, bs, stride, gs, xi, false), dx[xi], 1e-2,
                        "input gradient " + xi);
            }
        }
    }

    /** ∂/∂θ Σ g·y for one weight or input entry θ: exact, since y is linear in each. */
    private static double directional(float[] x, int n, int cin, int h, float[] w, int cout, int k, float[] b, int s,
            float[] g, int index, boolean weight) {
        float[] xs = x.clone();
        float[] ws = w.clone();
        if (weight) {
            ws[index] += 1f;
        } else {
            xs[index] += 1f;
        }
        double[] plus = direct(xs, n, cin, h, ws, cout, k, b, s);
        double[] base = direct(x, n, cin, h, w, cout, k, b, s);
        double d = 0;
        for (int i = 0; i < g.length; i++) {
            d += g[i] * (plus[i] - base[i]);
        }
        return d;
    }
}
