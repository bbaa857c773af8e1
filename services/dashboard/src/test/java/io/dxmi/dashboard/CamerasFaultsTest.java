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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cameras view through faults, on its own broker: started before its topics exist, it says so and follows
 * each topic as it appears; with the broker stopped it says the broker does not answer and keeps what it showed;
 * with the broker back it goes on where it stopped, counting nothing twice.
 */
@ExtendWith(VertxExtension.class)
@Tag("integration")
class CamerasFaultsTest {

    @TempDir
    Path dir;

    @Test
    void saysWhatIsMissingAndRecoversWhenItComesBack(Vertx vertx) throws Exception {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().setDataDir(dir.resolve("kafka")).build().start();
        int port = broker.port();
        try {
            KafkaSettings kafka = KafkaSettings.builder().setBootstrapServers(broker.bootstrapServers()).build();
            DashboardVerticle d = CamerasViewTest.deploy(vertx, DashboardSettings.builder().setKafka(kafka)
                    .optScrapeInterval(Duration.ofMillis(300)).optCameras(CameraViewSettings.builder()
                            .optScoresTopic("late.scores").optFramesTopic("late.frames")
                            .optCheckInterval(Duration.ofMillis(500)).build()).build());
            String base = "http://127.0.0.1:" + d.port();
            JsonObject view = CamerasViewTest.await(base, v -> state(v).equals("no_topics"), "no topics yet");
            assertTrue(status(view).getString("message").contains("late.scores"), status(view).encode());

            try (Admin admin = Admin.create(new HashMap<>(kafka.adminProperties()))) {
                Topics.ensure(admin, "late.scores", 1, Map.of());
                view = CamerasViewTest.await(base, v -> state(v).equals("no_frames"), "the scores topic found");
                assertTrue(status(view).getString("message").contains("late.frames does not exist"));
                produce(kafka, 1);
                CamerasViewTest.await(base, v -> CamerasViewTest.scoresOf(v, "cam-z") == 1, "the first score");
                Topics.ensure(admin, "late.frames", 1, Map.of());
                CamerasViewTest.await(base, v -> state(v).equals("ok"), "both topics found");
            }

            broker.close();
            view = CamerasViewTest.await(base, v -> state(v).equals("broker_unreachable"), "the broker said gone");
            assertTrue(status(view).getString("message").contains("does not answer"), status(view).encode());
            assertEquals(1, CamerasViewTest.scoresOf(view, "cam-z"), "what was read stays on the page");

            broker = EmbeddedKafkaBroker.builder().setDataDir(dir.resolve("kafka")).optPort(port).build().start();
            CamerasViewTest.await(base, v -> state(v).equals("ok"), "the broker back");
            produce(kafka, 2);
            view = CamerasViewTest.await(base, v -> CamerasViewTest.scoresOf(v, "cam-z") >= 2, "the score after");
            Thread.sleep(1500); // a second copy of score 1, if any, would have come by now
            view = new JsonObject(new String(CamerasViewTest.get(base + "/api/cameras").body()));
            assertEquals(2, CamerasViewTest.scoresOf(view, "cam-z"), "nothing counted twice: " + view.encode());
            assertEquals(2, CamerasViewTest.camera(view, "cam-z").orElseThrow().getJsonObject("newest")
                    .getLong("frame_id"));
        } finally {
            broker.close();
        }
    }

    private static void produce(KafkaSettings kafka, long frameId) {
        try (KafkaProducer<String, byte[]> p = CamerasViewTest.producer(kafka, null)) {
            CamerasViewTest.send(p, "late.scores", "cam-z", Codecs.encode(CameraRecords.score("cam-z", frameId,
                    System.currentTimeMillis() * 1000, 2, false)));
            p.flush();
        }
    }

    private static JsonObject status(JsonObject view) {
        return view.getJsonObject("status");
    }

    private static String state(JsonObject view) {
        return status(view).getString("state");
    }
}
