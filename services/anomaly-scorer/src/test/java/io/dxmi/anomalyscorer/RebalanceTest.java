package io.dxmi.anomalyscorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two scorers share the frames as one consumer group: a second instance joins mid-stream and the
 * first leaves mid-stream, each a rebalance while batches are being scored and committed. Every
 * frame is scored exactly once, and both instances scored some.
 */
@Tag("integration")
class RebalanceTest {

    @TempDir
    Path tmp;

    @Test
    void aScorerJoiningAndOneLeavingMidStreamLoseAndDoubleNothing() throws Exception {
        Path model = tmp.resolve("model");
        ScorerFixtures.writeModel(model, 1, 0.0);
        Path log = Files.writeString(tmp.resolve("scorers.log"), "(in-process scorers a and b)");
        Vertx vertx = Vertx.vertx();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().setDataDir(tmp.resolve("kafka")).build()
                .start()) {
            KafkaSettings kafka = KafkaSettings.builder().setBootstrapServers(broker.bootstrapServers()).build();
            // No maps: two scorers in one JVM must not record gradients at once (one collector per process).
            ScorerSettings a = ScorerSettings.defaults("a").withPartitions(4).withMaps(0, ScorerSettings.MapFrames.ALL)
                    .withBatching(16, Duration.ofMillis(5)).withHttp("127.0.0.1", -1, null);
            ScorerSettings b = ScorerSettings.defaults("b").withPartitions(4).withMaps(0, ScorerSettings.MapFrames.ALL)
                    .withBatching(16, Duration.ofMillis(5)).withHttp("127.0.0.1", -1, null);
            ScorerFixtures.createTopics(kafka, a);
            String first = deploy(vertx, a, kafka, model);
            // 4 cameras (one per partition at most) x 600 frames at 100 frames/s each: about 6 s of stream.
            Thread sender = ScorerFixtures.startCamera(new CameraSimulator(kafka, a.framesTopic(),
                    ScorerFixtures.imageSet(50, 2), null, 4, 100, 600, 0, "raw", 5));
            // Liveness bounds, not speed: the group's first join takes seconds on a busy machine.
            assertTrue(ScorerFixtures.awaitScores(kafka, a.scoresTopic(), 200, Duration.ofSeconds(300)) >= 200);
            deploy(vertx, b, kafka, model); // joins: the partitions are shared out again mid-stream
            int before = ScorerFixtures.committed(kafka, a.scoresTopic()).size();
            ScorerFixtures.awaitScores(kafka, a.scoresTopic(), before + 400, Duration.ofSeconds(300));
            vertx.undeploy(first).toCompletionStage().toCompletableFuture().get(); // leaves: b takes every partition
            sender.join();
            List<AnomalyScore> scores = ScorerFixtures.awaitExactlyOnce(kafka, a.scoresTopic(), 4, 600, log);
            Map<String, Long> byScorer = scores.stream().collect(Collectors.groupingBy(AnomalyScore::getScorer,
                    Collectors.counting()));
            assertEquals(2, byScorer.size(), "scores per instance: " + byScorer);
            assertTrue(byScorer.values().stream().allMatch(n -> n > 0), "scores per instance: " + byScorer);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    private static String deploy(Vertx vertx, ScorerSettings s, KafkaSettings kafka, Path model) throws Exception {
        AnomalyScorerVerticle scorer = AnomalyScorerVerticle.builder().setSettings(s).setKafka(kafka)
                .setMetrics(Metrics.create("anomaly-scorer")).optModelDirectory(model).build();
        return vertx.deployVerticle(scorer).toCompletionStage().toCompletableFuture().get();
    }
}
