package io.dxmi.anomalyscorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.platform.broker.EmbeddedKafkaBroker;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.metrics.Metrics;
import io.dxmi.schemas.AnomalyScore;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;

/**
 * The model and the threshold change during a stream: no frame is lost or scored twice, every
 * score names the model and threshold it used, and per camera the versions only move forward
 * (each batch is scored by one model and one threshold). The threshold also needs a token when
 * one is set.
 */
@Tag("integration")
class HotSwapTest {

    @TempDir
    Path tmp;

    @Test
    void modelAndThresholdSwapBetweenBatchesWithoutLossOrDoubles() throws Exception {
        Path model = tmp.resolve("model");
        ScorerFixtures.writeModel(model, 1, 0.0);
        Vertx vertx = Vertx.vertx();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().setDataDir(tmp.resolve("kafka")).build()
                .start()) {
            KafkaSettings kafka = KafkaSettings.builder().setBootstrapServers(broker.bootstrapServers()).build();
            ScorerSettings s = ScorerSettings.defaults("swap").withPartitions(2).withHttp("127.0.0.1", 0, "secret")
                    .withBatching(8, Duration.ofMillis(5));
            ScorerFixtures.createTopics(kafka, s);
            Metrics metrics = Metrics.create("anomaly-scorer");
            AnomalyScorerVerticle scorer = AnomalyScorerVerticle.builder().setSettings(s).setKafka(kafka)
                    .setMetrics(metrics).optModelDirectory(model).build();
            vertx.deployVerticle(scorer).toCompletionStage().toCompletableFuture().get();
            Thread sender = ScorerFixtures.startCamera(new CameraSimulator(kafka, s.framesTopic(),
                    ScorerFixtures.imageSet(50, 2), null, 2, 100, 600, 0, "png", 3));
            // Swap only once the first model has scored frames (the group's first join takes seconds).
            ScorerFixtures.awaitScores(kafka, s.scoresTopic(), 100, Duration.ofSeconds(300));
            ScorerFixtures.writeModel(model, 7, 0.5); // new weights and a new calibration, mid-stream
            ScorerFixtures.awaitScores(kafka, s.scoresTopic(), 500, Duration.ofSeconds(300));
            HttpClient http = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + scorer.httpPort() + "/threshold");
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(uri)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"threshold\": 0.25}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, refused.statusCode(), refused.body());
            HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer secret")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"threshold\": 0.25, \"min\": -1, \"max\": 1}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(202, accepted.statusCode(), accepted.body());
            String httpThreshold = new JsonObject(accepted.body()).getString("threshold_id");
            sender.join();
            assertEquals(1200, ScorerFixtures.awaitScores(kafka, s.scoresTopic(), 1200, Duration.ofSeconds(300)));
            Thread.sleep(2000);
            List<AnomalyScore> scores = ScorerFixtures.scores(kafka, s.scoresTopic());
            assertEquals(1200, scores.size());
            Set<String> seen = new HashSet<>();
            Map<String, List<AnomalyScore>> byCamera = new HashMap<>();
            for (AnomalyScore a : scores) {
                assertTrue(seen.add(a.getCameraId() + "/" + a.getFrameId()), "scored twice: " + a.getFrameId());
                byCamera.computeIfAbsent(a.getCameraId(), k -> new ArrayList<>()).add(a);
            }
            Set<String> models = new LinkedHashSet<>();
            Set<String> thresholds = new LinkedHashSet<>();
            for (List<AnomalyScore> camera : byCamera.values()) {
                camera.sort((x, y) -> Long.compare(x.getFrameId(), y.getFrameId()));
                List<String> m = new ArrayList<>();
                List<String> t = new ArrayList<>();
                for (AnomalyScore a : camera) {
                    if (m.isEmpty() || !m.get(m.size() - 1).equals(a.getModelVersion())) {
                        m.add(a.getModelVersion());
                    }
                    if (t.isEmpty() || !t.get(t.size() - 1).equals(a.getThresholdId())) {
                        t.add(a.getThresholdId());
                    }
                    assertEquals(a.getThreshold() != null && a.getEnergy() > a.getThreshold(), a.getAnomalous());
                }
                assertEquals(m.size(), new HashSet<>(m).size(), "a camera went back to an older model: " + m);
                assertEquals(t.size(), new HashSet<>(t).size(), "a camera went back to an older threshold: " + t);
                models.addAll(m);
                thresholds.addAll(t);
            }
            assertEquals(2, models.size(), "model versions: " + models);
            assertTrue(thresholds.size() >= 3, "threshold ids: " + thresholds);
            assertTrue(thresholds.contains(httpThreshold), thresholds + " lacks " + httpThreshold);
            List<AnomalyScore> last = byCamera.get("cam-0");
            assertEquals(httpThreshold, last.get(last.size() - 1).getThresholdId());
            assertEquals(0.25, last.get(last.size() - 1).getThreshold());
            // every committed batch's transaction is timed
            HistogramSnapshot.HistogramDataPointSnapshot tx = histogram(metrics, "dxmi_anomaly_transaction_seconds");
            HistogramSnapshot.HistogramDataPointSnapshot batches = histogram(metrics, "dxmi_anomaly_batch_size");
            assertEquals(1200, (long) batches.getSum());
            assertEquals(batches.getCount(), tx.getCount());
            assertTrue(tx.getSum() > 0, "transaction seconds " + tx.getSum());
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    private static HistogramSnapshot.HistogramDataPointSnapshot histogram(Metrics metrics, String name) {
        for (MetricSnapshot m : metrics.registry().scrape()) {
            if (m.getMetadata().getPrometheusName().equals(name)) {
                return ((HistogramSnapshot) m).getDataPoints().get(0);
            }
        }
        throw new AssertionError("no metric " + name);
    }
}
