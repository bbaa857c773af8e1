package io.dxmi.anomalyscorer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.random.Rng;
import io.dxmi.pipeline.PipelineContext;
import io.dxmi.pipeline.RunPlan;
import io.dxmi.pipeline.RunTopics;
import io.dxmi.platform.broker.EmbeddedKafkaBroker;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.metrics.Metrics;
import io.dxmi.schemas.AnomalyScore;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scorer that follows a run, fitting a feature density to each energy snapshot, is killed with SIGKILL just as
 * a new snapshot arrives (while its density is fitted, or just after) and started again: every frame appears
 * exactly once in the committed scores, each names a snapshot and its density, and the restarted scorer goes on
 * with the newest snapshot (real broker, transactions, read_committed).
 */
@Tag("integration")
class FollowRunKillTest {

    @TempDir
    Path tmp;

    @Test
    void aScorerKilledWhileItFitsANewSnapshotsDensityLosesAndRepeatsNothing() throws Exception {
        DjlRuntime.configure(1);
        RunPlan plan = RunModelSourceTest.imagePlan("watched");
        Map<String, float[]> v1;
        Map<String, float[]> v2;
        try (DxmiModel m = plan.spec().newModel()) {
            v1 = m.energyWeights();
        }
        try (DxmiModel m = DxmiModel.untrained(plan.spec().config(), plan.spec().samplerConfig(),
                RunModelSourceTest.SHAPE, plan.spec().normalization(), new Rng(9))) {
            v2 = m.energyWeights();
        }
        Vertx vertx = Vertx.vertx();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().setDataDir(tmp.resolve("kafka")).build().start();
                PipelineContext run = PipelineContext.open(vertx, KafkaSettings.builder()
                        .setBootstrapServers(broker.bootstrapServers()).build(), "watched", "test-learner",
                        Metrics.create("ebm-learner"))) {
            KafkaSettings kafka = KafkaSettings.builder().setBootstrapServers(broker.bootstrapServers()).build();
            ScorerSettings s = ScorerSettings.defaults("a").withPartitions(3);
            ScorerFixtures.createTopics(kafka, s);
            run.createTopics(plan, 4096, Map.of(RunTopics.POLICY, 1L << 20, RunTopics.EBM, 1L << 20,
                    RunTopics.VALUE, 1L << 20));
            run.publishPlan(plan).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            run.snapshots(plan).publish(RunTopics.EBM, 1, 1, 0, v1).toCompletionStage().toCompletableFuture()
                    .get(60, TimeUnit.SECONDS);
            CameraSimulator.Images frames = new CameraSimulator.Images(RunModelSourceTest.SHAPE,
                    RunModelSourceTest.squares(50, 2), null);
            Process first = ScorerProcess.start(broker.bootstrapServers(), "run:watched", "a", tmp.resolve("scorer-1.log"));
            Thread sender = new Thread(() -> {
                try {
                    // 3 cameras x 200 frames at 100 frames/s each: about 2 s of stream.
                    new CameraSimulator(kafka, s.framesTopic(), frames, null, 3, 100, 200, 0, "raw", 3).run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try {
                sender.start();
                // Liveness bounds, not speed: a separate JVM on a busy 2-core machine can take minutes to start.
                int before = ScorerFixtures.awaitScores(kafka, s.scoresTopic(), 150, Duration.ofSeconds(300));
                assertTrue(before >= 150, "the first scorer committed only " + before + " scores: "
                        + Files.readString(tmp.resolve("scorer-1.log")));
                run.snapshots(plan).publish(RunTopics.EBM, 2, 2, 1, v2).toCompletionStage().toCompletableFuture()
                        .get(60, TimeUnit.SECONDS);
                first.destroyForcibly().waitFor(); // SIGKILL as the new snapshot arrives
                assertTrue(before < 600, "the stream was over before the kill (" + before + " scores)");
                sender.join();
            } finally {
                first.destroyForcibly();
            }
            Process second = ScorerProcess.start(broker.bootstrapServers(), "run:watched", "a",
                    tmp.resolve("scorer-2.log"));
            try {
                List<AnomalyScore> scores = ScorerFixtures.awaitExactlyOnce(kafka, s.scoresTopic(), 3, 200,
                        tmp.resolve("scorer-2.log"));
                for (AnomalyScore a : scores) {
                    assertTrue(a.getModelVersion().matches("watched/ebm/v[12]\\+density-[0-9a-f]{12}"),
                            a.getModelVersion());
                }
                assertTrue(scores.stream().anyMatch(a -> a.getModelVersion().startsWith("watched/ebm/v2+")),
                        "the newest snapshot scored none of the frames");
            } finally {
                second.destroyForcibly().waitFor();
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
