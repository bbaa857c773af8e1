package io.dxmi.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.random.Rng;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

class TimeMlpTest {

    @BeforeAll
    static void engine() {
        DjlRuntime.configure(1);
    }

    private static TimeMlp tiny(NDManager m, long seed) {
        return new NetworkConfig(4, 2, 4).mlp(2, 3, "p.").build(m, new Rng(seed));
    }

    @Test
    void parameterNamesShapesAndInitBounds() {
        try (NDManager m = NDManager.newBaseManager()) {
            TimeMlp net = tiny(m, 1);
            assertEquals(List.of("p.time.weight", "p.time.bias", "p.hidden0.weight", "p.hidden0.bias",
                    "p.hidden1.weight", "p.hidden1.bias", "p.out.weight", "p.out.bias"),
                    List.copyOf(net.parameters().arrays().keySet()));
            assertEquals(new Shape(4, 4), net.parameters().get("p.time.weight").getShape());
            assertEquals(new Shape(4, 2), net.parameters().get("p.hidden0.weight").getShape());
            assertEquals(new Shape(3, 4), net.parameters().get("p.out.weight").getShape());
            assertEquals(3, net.parameters().get("p.out.bias").size());
            for (float w : net.parameters().get("p.hidden0.weight").toFloatArray()) {
                assertEquals(0, w, 1 / Math.sqrt(2) + 1e-7, "uniform +-1/sqrt(fan_in)");
            }
            assertEquals(4L * 4 + 2 * 4 + 4 * 4 + 4 * 3, net.multiplyAddsPerRow());
            assertEquals(2, net.inputDim());
            assertEquals(3, net.outputDim());
        }
    }

    @Test
    void sameSeedSameWeightsOtherSeedOther() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, float[]> a = tiny(m, 5).parameters().toFloatArrays();
            Map<String, float[]> b = tiny(m, 5).parameters().toFloatArrays();
            Map<String, float[]> c = tiny(m, 6).parameters().toFloatArrays();
            for (String k : a.keySet()) {
                assertArrayEquals(a.get(k), b.get(k), k);
            }
            assertFalse(Arrays.equals(a.get("p.hidden1.weight"), c.get("p.hidden1.weight")));
        }
    }

    @Test
    void forwardShapeForDefaults() {
        try (NDManager m = NDManager.newBaseManager()) {
            TimeMlp net = TimeMlp.builder().setInputDim(5).setOutputDim(1).build(m, new Rng(2));
            int n = 7;
            NDArray x = m.create(new Rng(3).gaussians(n * 5), new Shape(n, 5));
            NDArray emb = m.create(net.embedding().embedRepeated(10, n), new Shape(n, 32));
            assertEquals(new Shape(n, 1), net.forward(x, emb).getShape());
        }
    }

    @Test
    void forwardMatchesPlainJava() {
        try (NDManager m = NDManager.newBaseManager()) {
            TimeMlp net = tiny(m, 11);
            int n = 5;
            float[] x = new Rng(12).gaussians(n * 2);
            double[] times = {0, 1, 250, 500, 999};
            float[] emb = net.embedding().embed(times);
            float[] y = net.forward(m.create(x, new Shape(n, 2)), m.create(emb, new Shape(n, 4))).toFloatArray();
            assertEquals(n * 3, y.length);

            Map<String, float[]> p = net.parameters().toFloatArrays();
            for (int r = 0; r < n; r++) {
                double[] e = lin(p.get("p.time.weight"), p.get("p.time.bias"), slice(emb, r * 4, 4), 4);
                double[] h = slice(x, r * 2, 2);
                for (int l = 0; l < 2; l++) {
                    double[] pre = lin(p.get("p.hidden" + l + ".weight"), p.get("p.hidden" + l + ".bias"), h, 4);
                    for (int j = 0; j < 4; j++) {
                        double z = pre[j] + e[j];
                        pre[j] = z / (1 + Math.exp(-z));
                    }
                    h = pre;
                }
                double[] out = lin(p.get("p.out.weight"), p.get("p.out.bias"), h, 3);
                for (int j = 0; j < 3; j++) {
                    assertEquals(out[j], y[r * 3 + j], 1e-5, "row " + r + " output " + j);
                }
            }
        }
    }

    private static double[] slice(float[] a, int from, int len) {
        double[] d = new double[len];
        for (int i = 0; i < len; i++) {
            d[i] = a[from + i];
        }
        return d;
    }

    /** W (out, in) row-major: W x + b. */
    private static double[] lin(float[] w, float[] b, double[] x, int out) {
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double s = b[o];
            for (int i = 0; i < x.length; i++) {
                s += w[o * x.length + i] * x[i];
            }
            y[o] = s;
        }
        return y;
    }

    @Test
    void builderNeedsWidths() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThrows(IllegalStateException.class, () -> TimeMlp.builder().setInputDim(2).build(m, new Rng(1)));
            assertThrows(IllegalStateException.class,
                    () -> TimeMlp.builder().setInputDim(2).setOutputDim(2).optLayers(0).build(m, new Rng(1)));
        }
    }
}
