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
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scorer following a run lives through a broker outage that starts as a new energy snapshot arrives (while
 * the scorer fits that snapshot's feature density, or just after): the broker is stopped for several seconds
 * while the cameras go on sending, then started again on its data. The scorer neither dies nor stops following:
 * every frame appears exactly once in the committed scores, and a snapshot published after the outage scores
 * the last frames.
 */
@Tag("integration")
class FollowRunOutageTest {

    private static final int CAMERAS = 3;
    private static final int FRAMES = 400;

    @TempDir
    Path tmp;

    @Test
    void aFollowingScorerLivesThroughABrokerOutageAsASnapshotArrives() throws Exception {
        DjlRuntime.configure(1);
        RunPlan plan = RunModelSourceTest.imagePlan("watched");
        Map<String, float[]> v1 = weights(plan, 0);
        Map<String, float[]> v2 = weights(plan, 9);
        Map<String, float[]> v3 = weights(plan, 11);
        Path data = tmp.resolve("kafka");
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().setDataDir(data).build().start();
        int port = broker.port();
        KafkaSettings kafka = KafkaSettings.builder().setBootstrapServers(broker.bootstrapServers()).build();
        Vertx vertx = Vertx.vertx();
        PipelineContext run = PipelineContext.open(vertx, kafka, "watched", "test-learner", Metrics.create("ebm-learner"));
        Path log = tmp.resolve("scorer.log");
        Process scorer = null;
        try {
            ScorerSettings s = ScorerSettings.defaults("a").withPartitions(3);
            ScorerFixtures.createTopics(kafka, s);
            run.createTopics(plan, 4096, Map.of(RunTopics.POLICY, 1L << 20, RunTopics.EBM, 1L << 20,
                    RunTopics.VALUE, 1L << 20));
            run.publishPlan(plan).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            publish(run, plan, 1, v1);
            scorer = ScorerProcess.start(broker.bootstrapServers(), "run:watched", "a", log);
            awaitLine(log, "SCORER UP", scorer);
            CameraSimulator.Images frames = new CameraSimulator.Images(RunModelSourceTest.SHAPE,
                    RunModelSourceTest.squares(50, 2), null);
            AtomicReference<Exception> sendFailure = new AtomicReference<>();
            Thread sender = new Thread(() -> {
                try {
                    // 3 cameras x 400 frames at 40 frames/s each: 10 s of stream, the outage in its middle. The
                    // camera's producer holds what it sends during the outage and delivers it afterwards.
                    new CameraSimulator(kafka, s.framesTopic(), frames, null, CAMERAS, 40, FRAMES, 0, "raw", 3).run();
                } catch (Exception e) {
                    sendFailure.set(e);
                }
            });
            sender.start();
            int before = ScorerFixtures.awaitScores(kafka, s.scoresTopic(), 150, Duration.ofSeconds(300));
            assertTrue(before >= 150, "the scorer committed only " + before + " scores: " + Files.readString(log));
            publish(run, plan, 2, v2);
            broker.close(); // the outage begins as snapshot 2 reaches the scorer
            Thread.sleep(8000);
            broker = EmbeddedKafkaBroker.builder().setDataDir(data).optPort(port).build().start();
            publish(run, plan, 3, v3);
            sender.join();
            assertTrue(sendFailure.get() == null, "the cameras could not send: " + sendFailure.get());
            List<AnomalyScore> scores = ScorerFixtures.awaitExactlyOnce(kafka, s.scoresTopic(), CAMERAS, FRAMES, log);
            assertTrue(scorer.isAlive(), "the scorer died: " + Files.readString(log));
            for (AnomalyScore a : scores) {
                assertTrue(a.getModelVersion().matches("watched/ebm/v[123]\\+density-[0-9a-f]{12}"), a.getModelVersion());
            }
            awaitLine(log, "scoring with model watched/ebm/v3+", scorer); // it follows the run after the outage
        } finally {
            if (scorer != null) {
                scorer.destroyForcibly().waitFor();
            }
            run.close();
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            broker.close();
        }
    }

    private static Map<String, float[]> weights(RunPlan plan, long seed) {
        try (DxmiModel m = DxmiModel.untrained(plan.spec().config(), plan.spec().samplerConfig(),
                RunModelSourceTest.SHAPE, plan.spec().normalization(), new Rng(seed))) {
            return m.energyWeights();
        }
    }

    private static void publish(PipelineContext run, RunPlan plan, long version, Map<String, float[]> w)
            throws Exception {
        run.snapshots(plan).publish(RunTopics.EBM, version, version, version - 1, w).toCompletionStage()
                .toCompletableFuture().get(120, TimeUnit.SECONDS);
    }

    /** Liveness bound, not speed: a separate JVM on a busy 2-core machine can take minutes to start. */
    private static void awaitLine(Path log, String line, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (System.nanoTime() < deadline && p.isAlive()) {
            if (Files.exists(log) && Files.readString(log).contains(line)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the scorer did not come up: " + (Files.exists(log) ? Files.readString(log) : ""));
    }
}
