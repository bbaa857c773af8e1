package io.dxmi.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.dxmi.core.random.Rng;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

class ParameterSetTest {

    @BeforeAll
    static void engine() {
        DjlRuntime.configure(1);
    }

    private static ParameterSet set(NDManager m, long seed) {
        Rng rng = new Rng(seed);
        ParameterSet ps = new ParameterSet(m);
        ps.add("a", new Shape(2, 3), rng.gaussians(6));
        ps.add("b", new Shape(4), rng.gaussians(4));
        return ps;
    }

    @Test
    void addKeepsOrderShapesAndValues() {
        try (NDManager m = NDManager.newBaseManager()) {
            ParameterSet ps = set(m, 1);
            Rng rng = new Rng(1);
            float[] a = rng.gaussians(6);
            float[] b = rng.gaussians(4);
            assertEquals(List.of("a", "b"), List.copyOf(ps.arrays().keySet()));
            assertEquals(10, ps.size());
            assertEquals(new Shape(2, 3), ps.shapes().get("a"));
            assertEquals(new Shape(4), ps.shapes().get("b"));
            LinkedHashMap<String, float[]> v = ps.toFloatArrays();
            assertEquals(List.of("a", "b"), List.copyOf(v.keySet()));
            assertArrayEquals(a, v.get("a"));
            assertArrayEquals(b, v.get("b"));
            assertTrue(ps.get("a").hasGradient());
            assertThrows(UnsupportedOperationException.class, () -> ps.arrays().clear());
        }
    }

    @Test
    void addAndGetValidate() {
        try (NDManager m = NDManager.newBaseManager()) {
            ParameterSet ps = set(m, 1);
            assertThrows(IllegalArgumentException.class, () -> ps.add("a", new Shape(1), new float[1]));
            assertThrows(IllegalArgumentException.class, () -> ps.add("c", new Shape(2, 2), new float[3]));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ps.get("zz"));
            assertTrue(e.getMessage().contains("zz"));
        }
    }

    @Test
    void loadOverwritesAndChecksNamesAndSizes() {
        try (NDManager m = NDManager.newBaseManager()) {
            ParameterSet ps = set(m, 1);
            LinkedHashMap<String, float[]> other = set(m, 2).toFloatArrays();
            ps.load(other);
            assertArrayEquals(other.get("a"), ps.get("a").toFloatArray());
            assertArrayEquals(other.get("b"), ps.get("b").toFloatArray());
            assertEquals(new Shape(2, 3), ps.get("a").getShape());

            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                    () -> ps.load(Map.of("a", new float[6])));
            assertTrue(missing.getMessage().contains("names differ"), missing.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> ps.load(Map.of("a", new float[6], "b", new float[4], "c", new float[1])));
            IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                    () -> ps.load(Map.of("a", new float[5], "b", new float[4])));
            assertTrue(size.getMessage().contains("parameter a"), size.getMessage());
        }
    }

    @Test
    void copyFromCopiesValuesWithoutLink() {
        try (NDManager m = NDManager.newBaseManager()) {
            ParameterSet target = set(m, 1);
            ParameterSet source = set(m, 2);
            float[] a2 = source.get("a").toFloatArray();
            target.copyFrom(source);
            assertArrayEquals(a2, target.get("a").toFloatArray());
            assertArrayEquals(source.get("b").toFloatArray(), target.get("b").toFloatArray());
            source.get("a").muli(3f);
            assertArrayEquals(a2, target.get("a").toFloatArray(), "the copy must not follow its source");
        }
    }

    @Test
    void emaUpdateBlends() {
        try (NDManager m = NDManager.newBaseManager()) {
            ParameterSet ema = set(m, 1);
            ParameterSet live = set(m, 2);
            float[] e0 = ema.get("b").toFloatArray();
            float[] l0 = live.get("b").toFloatArray();
            ema.emaUpdate(live, 0.9f);
            float[] e1 = ema.get("b").toFloatArray();
            for (int i = 0; i < 4; i++) {
                assertEquals(0.9 * e0[i] + 0.1 * l0[i], e1[i], 1e-6);
            }
            assertArrayEquals(l0, live.get("b").toFloatArray(), "the source is unchanged");
            ema.emaUpdate(live, 0f);
            assertArrayEquals(live.get("a").toFloatArray(), ema.get("a").toFloatArray(), 1e-7f);
        }
    }

    @Test
    void allFiniteDetectsNanAndInfinity() {
        try (NDManager m = NDManager.newBaseManager()) {
            ParameterSet ps = set(m, 1);
            assertTrue(ps.allFinite());
            float[] a = new float[6];
            a[3] = Float.NaN;
            ps.load(Map.of("a", a, "b", new float[4]));
            assertFalse(ps.allFinite());
            a[3] = Float.NEGATIVE_INFINITY;
            ps.load(Map.of("a", a, "b", new float[4]));
            assertFalse(ps.allFinite());
            float[] b = {1f, Float.POSITIVE_INFINITY, 0f, 0f};
            a[3] = Float.NEGATIVE_INFINITY;
            ps.load(Map.of("a", a, "b", b));
            assertFalse(ps.allFinite(), "+inf and -inf in different tensors");
            assertTrue(new ParameterSet(m).allFinite(), "an empty set is finite");
        }
    }

    @Test
    void allFiniteIsNotFooledByLargeFiniteValues() {
        // Float32 sums of large finite weights overflow to infinity; the weights are still finite.
        try (NDManager m = NDManager.newBaseManager()) {
            ParameterSet ps = set(m, 1);
            float[] a = {3e38f, 3e38f, 3e38f, 0f, 0f, 0f};
            ps.load(Map.of("a", a, "b", new float[] {3e38f, 0f, 0f, 0f}));
            assertTrue(ps.allFinite());
        }
    }

    @Test
    void zeroGradientsClearsEvenNonFiniteGradients() {
        try (NDManager m = NDManager.newBaseManager()) {
            ParameterSet ps = set(m, 1);
            try (NDManager s = m.newSubManager();
                    GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = ps.get("a").mul(s.create(Float.NaN)).sum().add(ps.get("b").mul(2f).sum());
                gc.backward(loss);
            }
            assertTrue(Float.isNaN(ps.get("a").getGradient().toFloatArray()[0]));
            assertEquals(2f, ps.get("b").getGradient().toFloatArray()[0]);
            ps.zeroGradients();
            assertArrayEquals(new float[6], ps.get("a").getGradient().toFloatArray());
            assertArrayEquals(new float[4], ps.get("b").getGradient().toFloatArray());
        }
    }

    @Test
    void allFiniteLeavesNoArraysBehind() {
        try (NDManager m = NDManager.newBaseManager()) {
            ParameterSet ps = set(m, 1);
            int before = m.getManagedArrays().size();
            for (int i = 0; i < 5; i++) {
                assertTrue(ps.allFinite());
            }
            assertEquals(before, m.getManagedArrays().size());
        }
    }
}
