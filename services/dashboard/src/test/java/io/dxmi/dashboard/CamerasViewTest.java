package io.dxmi.dashboard;

import io.dxmi.platform.broker.EmbeddedKafkaBroker;
import io.dxmi.platform.broker.Topics;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.schemas.codec.Codecs;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The cameras view on a real broker: scores committed by a transactional producer (and an aborted batch that must
 * never show), raw and PNG frames, undecodable records on both topics, an old camera's long history of which only
 * the tail is read. {@code /api/cameras} must show the right cameras, decisions, alarm rates and latency
 * percentiles; the frame endpoint must return decodable images of the right size and pixels; the {@code cameras}
 * event must reach the page's stream; a run dashboard without cameras must be unchanged.
 */
@ExtendWith(VertxExtension.class)
@Tag("integration")
class CamerasViewTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SCORES = "test.scores";
    private static final String FRAMES = "test.frames";

    @TempDir
    static Path dir;
    static EmbeddedKafkaBroker broker;
    static KafkaSettings kafka;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.builder().setDataDir(dir.resolve("kafka")).build().start();
        kafka = KafkaSettings.builder().setBootstrapServers(broker.bootstrapServers()).build();
        try (Admin admin = Admin.create(new HashMap<>(kafka.adminProperties()))) {
            Topics.ensure(admin, SCORES, 2, Map.of());
            Topics.ensure(admin, FRAMES, 2, Map.of());
        }
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void showsEachCamerasDecisionsAlarmRateLatencyAndFrames(Vertx vertx) throws Exception {
        long now = System.currentTimeMillis() * 1000;
        try (KafkaProducer<String, byte[]> plain = producer(kafka, null)) {
            // An old camera's history, an hour old: only the newest 300 of its 400 scores are read at start.
            for (int i = 1; i <= 400; i++) {
                send(plain, SCORES, "cam-old", Codecs.encode(CameraRecords.score("cam-old", i, now - 3_600_000_000L, 3,
                        false)));
            }
            plain.flush();
        }
        DashboardVerticle dashboard = deploy(vertx, DashboardSettings.builder().setKafka(kafka)
                .optScrapeInterval(Duration.ofMillis(300)).optCameras(CameraViewSettings.builder()
                        .optScoresTopic(SCORES).optFramesTopic(FRAMES).optCheckInterval(Duration.ofMillis(500))
                        .build()).build());
        String base = "http://127.0.0.1:" + dashboard.port();
        await(base, v -> "ok".equals(v.getJsonObject("status").getString("state")), "the feed reading both topics");

        double[] latencyA = {5, 1, 9, 3, 7, 2, 8, 4, 6, 10};
        double[] latencyB = {4, 8, 2, 6};
        BufferedImage rgb = new BufferedImage(5, 7, BufferedImage.TYPE_3BYTE_BGR);
        rgb.setRGB(1, 2, 0x33cc99);
        ByteArrayOutputStream pngB = new ByteArrayOutputStream();
        ImageIO.write(rgb, "png", pngB);
        try (KafkaProducer<String, byte[]> plain = producer(kafka, null);
                KafkaProducer<String, byte[]> tx = producer(kafka, "cameras-test")) {
            for (int id = 1; id <= 10; id++) {
                send(plain, FRAMES, "cam-a", Codecs.encode(CameraRecords.gray("cam-a", id, 8, 6, id)));
            }
            for (int id = 1; id <= 4; id++) {
                send(plain, FRAMES, "cam-b", Codecs.encode(CameraRecords.frame("cam-b", id, "png", 5, 7, 3,
                        pngB.toByteArray())));
            }
            send(plain, SCORES, "cam-a", "not an Avro record".getBytes());
            send(plain, FRAMES, "cam-a", new byte[] {1, 2, 3});
            plain.flush();
            tx.initTransactions();
            tx.beginTransaction();
            for (int i = 0; i < 10; i++) {
                send(tx, SCORES, "cam-a", Codecs.encode(CameraRecords.score("cam-a", i + 1, now - (10 - i) * 100_000L,
                        latencyA[i], i == 2 || i == 5 || i == 9)));
            }
            tx.commitTransaction();
            // A scorer batch that aborted: read_committed never shows it.
            tx.beginTransaction();
            for (int i = 0; i < 5; i++) {
                send(tx, SCORES, "cam-a", Codecs.encode(CameraRecords.score("cam-a", 100 + i, now, 999, true)));
            }
            tx.flush();
            tx.abortTransaction();
            tx.beginTransaction();
            for (int i = 0; i < 4; i++) {
                send(tx, SCORES, "cam-b", Codecs.encode(CameraRecords.score("cam-b", i + 1, now - (4 - i) * 100_000L,
                        latencyB[i], i == 3)));
            }
            tx.commitTransaction();
        }

        JsonObject view = await(base, v -> scoresOf(v, "cam-a") == 10 && scoresOf(v, "cam-b") == 4
                && v.getJsonObject("records").getLong("undecodable_frames") == 1, "every committed score and frame");
        assertEquals(List.of("cam-a", "cam-b", "cam-old"), view.getJsonArray("cameras").stream()
                .map(c -> ((JsonObject) c).getString("camera_id")).collect(Collectors.toList()));
        JsonObject records = view.getJsonObject("records");
        assertEquals(1, records.getLong("undecodable_scores"), "the bad score record counted and skipped");
        assertEquals(1, records.getLong("undecodable_frames"), "the bad frame record counted and skipped");

        JsonObject old = camera(view, "cam-old").orElseThrow();
        assertEquals(300, old.getJsonObject("totals").getLong("scores"), "only the tail of the old history");
        assertEquals(0, old.getJsonObject("window").getInteger("scores"), "an hour old: outside the window");
        assertNull(old.getValue("frame"));

        JsonObject a = camera(view, "cam-a").orElseThrow();
        assertEquals(10, a.getJsonObject("newest").getLong("frame_id"));
        assertEquals(3, a.getJsonObject("totals").getLong("alarms"), "the aborted batch's alarms are not counted");
        JsonObject wa = a.getJsonObject("window");
        assertEquals(0.3, wa.getDouble("alarm_rate"), 1e-12);
        assertEquals(5.0, wa.getDouble("latency_p50_ms"), 1e-3, "5th of 1..10 ms");
        assertEquals(10.0, wa.getDouble("latency_p99_ms"), 1e-3);
        assertEquals(10, a.getJsonObject("frame").getLong("frame_id"));
        assertTrue(a.getJsonObject("frame").getBoolean("matches_score"));
        assertTrue(a.getJsonObject("newest").getBoolean("anomalous"), "frame 10's decision was an alarm");

        JsonObject b = camera(view, "cam-b").orElseThrow();
        JsonObject wb = b.getJsonObject("window");
        assertEquals(0.25, wb.getDouble("alarm_rate"), 1e-12);
        assertEquals(4.0, wb.getDouble("latency_p50_ms"), 1e-3, "2nd of 2, 4, 6, 8 ms");
        assertEquals(8.0, wb.getDouble("latency_p99_ms"), 1e-3);
        assertEquals("calib-1", b.getJsonObject("newest").getString("threshold_id"));

        // Frames as images: raw pixels become a PNG of the frame's size and pixels; a PNG passes through.
        HttpResponse<byte[]> frameA = get(base + "/cameras/cam-a/frame");
        assertEquals(200, frameA.statusCode());
        assertEquals("image/png", frameA.headers().firstValue("Content-Type").orElse(""));
        assertEquals("no-store", frameA.headers().firstValue("Cache-Control").orElse(""));
        assertEquals("10", frameA.headers().firstValue("X-Frame-Id").orElse(""));
        BufferedImage imgA = ImageIO.read(new ByteArrayInputStream(frameA.body()));
        assertEquals(8, imgA.getWidth());
        assertEquals(6, imgA.getHeight());
        assertEquals(10 + 3 * 8 + 5, imgA.getRaster().getSample(5, 3, 0), "frame 10's pixel (5, 3)");
        BufferedImage three = ImageIO.read(new ByteArrayInputStream(get(base + "/cameras/cam-a/frame?frame_id=3")
                .body()));
        assertEquals(3, three.getRaster().getSample(0, 0, 0), "frame 3 asked for, still kept");
        HttpResponse<byte[]> frameB = get(base + "/cameras/cam-b/frame");
        assertArrayEquals(pngB.toByteArray(), frameB.body(), "the PNG frame as it came");
        assertEquals(404, get(base + "/cameras/cam-x/frame").statusCode());
        assertEquals(404, get(base + "/cameras/cam-old/frame").statusCode(), "scores but no frame");
        assertEquals(400, get(base + "/cameras/cam-a/frame?frame_id=ten").statusCode());

        // The page's stream carries the view; the page's first state has it too, and no run.
        String event = firstEvent(base + "/events", "cameras");
        assertTrue(event.contains("\"camera_id\":\"cam-a\""), event);
        JsonObject state = new JsonObject(new String(get(base + "/api/state").body()));
        assertNull(state.getValue("run"));
        assertEquals(3, state.getJsonObject("cameras").getJsonArray("cameras").size());
    }

    @Test
    void aRunDashboardWithoutCamerasIsUnchanged(Vertx vertx) throws Exception {
        DashboardVerticle run = deploy(vertx, DashboardSettings.builder().setRun("plain-run").setKafka(kafka)
                .optScrapeInterval(Duration.ofMillis(300)).build());
        String base = "http://127.0.0.1:" + run.port();
        assertEquals(404, get(base + "/api/cameras").statusCode());
        assertEquals(404, get(base + "/cameras/cam-a/frame").statusCode());
        JsonObject state = new JsonObject(new String(get(base + "/api/state").body()));
        assertEquals("plain-run", state.getString("run"));
        assertNull(state.getValue("cameras"));
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    static DashboardVerticle deploy(Vertx vertx, DashboardSettings settings) throws Exception {
        return DashboardVerticle.deploy(vertx, settings).toCompletionStage().toCompletableFuture()
                .get(60, TimeUnit.SECONDS);
    }

    static KafkaProducer<String, byte[]> producer(KafkaSettings kafka, String transactionalId) {
        Map<String, Object> p = new HashMap<>(kafka.producerProperties());
        if (transactionalId != null) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    static void send(KafkaProducer<String, byte[]> p, String topic, String key, byte[] value) {
        p.send(new ProducerRecord<>(topic, key, value));
    }

    static HttpResponse<byte[]> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static Optional<JsonObject> camera(JsonObject view, String id) {
        return view.getJsonArray("cameras").stream().map(c -> (JsonObject) c)
                .filter(c -> id.equals(c.getString("camera_id"))).findFirst();
    }

    static long scoresOf(JsonObject view, String id) {
        return camera(view, id).map(c -> c.getJsonObject("totals").getLong("scores")).orElse(0L);
    }

    /** Polls {@code /api/cameras} until {@code done} holds; fails with the last view after {@link #WAIT}. */
    static JsonObject await(String base, Predicate<JsonObject> done, String what) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonObject view = null;
        while (System.nanoTime() < deadline) {
            view = new JsonObject(new String(get(base + "/api/cameras").body()));
            if (done.test(view)) {
                return view;
            }
            Thread.sleep(200);
        }
        fail("waited " + WAIT.toSeconds() + " s for " + what + "; the view: " + view);
        return view;
    }

    /** The data of the first SSE event named {@code name} on the stream. */
    static String firstEvent(String url, String name) throws Exception {
        HttpResponse<Stream<String>> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofLines());
        try (var lines = r.body()) {
            var it = lines.iterator();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (it.hasNext() && System.nanoTime() < deadline) {
                if (it.next().equals("event: " + name) && it.hasNext()) {
                    return it.next();
                }
            }
        }
        fail("no '" + name + "' event on " + url);
        return null;
    }
}
