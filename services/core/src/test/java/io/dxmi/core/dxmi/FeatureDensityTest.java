package io.dxmi.core.dxmi;

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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
    void theTensorFormEqualsTheScalarOne() {
        float[] f = {0, 0, 1, 1, 2, 2.5f, 3, 2.8f, 4, 4.4f, 1, 3};
        FeatureDensity d = FeatureDensity.fit(f, 6, 0.05);
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
        // Format 1 (session 28's build) kept the tensors in feature-density.dxt and did not name them in the JSON.
        FeatureDensity d = FeatureDensity.fit(new float[] {0, 0, 1, 1, 2, 2.5f, 3, 2.8f}, 4, 0.01);
        String id = FeatureDensityFile.write(tmp, d, "bars:train", "abc", "w1");
        Files.move(tmp.resolve(FeatureDensityFile.tensorsFile(id)), tmp.resolve(FeatureDensityFile.TENSORS_V1));
        ObjectNode json = (ObjectNode) new ObjectMapper().readTree(tmp.resolve(FeatureDensityFile.FILE).toFile());
        json.remove("tensors");
        json.put("formatVersion", 1);
        Files.writeString(tmp.resolve(FeatureDensityFile.FILE), json.toString());

        FeatureDensityFile.Stored s = FeatureDensityFile.read(tmp, "w1").orElseThrow();
        assertEquals(id, s.id());
        assertEquals(d.energy(new float[] {5, 1}, 0), s.density().energy(new float[] {5, 1}, 0), 0);
        // Replacing it writes format 2 and removes the old tensors.
        FeatureDensityFile.write(tmp, d, "bars:train", "abc", "w1");
        assertTrue(Files.notExists(tmp.resolve(FeatureDensityFile.TENSORS_V1)));
        assertEquals(id, FeatureDensityFile.read(tmp, "w1").orElseThrow().id());
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
}
