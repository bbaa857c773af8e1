package io.dxmi.dashboard;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cameras view's state: bounded cameras and frames, frames matched to scores, the JSON the page reads. */
class CameraBoardTest {

    private static final long T0 = 1_700_000_000_000L; // the dashboard's clock, ms

    private static CameraBoard board(int maxCameras) {
        return new CameraBoard(CameraViewSettings.builder().optMaxCameras(maxCameras)
                .optWindow(Duration.ofSeconds(10)).build());
    }

    private static List<String> ids(JsonObject view) {
        return view.getJsonArray("cameras").stream().map(c -> ((JsonObject) c).getString("camera_id"))
                .collect(Collectors.toList());
    }

    @Test
    void theCapKeepsTheFirstCamerasUntilOneFallsSilentForLongerThanTheWindow() {
        CameraBoard b = board(2);
        b.score(CameraRecords.score("cam-a", 1, T0 * 1000, 3, false), T0 * 1000, T0);
        b.score(CameraRecords.score("cam-b", 1, T0 * 1000, 3, false), T0 * 1000, T0 + 5_000);
        b.score(CameraRecords.score("cam-c", 1, T0 * 1000, 3, false), T0 * 1000, T0 + 8_000);
        JsonObject view = b.toJson(T0 + 8_000);
        assertEquals(List.of("cam-a", "cam-b"), ids(view), "cam-a has been silent 8 s only: it keeps its place");
        assertEquals(1, view.getInteger("cameras_not_shown"));
        assertEquals(1, view.getJsonObject("records").getLong("not_shown"));
        b.score(CameraRecords.score("cam-c", 2, T0 * 1000, 3, false), T0 * 1000, T0 + 10_500);
        view = b.toJson(T0 + 10_500);
        assertEquals(List.of("cam-b", "cam-c"), ids(view), "cam-a, silent 10.5 s, gave its place to cam-c");
        assertEquals(0, view.getInteger("cameras_not_shown"), "cam-c is shown now");
        assertEquals(2, view.getInteger("cameras_shown"));
    }

    @Test
    void framesAreKeptBoundedAndMatchedToTheNewestScore() {
        CameraBoard b = board(4);
        for (int id = 1; id <= 20; id++) {
            b.frame(CameraRecords.gray("cam-a", id, 2, 2, id), T0);
        }
        assertTrue(b.frameOf("cam-a", 4L).get().frameId == 20, "frame 4 is no longer kept: the newest instead");
        assertEquals(5, b.frameOf("cam-a", 5L).get().frameId, "the oldest of the 16 kept");
        b.score(CameraRecords.score("cam-a", 7, T0 * 1000, 3, true), T0 * 1000, T0);
        assertEquals(7, b.frameOf("cam-a", null).get().frameId, "the newest score's frame");
        JsonObject frame = b.toJson(T0).getJsonArray("cameras").getJsonObject(0).getJsonObject("frame");
        assertEquals(7, frame.getLong("frame_id"));
        assertTrue(frame.getBoolean("matches_score"));
        b.score(CameraRecords.score("cam-a", 3, T0 * 1000, 3, true), T0 * 1000, T0);
        frame = b.toJson(T0).getJsonArray("cameras").getJsonObject(0).getJsonObject("frame");
        assertEquals(20, frame.getLong("frame_id"), "frame 3 is gone: the newest frame, said not to match");
        assertFalse(frame.getBoolean("matches_score"));
        assertEquals(2, frame.getInteger("width"));
        assertEquals("raw", frame.getString("encoding"));
        assertTrue(b.frameOf("cam-x", null).isEmpty());
        assertFalse(b.knows("cam-x"));

        // Large frames: the newest always, older ones within 1 MiB beyond it.
        byte[] big = new byte[600 * 1000];
        for (int id = 1; id <= 3; id++) {
            b.frame(CameraRecords.raw("cam-big", id, 1000, 600, 1, big), T0);
        }
        assertEquals(2, b.frameOf("cam-big", 2L).get().frameId, "two 600 kB frames fit: the newest and one more");
        assertEquals(3, b.frameOf("cam-big", 1L).get().frameId, "the third oldest was dropped");
        assertEquals(3, b.toJson(T0).getJsonArray("cameras").getJsonObject(1).getJsonObject("totals")
                .getLong("frames"), "every frame counted");
    }

    @Test
    void theJsonHasTheScoreAsDxmiScoresPrintsItAndTheWindowedFigures() {
        CameraBoard b = board(4);
        long now = T0 * 1000;
        double[] latency = {4, 8, 2, 6};
        for (int i = 0; i < 4; i++) {
            b.score(CameraRecords.score("cam-a", i + 1, now - (3 - i) * 1_000_000L, latency[i], i == 3), now, T0);
        }
        assertEquals(1, b.undecodable(true));
        assertEquals(1, b.undecodable(false));
        assertEquals(2, b.undecodable(false));
        JsonObject view = b.toJson(T0);
        JsonObject cam = view.getJsonArray("cameras").getJsonObject(0);
        JsonObject newest = cam.getJsonObject("newest");
        assertEquals(4, newest.getLong("frame_id"));
        assertTrue(newest.getBoolean("anomalous"));
        assertEquals(0.9, newest.getDouble("score"));
        assertEquals("calib-1", newest.getString("threshold_id"));
        assertEquals("model-a@1234", newest.getString("model_version"));
        assertEquals(6.0, newest.getDouble("latency_ms"), 1e-9);
        assertEquals(new JsonArray().add(2).add(2), newest.getJsonArray("map_shape"));
        assertEquals(new JsonArray().add(0.1).add(0.2).add(0.3).add(4.0), newest.getJsonArray("map"));
        JsonObject w = cam.getJsonObject("window");
        assertEquals(4, w.getInteger("scores"));
        assertEquals(0.25, w.getDouble("alarm_rate"), 1e-12);
        assertEquals(4.0, w.getDouble("latency_p50_ms"), "2nd of 2, 4, 6, 8");
        assertEquals(8.0, w.getDouble("latency_p99_ms"));
        assertEquals(4 / 3.0, w.getDouble("frames_per_second"), 1e-9, "four scores since the first, 3 s ago");
        assertEquals(1, cam.getJsonObject("totals").getLong("alarms"));
        assertEquals(null, cam.getValue("frame"), "no frame of this camera yet");
        JsonObject records = view.getJsonObject("records");
        assertEquals(1, records.getLong("undecodable_scores"));
        assertEquals(2, records.getLong("undecodable_frames"));
        assertEquals(4, records.getLong("scores"));
        // The JSON encodes (no NaN, no raw arrays).
        assertTrue(view.encode().contains("\"camera_id\":\"cam-a\""));
    }

    @Test
    void statusChangesAreKeptOnlyWhenTheyDiffer() {
        CameraBoard b = board(1);
        long v0 = b.version();
        b.status(FeedStatus.topics("s", true, "f", false));
        assertEquals("no_frames", b.status().state());
        long v1 = b.version();
        assertTrue(v1 > v0);
        b.status(FeedStatus.topics("s", true, "f", false));
        assertEquals(v1, b.version(), "the same status again is no change");
        FeedStatus before = b.status(FeedStatus.unreachable("h:1", "x"));
        assertEquals("no_frames", before.state(), "the previous status is returned");
        assertEquals("broker_unreachable", b.status().state());
        assertFalse(b.status().healthy());
    }

    @Test
    void settingsAreValidated() {
        assertEquals("dxmi.scores", CameraViewSettings.builder().build().scoresTopic());
        assertEquals(64, CameraViewSettings.builder().build().maxCameras());
        assertThrows(IllegalArgumentException.class, () -> CameraViewSettings.builder().optMaxCameras(0).build());
        assertThrows(IllegalArgumentException.class, () -> CameraViewSettings.builder().optScoresTopic("a b").build());
        assertThrows(IllegalArgumentException.class, () -> CameraViewSettings.builder().optScoresTopic("x")
                .optFramesTopic("x").build());
        assertThrows(IllegalArgumentException.class, () -> CameraViewSettings.builder()
                .optWindow(Duration.ofMillis(10)).build());
    }
}
