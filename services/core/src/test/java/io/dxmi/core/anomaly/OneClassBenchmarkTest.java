package io.dxmi.core.anomaly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.data.SampleShape;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.dxmi.DxmiConfig;
import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.dxmi.FeatureDensity;
import io.dxmi.core.dxmi.FeatureDensityFile;
import io.dxmi.core.dxmi.ModelStore;
import io.dxmi.core.dxmi.ShapeTransform;
import io.dxmi.core.dxmi.ValueSharing;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.engine.ProgressListener;
import io.dxmi.core.nn.ConvEnergyConfig;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.core.nn.UNetConfig;
import io.dxmi.core.random.Rng;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one-class driver on a tiny configuration (8×8 images of two classes, a few iterations):
 * a report per class with the model directories, skipping finished classes on a rerun,
 * continuing an interrupted class from its checkpoint, refusing other settings. Detection
 * quality is not asserted here (the networks are far too small and short-lived).
 */
class OneClassBenchmarkTest {

    private static final SampleShape SHAPE = SampleShape.image(1, 8, 8);

    @TempDir
    Path tmp;

    @BeforeAll
    static void engine() {
        DjlRuntime.configure(1);
    }

    /** Class 0: a bright horizontal bar; class 1: a bright vertical bar; in random places. */
    static LabelledImages bars(int n, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[n * SHAPE.size()];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            int at = 1 + rng.nextInt(6);
            for (int j = 0; j < 8; j++) {
                int p = labels[i] == 0 ? at * 8 + j : j * 8 + at;
                x[i * SHAPE.size() + p] = 0.9f;
            }
        }
        return new LabelledImages(SHAPE, x, labels);
    }

    private OneClassBenchmark.Builder tiny(Path out, int iterations, ProgressListener listener) {
        PretrainConfig pre = new PretrainConfig(100, 1e-4, 0.02, 6, 8, 1e-3f, true,
                NetworkConfig.of(new UNetConfig(8, new int[] {1}, 1, false, 4)), 0L);
        DxmiConfig cfg = DxmiConfig.imageBuilder().optSamplerSteps(2).optBatchSize(6).optPolicyBatch(6)
                .optIterations(iterations).optValueSharing(ValueSharing.SEPARATE).optGamma(0).optEnergyClipNorm(0.1f)
                .optNetwork(NetworkConfig.of(new ConvEnergyConfig(4, false, 8))).optSeed(3).build();
        return OneClassBenchmark.builder().setTrain(bars(40, 1)).setTest(bars(30, 2)).setOutput(out)
                .setPretrainConfig(pre).setConfig(cfg).optDataName("bars").optDefectsPerKind(3).optCheckpointEvery(2)
                .optListener(listener);
    }

    @Test
    void eachClassGetsAModelAndAResultAndARerunSkipsThem() throws Exception {
        Path out = tmp.resolve("oc");
        OneClassReport first = tiny(out, 4, ProgressListener.NONE).setClasses(0).build().run();
        assertEquals(1, first.classes().size());
        OneClassReport both = tiny(out, 4, ProgressListener.NONE).setClasses(0, 1).build().run();
        assertEquals(2, both.classes().size());
        assertEquals(first.classes().get(0), both.classes().get(0), "class 0 was not redone");
        for (OneClassReport.ClassResult c : both.classes()) {
            assertTrue(c.auroc() >= 0 && c.auroc() <= 1);
            assertEquals(20, c.trainImages());
            assertEquals(15, c.testNormal());
            assertEquals(15, c.testAnomalous());
            assertEquals(SyntheticDefects.Kind.values().length, c.defects().size());
            for (OneClassReport.DefectResult d : c.defects()) {
                assertTrue(d.combinedPixelAuroc() >= 0 && d.combinedPixelAuroc() <= 1, d.kind() + ": combined "
                        + d.combinedPixelAuroc());
            }
            // The bars are a horizontal or a vertical line anywhere: the mean image of either class is a blur the
            // other class's images are no further from, so the reference is measured but ranks poorly here.
            assertTrue(c.referenceAuroc() >= 0 && c.referenceAuroc() <= 1, "reference " + c.referenceAuroc());
            ModelStore.LoadedDxmi m = ModelStore.loadDxmi(out.resolve("class-" + c.normalClass()));
            try {
                assertEquals(SHAPE, m.model().shape());
                assertEquals(4, m.state().iteration());
            } finally {
                m.model().close();
            }
        }
        assertEquals((both.classes().get(0).auroc() + both.classes().get(1).auroc()) / 2, both.meanAuroc(), 1e-12);
        assertEquals((both.classes().get(0).referenceAuroc() + both.classes().get(1).referenceAuroc()) / 2,
                both.meanReferenceAuroc(), 1e-12);
        OneClassReport read = OneClassReport.read(out.resolve(OneClassBenchmark.REPORT)).orElseThrow();
        assertEquals(both.classes(), read.classes());

        List<String> calls = new ArrayList<>();
        tiny(out, 4, (p, d, t, m) -> calls.add(p)).setClasses(0, 1).build().run();
        assertTrue(calls.isEmpty(), "nothing is trained again: " + calls);
        assertTrue(String.join("\n", read.table()).contains("| **mean of 2** |"));

        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> tiny(out, 5, ProgressListener.NONE).setClasses(0, 1).build().run());
        assertTrue(other.getMessage().contains("other settings"), other.getMessage());
    }

    @Test
    void anInterruptedClassContinuesFromItsCheckpoint() throws Exception {
        Path out = tmp.resolve("stopped");
        ProgressListener killAt3 = (phase, done, total, m) -> {
            if (phase.endsWith("dxmi") && done == 3) {
                throw new IllegalStateException("killed");
            }
        };
        assertThrows(IllegalStateException.class, () -> tiny(out, 6, killAt3).setClasses(1).build().run());
        assertFalse(Files.exists(out.resolve(OneClassBenchmark.REPORT)), "no class finished");
        byte[] pretrained = Files.readAllBytes(out.resolve("class-1/pretrained/weights.dxt"));
        ModelStore.LoadedDxmi saved = ModelStore.loadDxmi(out.resolve("class-1"));
        assertEquals(2, saved.state().iteration(), "the checkpoint every 2 iterations");
        saved.model().close();

        List<Long> dxmiIterations = new ArrayList<>();
        OneClassReport r = tiny(out, 6, (phase, done, total, m) -> {
            assertFalse(phase.contains("pretrain"), "pretraining is not redone");
            dxmiIterations.add(done);
        }).setClasses(1).build().run();
        assertEquals(List.of(3L, 4L, 5L, 6L), dxmiIterations);
        assertEquals(1, r.classes().size());
        assertArrayEquals(pretrained, Files.readAllBytes(out.resolve("class-1/pretrained/weights.dxt")));
    }

    @Test
    void aFeatureDensityScoresTravelsWithTheModelAndDrawsMaps() throws Exception {
        Path out = tmp.resolve("density");
        OneClassReport r = tiny(out, 4, ProgressListener.NONE).optFeatureDensity(0.01).setClasses(0).build().run();
        OneClassReport.ClassResult c = r.classes().get(0);
        assertTrue(c.energyHeadAuroc() != null && c.energyHeadAuroc() >= 0 && c.energyHeadAuroc() <= 1);
        assertTrue(String.join("\n", r.table()).contains("| energy head (%) |"));
        Path dir = out.resolve("class-0");
        assertTrue(Files.isRegularFile(dir.resolve(FeatureDensityFile.FILE)));

        LabelledImages test = bars(30, 2);
        ModelStore.LoadedDxmi loaded = ModelStore.loadDxmi(dir);
        try (DxmiModel m = loaded.model()) {
            String weights = loaded.manifest().path("provenance").path("weightsSha256").asText();
            FeatureDensityFile.Stored stored = FeatureDensityFile.read(dir, weights).orElseThrow();
            assertEquals(stored.id(), m.featureDensityId(), "loading attaches the density");
            assertEquals("bars/class-0", stored.dataName());
            assertEquals(20, stored.density().count());
            // The model's energy is now the density's over the energy network's features, not the head's.
            float[] scored = m.energy(test.pixels());
            int width = m.energyFeatureWidth();
            float[] features = m.densityFeatures(test.pixels(), List.of());
            float[] head = m.energy(test.pixels(), m.evaluationValues());
            double differ = 0;
            for (int i = 0; i < scored.length; i++) {
                double byHand = stored.density().energy(features, i * width);
                assertEquals(byHand, scored[i], 1e-4 * Math.max(1, byHand));
                differ = Math.max(differ, Math.abs(scored[i] - head[i]));
            }
            assertTrue(differ > 1e-3, "the head's energies differ from the density's");
            assertEquals(c.auroc(), RocAucOf.testAuroc(scored, test, 0), 1e-9, "the report's AUROC is the density's");
            // Gradient maps go through the same score.
            EnergyMaps.Result maps = EnergyMaps.score(m, test.pixels(), SHAPE, 4, 4);
            for (int i = 0; i < scored.length; i++) {
                assertEquals(scored[i], maps.energies()[i], 1e-4 * Math.max(1, Math.abs(scored[i])));
            }
            assertTrue(maps.maps()[0].length == 16);
        }
        // A density of another width (fitted by another version's features) is refused when the model loads.
        ModelStore.LoadedDxmi plain = ModelStore.loadDxmiWithoutDensity(dir);
        plain.model().close();
        String weights = plain.manifest().path("provenance").path("weightsSha256").asText();
        FeatureDensityFile.write(dir, FeatureDensity.fit(new float[] {0, 1, 2, 0, 1, 3}, 3, 0.01), "x", "y", weights);
        IOException width = assertThrows(IOException.class, () -> ModelStore.loadDxmi(dir));
        assertTrue(width.getMessage().contains("was fitted on 2 features"), width.getMessage());
        // Without the density the settings differ: the run is not mixed with one that scored otherwise.
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> tiny(out, 4, ProgressListener.NONE).setClasses(0, 1).build().run());
        assertTrue(other.getMessage().contains("other settings"), other.getMessage());
    }

    @Test
    void aDensityWithViewsReadsTheFeaturesOfEachViewAndScoresAndMapsByThem() throws Exception {
        Path out = tmp.resolve("views");
        List<ShapeTransform> views = List.of(ShapeTransform.ROTATE_90, ShapeTransform.FLIP);
        tiny(out, 4, ProgressListener.NONE).optFeatureDensity(0.01).optDensityViews(views).setClasses(0).build().run();
        LabelledImages test = bars(30, 2);
        int n = test.labels().length;
        float[] turned = new float[test.pixels().length];
        float[] flipped = new float[test.pixels().length];
        for (int i = 0; i < n; i++) {
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    turned[i * 64 + y * 8 + x] = test.pixels()[i * 64 + x * 8 + (7 - y)];
                    flipped[i * 64 + y * 8 + x] = test.pixels()[i * 64 + (7 - y) * 8 + x];
                }
            }
        }
        try (DxmiModel m = ModelStore.loadDxmi(out.resolve("class-0")).model()) {
            assertEquals(views, m.featureDensity().views());
            int width = m.energyFeatureWidth();
            assertEquals(3 * width, m.featureDensity().dimension());
            float[] features = m.densityFeatures(test.pixels(), views);
            // Side by side, per image: the image's features, then its turn's, then its flip's, each as if alone.
            List<float[]> alone = List.of(m.densityFeatures(test.pixels(), List.of()),
                    m.densityFeatures(turned, List.of()), m.densityFeatures(flipped, List.of()));
            for (int i = 0; i < n; i++) {
                for (int v = 0; v < 3; v++) {
                    for (int j = 0; j < width; j++) {
                        assertEquals(alone.get(v)[i * width + j], features[i * 3 * width + v * width + j], 1e-4,
                                "image " + i + " view " + v + " feature " + j);
                    }
                }
            }
            float[] scored = m.energy(test.pixels());
            EnergyMaps.Result maps = EnergyMaps.score(m, test.pixels(), SHAPE, 4, 4);
            for (int i = 0; i < n; i++) {
                double byHand = m.featureDensity().energy(features, i * 3 * width);
                assertEquals(byHand, scored[i], 1e-4 * Math.max(1, Math.abs(byHand)));
                assertEquals(scored[i], maps.energies()[i], 1e-4 * Math.max(1, Math.abs(scored[i])));
            }
        }
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> tiny(out, 4, ProgressListener.NONE).optFeatureDensity(0.01).setClasses(0).build().run());
        assertTrue(other.getMessage().contains("other settings"), other.getMessage());
        LabelledImages wide = new LabelledImages(SampleShape.image(1, 4, 16), bars(40, 1).pixels(), bars(40, 1).labels());
        IllegalArgumentException square = assertThrows(IllegalArgumentException.class,
                () -> tiny(out, 4, ProgressListener.NONE).setTrain(wide).setTest(wide).optFeatureDensity(0.01)
                        .optDensityViews(views).setClasses(0).build());
        assertTrue(square.getMessage().contains("square"), square.getMessage());
    }

    /** The test-set AUROC of scores with class k normal, computed here from the ranks. */
    private static final class RocAucOf {
        static double testAuroc(float[] scores, LabelledImages test, int k) {
            long pairs = 0;
            double wins = 0;
            for (int i = 0; i < scores.length; i++) {
                for (int j = 0; j < scores.length; j++) {
                    if (test.labels()[i] != k && test.labels()[j] == k) {
                        pairs++;
                        wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                    }
                }
            }
            return wins / pairs;
        }
    }
}
