package io.dxmi.core.dxmi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.engine.OwnedArrays;
import io.dxmi.core.model.TensorArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Gaussian over energy features: its fit against hand-computed cases, its tensor form, and its files. */
class FeatureDensityTest {

    @TempDir
    Path tmp;

    @BeforeAll
    static void engine() {
        DjlRuntime.configure(1);
    }

    @Test
    void theCornersOfASquareGiveTheHandComputedEnergy() {
        // Mean (1, 1); unbiased variances 4/3, no covariance; the ridge 0.5 · tr/2 = 2/3 makes Σ + λI = 2 I.
        float[] f = {0, 0, 2, 0, 0, 2, 2, 2};
        FeatureDensity d = FeatureDensity.fit(f, 4, 0.5);
        assertEquals(2, d.dimension());
        assertEquals(4, d.count());
        assertEquals(1f, d.mean()[0], 1e-6);
        assertEquals(1f, d.mean()[1], 1e-6);
        // ½ (2² + 0²) / 2 = 1 at (3, 1); ½ (1 + 1) / 2 = 0.5 at (0, 0).
        assertEquals(1.0, d.energy(new float[] {3, 1}, 0), 1e-6);
        assertEquals(0.5, d.energy(new float[] {0, 0}, 0), 1e-6);
        assertEquals(0.0, d.energy(new float[] {1, 1}, 0), 1e-12);
    }

    @Test
    void correlatedFeaturesMatchTheExplicitInverse() {
        float[] f = {0, 0, 1, 1, 2, 2.5f, 3, 2.8f, 4, 4.4f};
        FeatureDensity d = FeatureDensity.fit(f, 5, 0.01);
        double mx = 2;
        double my = (0 + 1 + 2.5 + 2.8 + 4.4) / 5;
        double sxx = 0;
        double syy = 0;
        double sxy = 0;
        for (int i = 0; i < 5; i++) {
            sxx += (f[2 * i] - mx) * (f[2 * i] - mx) / 4;
            syy += (f[2 * i + 1] - my) * (f[2 * i + 1] - my) / 4;
            sxy += (f[2 * i] - mx) * (f[2 * i + 1] - my) / 4;
        }
        double ridge = 0.01 * (sxx + syy) / 2;
        double a = sxx + ridge;
        double c = syy + ridge;
        double det = a * c - sxy * sxy;
        float[] at = {5, 1};
        double dx = at[0] - mx;
        double dy = at[1] - my;
        double expected = 0.5 * (c * dx * dx - 2 * sxy * dx * dy + a * dy * dy) / det;
        assertEquals(expected, d.energy(at, 0), 1e-4 * expected);
        // Off the data's line the energy is far larger than along it at the same distance from the mean.
        assertTrue(d.energy(new float[] {3, 1}, 0) > 10 * d.energy(new float[] {3, 3.2f}, 0));
    }

    @Test
    void blocksAreStandardisedByTheirMedianAndSpreadOverTheFittedRows() {
        // Two blocks of one feature each, the second ten times wider: each block's squared distance
        // m = (f − μ)² / (s² + λ) is standardised by its median and (population) standard deviation
        // over the four rows, so both blocks count alike.
        float[] f = {0, 0, 1, 10, 2, 30, 5, 20};
        FeatureDensity d = FeatureDensity.fit(f, 4, new int[] {1, 1}, 0.1);
        assertArrayEquals(new int[] {1, 1}, d.blocks());
        double expected = 0;
        float[] at = {3, -5};
        for (int b = 0; b < 2; b++) {
            double mu = 0;
            for (int i = 0; i < 4; i++) {
                mu += f[2 * i + b] / 4.0;
            }
            double var = 0;
            for (int i = 0; i < 4; i++) {
                var += (f[2 * i + b] - mu) * (f[2 * i + b] - mu) / 3;
            }
            double denom = var * 1.1; // the ridge: 0.1 · tr / 1
            double[] m = new double[4];
            for (int i = 0; i < 4; i++) {
                m[i] = (f[2 * i + b] - mu) * (f[2 * i + b] - mu) / denom;
            }
            double[] sorted = m.clone();
            Arrays.sort(sorted);
            double median = (sorted[1] + sorted[2]) / 2;
            double mean = Arrays.stream(m).average().orElseThrow();
            double sd = Math.sqrt(Arrays.stream(m).map(v -> (v - mean) * (v - mean)).sum() / 4);
            expected += ((at[b] - mu) * (at[b] - mu) / denom - median) / sd;
        }
        assertEquals(expected, d.energy(at, 0), 1e-4 * Math.abs(expected));
        // Scaling one block's features changes nothing: each block is measured in its own units.
        float[] scaled = f.clone();
        for (int i = 0; i < 4; i++) {
            scaled[2 * i + 1] *= 100;
        }
        FeatureDensity s = FeatureDensity.fit(scaled, 4, new int[] {1, 1}, 0.1);
        assertEquals(expected, s.energy(new float[] {3, -500}, 0), 1e-4 * Math.abs(expected));
        assertThrows(IllegalArgumentException.class, () -> FeatureDensity.fit(f, 4, new int[] {1, 2}, 0.1));
        // One block is the plain Gaussian.
        assertEquals(FeatureDensity.fit(f, 4, 0.1).energy(at, 0), FeatureDensity.fit(f, 4, new int[] {2}, 0.1)
                .energy(at, 0), 1e-9);
    }

    @Test
    void theTensorFormEqualsTheScalarOne() {
        float[] f = {0, 0, 1, 1, 2, 2.5f, 3, 2.8f, 4, 4.4f, 1, 3};
        for (FeatureDensity d : List.of(FeatureDensity.fit(f, 6, 0.05), FeatureDensity.fit(f, 6, new int[] {1, 1}, 0.05))) {
            tensorFormEqualsScalar(d, f);
        }
    }

    private static void tensorFormEqualsScalar(FeatureDensity d, float[] f) {
        try (NDManager m = NDManager.newBaseManager(DjlRuntime.device())) {
            NDArray x = OwnedArrays.create(m, f, new Shape(6, 2));
            float[] e = d.energy(x).toFloatArray();
            assertEquals(6, e.length);
            for (int i = 0; i < 6; i++) {
                assertEquals(d.energy(f, 2 * i), e[i], 1e-4 * Math.max(1, e[i]));
            }
            assertThrows(IllegalArgumentException.class, () -> d.energy(m.zeros(new Shape(2, 3))));
        }
    }

    @Test
    void badFitsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> FeatureDensity.fit(new float[] {1, 2}, 1, 0.01));
        assertThrows(IllegalArgumentException.class, () -> FeatureDensity.fit(new float[] {1, 2, 3, 4}, 2, 0));
        assertThrows(IllegalArgumentException.class, () -> FeatureDensity.fit(new float[] {1, 2, 3}, 2, 0.01));
        // Constant features: no variance at all, the ridge alone keeps the covariance invertible.
        FeatureDensity flat = FeatureDensity.fit(new float[] {1, 1, 1, 1, 1, 1}, 3, 0.01);
        assertEquals(0.0, flat.energy(new float[] {1, 1}, 0), 1e-12);
    }

    @Test
    void theFilesRoundTripAndRefuseOtherWeightsOrOtherTensors() throws IOException {
        FeatureDensity d = FeatureDensity.fit(new float[] {0, 0, 1, 1, 2, 2.5f, 3, 2.8f}, 4, 0.01);
        String id = FeatureDensityFile.write(tmp, d, "bars:train classes 0", "abc", "w1");
        FeatureDensityFile.Stored s = FeatureDensityFile.read(tmp, "w1").orElseThrow();
        assertEquals(id, s.id());
        assertEquals("bars:train classes 0", s.dataName());
        assertEquals("abc", s.dataHash());
        assertEquals(d.energy(new float[] {5, 1}, 0), s.density().energy(new float[] {5, 1}, 0), 0);
        assertTrue(FeatureDensityFile.read(tmp.resolve("none"), "w1").isEmpty());

        IOException other = assertThrows(IOException.class, () -> FeatureDensityFile.read(tmp, "w2"));
        assertTrue(other.getMessage().contains("fitted on other weights"), other.getMessage());

        // Tensors replaced by another (valid) archive: the JSON names the hash it was written with.
        Path elsewhere = Files.createDirectories(tmp.resolve("other"));
        String otherId = FeatureDensityFile.write(elsewhere, FeatureDensity.fit(new float[] {0, 0, 1, 3, 2, 1}, 3, 0.01),
                "x", "y", "w1");
        Path otherTensors = elsewhere.resolve(FeatureDensityFile.tensorsFile(otherId));
        Path ours = tmp.resolve(FeatureDensityFile.tensorsFile(id));
        byte[] original = Files.readAllBytes(ours);
        Files.copy(otherTensors, ours, StandardCopyOption.REPLACE_EXISTING);
        IOException swapped = assertThrows(IOException.class, () -> FeatureDensityFile.read(tmp, "w1"));
        assertTrue(swapped.getMessage().contains("is not the one"), swapped.getMessage());
        Files.write(ours, original);

        // A replacement that stopped after its tensors and before its JSON leaves the old density whole; the next
        // write removes the stray tensors.
        Files.copy(otherTensors, tmp.resolve(otherTensors.getFileName()));
        assertEquals(id, FeatureDensityFile.read(tmp, "w1").orElseThrow().id());
        String again = FeatureDensityFile.write(tmp, d, "bars:train classes 0", "abc", "w1");
        assertEquals(id, again);
        assertTrue(Files.notExists(tmp.resolve(otherTensors.getFileName())));

        FeatureDensityFile.delete(tmp);
        assertTrue(FeatureDensityFile.read(tmp, "w1").isEmpty());
        assertTrue(Files.notExists(ours));
    }

    @Test
    void aDensityOfTheFirstFormatIsStillRead() throws IOException {
        // Format 1 (session 28's build) kept mean and whiten alone in feature-density.dxt, named nowhere in the
        // JSON, and meant one Gaussian: ½ its squared distance.
        FeatureDensity d = FeatureDensity.fit(new float[] {0, 0, 1, 1, 2, 2.5f, 3, 2.8f}, 4, 0.01);
        String sha = new TensorArchive().put("mean", d.mean()).put("whiten", new long[] {2, 2}, d.whiten())
                .write(tmp.resolve(FeatureDensityFile.TENSORS_V1));
        ObjectNode json = new ObjectMapper().createObjectNode();
        json.put("format", FeatureDensityFile.FORMAT).put("formatVersion", 1).put("id", sha.substring(0, 12))
                .put("method", "gaussian").put("features", 2).put("shrinkage", 0.01).put("images", 4)
                .put("dataName", "bars:train").put("dataHash", "abc").put("modelWeightsSha256", "w1")
                .put("tensorsSha256", sha).put("createdAt", "2026-12-05T04:00:00Z");
        Files.writeString(tmp.resolve(FeatureDensityFile.FILE), json.toString());

        FeatureDensityFile.Stored s = FeatureDensityFile.read(tmp, "w1").orElseThrow();
        assertEquals(sha.substring(0, 12), s.id());
        assertEquals(d.energy(new float[] {5, 1}, 0), s.density().energy(new float[] {5, 1}, 0), 0);
        assertArrayEquals(new int[] {2}, s.density().blocks());
        // Replacing it writes the current format and removes the old tensors.
        FeatureDensityFile.write(tmp, d, "bars:train", "abc", "w1");
        assertTrue(Files.notExists(tmp.resolve(FeatureDensityFile.TENSORS_V1)));
        assertEquals(d.energy(new float[] {5, 1}, 0),
                FeatureDensityFile.read(tmp, "w1").orElseThrow().density().energy(new float[] {5, 1}, 0), 0);
    }

    @Test
    void aDensityOfSeveralBlocksRoundTrips() throws IOException {
        float[] f = {0, 0, 1, 1, 10, 2, 2.5f, 30, 3, 2.8f, 20, 4, 4.4f, 5, 7};
        FeatureDensity d = FeatureDensity.fit(f, 5, new int[] {2, 1}, 0.01);
        String id = FeatureDensityFile.write(tmp, d, "x", "y", "w1");
        FeatureDensity back = FeatureDensityFile.read(tmp, "w1").orElseThrow().density();
        assertArrayEquals(new int[] {2, 1}, back.blocks());
        float[] at = {3, -1, 12};
        assertEquals(d.energy(at, 0), back.energy(at, 0), 1e-5);
        assertEquals(id, FeatureDensityFile.id(back));
    }

    @Test
    void aMeanImageRoundTripsAndNamesTheDensityWhileOneWithoutItKeepsItsId() throws IOException {
        FeatureDensity plain = FeatureDensity.fit(new float[] {0, 0, 1, 1, 2, 2.5f}, 3, 0.01);
        String plainId = FeatureDensityFile.id(plain);
        FeatureDensity withMean = plain.withMeanImage(new float[] {0.25f, 0.5f, 0.75f});
        String id = FeatureDensityFile.write(tmp, withMean, "x", "y", "w1");
        FeatureDensity back = FeatureDensityFile.read(tmp, "w1").orElseThrow().density();
        assertArrayEquals(new float[] {0.25f, 0.5f, 0.75f}, back.meanImage(), 0f);
        assertEquals(withMean.energy(new float[] {3, 1}, 0), back.energy(new float[] {3, 1}, 0), 1e-6);
        // The mean image is part of what the id names; a density without one keeps the id it always had.
        assertTrue(!id.equals(plainId), id);
        assertEquals(id, FeatureDensityFile.id(back));
        FeatureDensityFile.write(tmp, plain, "x", "y", "w1");
        FeatureDensity backPlain = FeatureDensityFile.read(tmp, "w1").orElseThrow().density();
        assertEquals(null, backPlain.meanImage());
        assertEquals(plainId, FeatureDensityFile.id(backPlain));
        assertThrows(IllegalArgumentException.class, () -> plain.withMeanImage(new float[] {1, Float.NaN}));
        assertThrows(IllegalArgumentException.class, () -> plain.withMeanImage(new float[0]));
    }

    @Test
    void aTensorsNameOutsideTheModelDirectoryIsRefused() throws IOException {
        FeatureDensityFile.write(tmp, FeatureDensity.fit(new float[] {0, 0, 1, 1, 2, 2.5f}, 3, 0.01), "x", "y", "w1");
        ObjectNode json = (ObjectNode) new ObjectMapper().readTree(tmp.resolve(FeatureDensityFile.FILE).toFile());
        json.put("tensors", "../weights.dxt");
        Files.writeString(tmp.resolve(FeatureDensityFile.FILE), json.toString());
        IOException e = assertThrows(IOException.class, () -> FeatureDensityFile.read(tmp, "w1"));
        assertTrue(e.getMessage().contains("names no tensors file"), e.getMessage());
    }

    @Test
    void aDensityWithViewsRoundTripsAsFormat3AndOneWithoutStaysFormat2() throws IOException {
        float[] f = {0, 0, 1, 1, 10, 2, 2.5f, 30, 3, 2.8f, 20, 4, 4.4f, 5, 7};
        FeatureDensity plain = FeatureDensity.fit(f, 5, new int[] {1, 1, 1}, 0.01);
        List<ShapeTransform> views = List.of(ShapeTransform.ROTATE_90, ShapeTransform.FLIP);
        FeatureDensity viewed = new FeatureDensity(plain.mean(), plain.whiten(), plain.weights(), plain.offset(),
                plain.blocks(), 0.01, 5, views);
        Path a = Files.createDirectories(tmp.resolve("plain"));
        Path b = Files.createDirectories(tmp.resolve("viewed"));
        String plainId = FeatureDensityFile.write(a, plain, "x", "y", "w1");
        String viewedId = FeatureDensityFile.write(b, viewed, "x", "y", "w1");
        ObjectMapper json = new ObjectMapper();
        // Without views the file is what builds before views wrote (and read); with them, format 3 names them.
        assertEquals(2, json.readTree(a.resolve(FeatureDensityFile.FILE).toFile()).path("formatVersion").asInt());
        assertTrue(json.readTree(a.resolve(FeatureDensityFile.FILE).toFile()).path("views").isMissingNode());
        assertEquals(3, json.readTree(b.resolve(FeatureDensityFile.FILE).toFile()).path("formatVersion").asInt());
        assertEquals("[\"rot90\",\"flip\"]",
                json.readTree(b.resolve(FeatureDensityFile.FILE).toFile()).path("views").toString());
        assertTrue(!plainId.equals(viewedId), "the id names the views too");
        FeatureDensity back = FeatureDensityFile.read(b, "w1").orElseThrow().density();
        assertEquals(views, back.views());
        assertEquals(List.of(), FeatureDensityFile.read(a, "w1").orElseThrow().density().views());
        float[] at = {3, -1, 12};
        assertEquals(viewed.energy(at, 0), back.energy(at, 0), 1e-6);
        assertEquals(viewedId, FeatureDensityFile.id(back));
    }

    @Test
    void viewsMustBeDistinctAndDivideTheBlocks() {
        FeatureDensity d = FeatureDensity.fit(new float[] {0, 0, 1, 1, 2, 2.5f, 3, 2.8f}, 4, new int[] {1, 1}, 0.01);
        assertThrows(IllegalArgumentException.class, () -> new FeatureDensity(d.mean(), d.whiten(), d.weights(),
                d.offset(), d.blocks(), 0.01, 4, List.of(ShapeTransform.FLIP, ShapeTransform.FLIP)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FeatureDensity(d.mean(),
                d.whiten(), d.weights(), d.offset(), d.blocks(), 0.01, 4,
                List.of(ShapeTransform.FLIP, ShapeTransform.ROLL)));
        assertTrue(e.getMessage().contains("2 views"), e.getMessage());
        assertEquals(List.of(ShapeTransform.FLIP), new FeatureDensity(d.mean(), d.whiten(), d.weights(), d.offset(),
                d.blocks(), 0.01, 4, List.of(ShapeTransform.FLIP)).views());
    }
}
