package io.dxmi.anomalyscorer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.data.SampleShape;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.dxmi.DxmiConfig;
import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.dxmi.FeatureDensity;
import io.dxmi.core.dxmi.FeatureDensityFile;
import io.dxmi.core.dxmi.RunSpec;
import io.dxmi.core.dxmi.ShapeTransform;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.model.DataInfo;
import io.dxmi.core.model.Normalization;
import io.dxmi.core.nn.ConvEnergyConfig;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.core.nn.UNetConfig;
import io.dxmi.core.random.Rng;
import io.dxmi.pipeline.PipelineContext;
import io.dxmi.pipeline.RunPlan;
import io.dxmi.pipeline.RunStartup;
import io.dxmi.pipeline.RunTopics;
import io.dxmi.platform.broker.EmbeddedKafkaBroker;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.metrics.Metrics;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --follow-run} through a real broker: each energy snapshot of an image run becomes the scoring model,
 * with a feature density fitted on the given normal images, named in its version; a density of other images
 * than the run's is refused at start in one line.
 */
@Tag("integration")
class RunModelSourceTest {

    static final SampleShape SHAPE = SampleShape.image(1, 12, 12);

    @TempDir
    Path tmp;

    static RunPlan imagePlan(String run) {
        DxmiConfig cfg = DxmiConfig.imageBuilder().optSamplerSteps(2)
                .optNetwork(NetworkConfig.of(new ConvEnergyConfig(4, false, 8))).build();
        PretrainConfig sampler = new PretrainConfig(100, 1e-4, 0.02, 0, 8, 1e-3f, true,
                NetworkConfig.of(new UNetConfig(8, new int[] {1}, 1, false, 4)), 0L);
        Normalization n = Normalization.pixels(SHAPE.size());
        double[] lo = new double[SHAPE.size()];
        double[] hi = new double[SHAPE.size()];
        Arrays.fill(hi, 1);
        DataInfo data = new DataInfo("squares", SHAPE.size(), "squares-hash", lo, hi, "pixels", SHAPE.dims());
        return new RunPlan(new RunSpec(run, cfg, sampler, data, "squares", n.shift(), n.scale()), "sync", 0, 10, 10);
    }

    /** Bright squares of random size and place on black. */
    static float[] squares(int n, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[n * SHAPE.size()];
        for (int i = 0; i < n; i++) {
            int s = 3 + rng.nextInt(6);
            int y0 = rng.nextInt(12 - s + 1);
            int x0 = rng.nextInt(12 - s + 1);
            for (int y = y0; y < y0 + s; y++) {
                for (int c = x0; c < x0 + s; c++) {
                    x[i * SHAPE.size() + y * 12 + c] = 1;
                }
            }
        }
        return x;
    }

    /** The energies a model directory with these weights and a density fitted on {@code normal} would give. */
    static float[] expected(RunSpec spec, Map<String, float[]> weights, float[] normal, float[] rows, String[] id) {
        try (DxmiModel m = spec.newModel()) {
            m.loadEnergyWeights(weights);
            FeatureDensity d = FeatureDensity.fit(m, normal, FeatureDensity.DEFAULT_SHRINKAGE, List.of());
            id[0] = FeatureDensityFile.id(d);
            m.useFeatureDensity(d, id[0]);
            return m.energy(rows);
        }
    }

    @Test
    void eachSnapshotScoresByADensityFittedOnTheNormalImages() throws Exception {
        DjlRuntime.configure(1);
        RunPlan plan = imagePlan("follow");
        float[] normal = squares(60, 1);
        float[] probe = squares(5, 2);
        Map<String, float[]> v1;
        Map<String, float[]> v2;
        try (DxmiModel m = plan.spec().newModel()) {
            v1 = m.energyWeights();
        }
        try (DxmiModel m = DxmiModel.untrained(plan.spec().config(), plan.spec().samplerConfig(), SHAPE,
                plan.spec().normalization(), new Rng(9))) {
            v2 = m.energyWeights();
        }
        Vertx vertx = Vertx.vertx();
        Metrics metrics = Metrics.create("anomaly-scorer");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().setDataDir(tmp.resolve("kafka")).build().start();
                PipelineContext ctx = PipelineContext.open(vertx, KafkaSettings.builder()
                        .setBootstrapServers(broker.bootstrapServers()).build(), "follow", "test-learner", metrics)) {
            KafkaSettings kafka = KafkaSettings.builder().setBootstrapServers(broker.bootstrapServers()).build();
            ctx.createTopics(plan, 4096, Map.of(RunTopics.POLICY, 1L << 20, RunTopics.EBM, 1L << 20,
                    RunTopics.VALUE, 1L << 20));
            ctx.publishPlan(plan).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            ctx.snapshots(plan).publish(RunTopics.EBM, 1, 1, 0, v1).toCompletionStage().toCompletableFuture()
                    .get(60, TimeUnit.SECONDS);

            // Views that turn images by 90° need square ones: refused before anything is fitted.
            IllegalArgumentException wide = assertThrows(IllegalArgumentException.class, () -> new SnapshotDensity(
                    SampleShape.image(1, 4, 8), new float[10 * 32], "wide", 0.01, List.of(ShapeTransform.ROTATE_90)));
            assertTrue(wide.getMessage().contains("square"), wide.getMessage());
            // Normal images of another size than the run's: refused at start, naming both.
            SnapshotDensity wrongSize = new SnapshotDensity(SampleShape.image(1, 8, 8), new float[10 * 64], "small", 0.01);
            RunModelSource refused = new RunModelSource(vertx, kafka, "follow", metrics, Duration.ofSeconds(60), wrongSize);
            try (ScorerState state = new ScorerState(new ScorerMetrics(Metrics.create("t")))) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> refused.start(state));
                assertTrue(e.getMessage().contains("(small)"), e.getMessage());
                assertTrue(e.getMessage().contains("--image-size"), e.getMessage());
            } finally {
                refused.close();
            }

            // A run that was never submitted, and one with a plan but no energy yet: one clear failure each.
            RunModelSource none = new RunModelSource(vertx, kafka, "never", metrics, Duration.ofSeconds(2), null);
            try (ScorerState state = new ScorerState(new ScorerMetrics(Metrics.create("t")))) {
                RunStartup.NoPlan e = assertThrows(RunStartup.NoPlan.class, () -> none.start(state));
                assertTrue(e.getMessage().contains("'never'"), e.getMessage());
            } finally {
                none.close();
            }
            RunPlan quietPlan = imagePlan("quiet");
            try (PipelineContext quietRun = PipelineContext.open(vertx, kafka, "quiet", "test-learner", metrics)) {
                quietRun.createTopics(quietPlan, 4096, Map.of(RunTopics.POLICY, 1L << 20, RunTopics.EBM, 1L << 20,
                        RunTopics.VALUE, 1L << 20));
                quietRun.publishPlan(quietPlan).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            }
            RunModelSource quiet = new RunModelSource(vertx, kafka, "quiet", metrics, Duration.ofSeconds(3), null);
            try (ScorerState state = new ScorerState(new ScorerMetrics(Metrics.create("t")))) {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> quiet.start(state));
                assertTrue(e.getMessage().contains("no energy snapshot"), e.getMessage());
            } finally {
                quiet.close();
            }

            SnapshotDensity density = new SnapshotDensity(SHAPE, normal, "squares", FeatureDensity.DEFAULT_SHRINKAGE);
            RunModelSource source = new RunModelSource(vertx, kafka, "follow", metrics, Duration.ofSeconds(60), density);
            try (ScorerState state = new ScorerState(new ScorerMetrics(Metrics.create("t")))) {
                source.start(state);
                state.apply();
                String[] id1 = new String[1];
                float[] want1 = expected(plan.spec(), v1, normal, probe, id1);
                assertEquals("follow/ebm/v1+density-" + id1[0], state.model().version());
                assertArrayEquals(want1, state.model().score(probe, 0).energies(), 1e-4f);

                ctx.snapshots(plan).publish(RunTopics.EBM, 2, 2, 1, v2).toCompletionStage().toCompletableFuture()
                        .get(60, TimeUnit.SECONDS);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!state.model().version().startsWith("follow/ebm/v2") && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                    state.apply();
                }
                String[] id2 = new String[1];
                float[] want2 = expected(plan.spec(), v2, normal, probe, id2);
                assertEquals("follow/ebm/v2+density-" + id2[0], state.model().version());
                assertNotEquals(id1[0], id2[0], "new weights, new features, a new density");
                assertArrayEquals(want2, state.model().score(probe, 0).energies(), 1e-4f);
            } finally {
                source.close();
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
