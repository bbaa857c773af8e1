package io.dxmi.dashboard;

import io.dxmi.platform.broker.EmbeddedKafkaBroker;
import io.dxmi.platform.broker.Topics;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.schemas.codec.Codecs;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The cameras view in a real browser (Debian's chromium, headless): a dashboard of a run and cameras shows two
 * tabs; the cameras tab has one tile per camera, an alarm highlighted, the frame drawn at its size, the map's colour
 * scale, and the windowed figures; a new score changes the tile without a reload. Leaves a screenshot in
 * {@code target/cameras-screenshot.png}.
 */
@ExtendWith(VertxExtension.class)
@Tag("integration")
class CamerasBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(40);

    @TempDir
    Path dir;

    @Test
    void showsOneTilePerCameraWithItsFrameMapAndAlarm(Vertx vertx) throws Exception {
        String binary = HeadlessChromium.find();
        if (binary == null) {
            fail("chromium is not installed: this test drives a real headless browser (scripts/test installs it)");
        }
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().setDataDir(dir.resolve("kafka")).build()
                .start()) {
            KafkaSettings kafka = KafkaSettings.builder().setBootstrapServers(broker.bootstrapServers()).build();
            try (Admin admin = Admin.create(new HashMap<>(kafka.adminProperties()))) {
                Topics.ensure(admin, "dxmi.scores", 2, Map.of());
                Topics.ensure(admin, "dxmi.frames", 2, Map.of());
            }
            long now = System.currentTimeMillis() * 1000;
            try (KafkaProducer<String, byte[]> p = CamerasViewTest.producer(kafka, null)) {
                for (int id = 1; id <= 3; id++) {
                    CamerasViewTest.send(p, "dxmi.frames", "cam-1", Codecs.encode(CameraRecords.gray("cam-1", id, 28, 28,
                            id)));
                    CamerasViewTest.send(p, "dxmi.frames", "cam-2", Codecs.encode(CameraRecords.gray("cam-2", id, 8, 8,
                            id)));
                    CamerasViewTest.send(p, "dxmi.scores", "cam-1", Codecs.encode(CameraRecords.score("cam-1", id,
                            now - (3 - id) * 100_000L, 4, id == 3)));
                    CamerasViewTest.send(p, "dxmi.scores", "cam-2", Codecs.encode(CameraRecords.score("cam-2", id,
                            now - (3 - id) * 100_000L, 4, false)));
                }
                p.flush();
            }
            DashboardVerticle d = CamerasViewTest.deploy(vertx, DashboardSettings.builder().setRun("with-cameras")
                    .setKafka(kafka).optScrapeInterval(Duration.ofMillis(300)).optCameras(CameraViewSettings.builder()
                            .optCheckInterval(Duration.ofMillis(500)).build()).build());
            try (HeadlessChromium chromium = HeadlessChromium.start(vertx, binary, 1280, 1000)) {
                chromium.navigate(d.url() + "#cameras");
                chromium.await("document.getElementById('tabs').hidden", Boolean.FALSE::equals, WAIT,
                        "two tabs: a run and cameras");
                assertEquals(Boolean.TRUE, chromium.eval("document.getElementById('view-run').hidden"));
                chromium.await("document.querySelectorAll('#cam-grid .cam').length", v -> ((Number) v).intValue() == 2,
                        WAIT, "two tiles");
                chromium.await("document.querySelector('.cam[data-camera=\"cam-1\"]').dataset.imageSize",
                        "28x28"::equals, WAIT, "cam-1's 28 x 28 frame drawn");
                assertEquals("3", chromium.eval("document.querySelector('.cam[data-camera=\"cam-1\"]').dataset.frameId"));
                assertEquals(Boolean.TRUE, chromium.eval(
                        "document.querySelector('.cam[data-camera=\"cam-1\"]').classList.contains('alarm')"));
                assertEquals(Boolean.FALSE, chromium.eval(
                        "document.querySelector('.cam[data-camera=\"cam-2\"]').classList.contains('alarm')"));
                assertEquals("ALARM", chromium.eval(
                        "document.querySelector('.cam[data-camera=\"cam-1\"] .cam-decision').textContent"));
                assertEquals(Boolean.FALSE, chromium.eval(
                        "document.querySelector('.cam[data-camera=\"cam-1\"] .cam-legend').hidden"), "the map's scale");
                assertEquals("3", chromium.eval(
                        "document.querySelector('.cam[data-camera=\"cam-1\"] .cam-legend .hi').textContent"),
                        "the map's maximum (the test map's last cell is the frame id)");
                chromium.await("document.getElementById('cam-status').dataset.state", "ok"::equals, WAIT, "status ok");
                String rate = (String) chromium.eval("document.querySelector('.cam[data-camera=\"cam-1\"]').dataset"
                        + ".alarmRate");
                assertEquals(1 / 3.0, Double.parseDouble(rate), 1e-9, "one alarm in three scores");

                // A new score without a reload: cam-2 alarms, and its tile says so.
                chromium.eval("window.__same = 'yes'");
                try (KafkaProducer<String, byte[]> p = CamerasViewTest.producer(kafka, null)) {
                    CamerasViewTest.send(p, "dxmi.scores", "cam-2", Codecs.encode(CameraRecords.score("cam-2", 3,
                            System.currentTimeMillis() * 1000, 4, true)));
                    p.flush();
                }
                chromium.await("document.querySelector('.cam[data-camera=\"cam-2\"]').classList.contains('alarm')",
                        Boolean.TRUE::equals, WAIT, "cam-2's alarm");
                assertEquals("yes", chromium.eval("window.__same"));
                Thread.sleep(500);
                Path shot = Path.of("target", "cameras-screenshot.png");
                Files.createDirectories(shot.getParent());
                Files.write(shot, chromium.screenshot());
            }
            // The dashboard goes before the broker (a run's feed would otherwise wait for the broker that went).
            vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
    }
}
