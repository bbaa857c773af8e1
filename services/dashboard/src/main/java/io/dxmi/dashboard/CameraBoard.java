package io.dxmi.dashboard;

import io.dxmi.anomalyscorer.ScoresReader;
import io.dxmi.schemas.AnomalyScore;
import io.dxmi.schemas.Frame;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the cameras view shows, per camera: the newest score (as {@code dxmi scores} prints it, through
 * {@link ScoresReader#toMap}), the newest frames, the windowed figures ({@link WindowStats}) and totals; and the
 * feed's status and counts. Memory is bounded: at most {@link CameraViewSettings#maxCameras()} cameras, each with
 * a fixed window and at most {@link #FRAMES_KEPT} frames within {@link #FRAME_BYTES_KEPT} bytes (the newest frame
 * always). A camera beyond the cap takes the place of one silent for longer than the window, else it is counted
 * and not shown. Written by the feed's thread, read by the verticle: every method is synchronized.
 */
final class CameraBoard {

    /** Frames kept per camera, so that the newest score's frame is usually still there when the page asks. */
    static final int FRAMES_KEPT = 16;
    /** Bytes of frames kept per camera beyond the newest frame. */
    static final int FRAME_BYTES_KEPT = 1 << 20;
    /** Distinct camera names remembered beyond the cap (for the count of cameras not shown). */
    private static final int OVER_CAP_NAMES = 10_000;

    private final CameraViewSettings settings;
    private final Map<String, Camera> cameras = new TreeMap<>();
    private final Set<String> overCap = new HashSet<>();
    private long scores;
    private long frames;
    private long undecodableScores;
    private long undecodableFrames;
    private long notShown;
    private FeedStatus status = FeedStatus.starting();
    private long version;

    CameraBoard(CameraViewSettings settings) {
        this.settings = settings;
    }

    /** Takes a score; {@code nowMillis} is the dashboard's clock (for a silent camera's eviction). */
    synchronized void score(AnomalyScore s, long receivedMicros, long nowMillis) {
        scores++;
        Camera c = camera(s.getCameraId(), nowMillis);
        if (c == null) {
            return;
        }
        c.newest = s;
        c.newestReceivedMicros = receivedMicros;
        c.scores++;
        c.alarms += s.getAnomalous() ? 1 : 0;
        double latencyMs = (s.getTimings().getScoredAtMicros() - s.getCaptureTimeMicros()) / 1000.0;
        c.window.add(s.getTimings().getScoredAtMicros(), s.getAnomalous(), latencyMs);
        version++;
    }

    /** Takes a frame. */
    synchronized void frame(Frame f, long nowMillis) {
        frames++;
        Camera c = camera(f.getCameraId(), nowMillis);
        if (c == null) {
            return;
        }
        CameraFrame kept = CameraFrame.of(f);
        c.frames.addLast(kept);
        c.frameBytes += kept.bytes();
        c.frameCount++;
        while (c.frames.size() > 1 && (c.frames.size() > FRAMES_KEPT
                || c.frameBytes - c.frames.peekLast().bytes() > FRAME_BYTES_KEPT)) {
            c.frameBytes -= c.frames.pollFirst().bytes();
        }
        version++;
    }

    /** Counts a record that did not decode. */
    synchronized long undecodable(boolean scoresTopic) {
        version++;
        return scoresTopic ? ++undecodableScores : ++undecodableFrames;
    }

    /** Sets the feed's status; returns the previous one. */
    synchronized FeedStatus status(FeedStatus next) {
        FeedStatus before = status;
        if (!before.sameAs(next)) {
            status = next;
            version++;
        }
        return before;
    }

    synchronized FeedStatus status() {
        return status;
    }

    /** Changes with every record and status change: the verticle sends the view only when it moved or time did. */
    synchronized long version() {
        return version;
    }

    /**
     * The frame to show for a camera: {@code frameId} when it is still kept, else the newest score's frame when
     * kept, else the newest frame.
     */
    synchronized Optional<CameraFrame> frameOf(String camera, Long frameId) {
        Camera c = cameras.get(camera);
        if (c == null || c.frames.isEmpty()) {
            return Optional.empty();
        }
        if (frameId != null) {
            Optional<CameraFrame> asked = c.kept(frameId);
            if (asked.isPresent()) {
                return asked;
            }
        }
        return Optional.of(c.shownFrame());
    }

    synchronized boolean knows(String camera) {
        return cameras.containsKey(camera);
    }

    /** The view as JSON ({@code /api/cameras} and the {@code cameras} event), windows ending at {@code nowMillis}. */
    synchronized JsonObject toJson(long nowMillis) {
        long nowMicros = nowMillis * 1000;
        long windowMicros = settings.window().toMillis() * 1000;
        JsonArray list = new JsonArray();
        cameras.values().forEach(c -> list.add(c.toJson(nowMicros, windowMicros)));
        JsonObject records = new JsonObject().put("scores", scores).put("frames", frames)
                .put("undecodable_scores", undecodableScores).put("undecodable_frames", undecodableFrames)
                .put("not_shown", notShown);
        return new JsonObject().put("scores_topic", settings.scoresTopic()).put("frames_topic", settings.framesTopic())
                .put("window_seconds", settings.window().toMillis() / 1000.0).put("max_cameras", settings.maxCameras())
                .put("status", status.toJson()).put("cameras_shown", cameras.size())
                .put("cameras_not_shown", overCap.size()).put("cameras_not_shown_capped", overCap.size() >= OVER_CAP_NAMES)
                .put("records", records).put("cameras", list).put("server_time", nowMillis);
    }

    /** The camera's entry, created when there is room; null (and counted) when there is none. */
    private Camera camera(String id, long nowMillis) {
        Camera c = cameras.get(id);
        if (c == null) {
            if (cameras.size() >= settings.maxCameras() && !evictSilent(nowMillis)) {
                notShown++;
                if (overCap.size() < OVER_CAP_NAMES) {
                    overCap.add(id);
                }
                return null;
            }
            overCap.remove(id);
            c = new Camera(id);
            cameras.put(id, c);
        }
        c.lastRecordMillis = nowMillis;
        return c;
    }

    /** Removes the camera silent the longest if it has been silent for longer than the window. */
    private boolean evictSilent(long nowMillis) {
        Camera oldest = null;
        for (Camera c : cameras.values()) {
            if (oldest == null || c.lastRecordMillis < oldest.lastRecordMillis) {
                oldest = c;
            }
        }
        if (oldest != null && nowMillis - oldest.lastRecordMillis > settings.window().toMillis()) {
            cameras.remove(oldest.id);
            return true;
        }
        return false;
    }

    /** One camera's part of the view. */
    private static final class Camera {
        final String id;
        final WindowStats window = new WindowStats();
        final ArrayDeque<CameraFrame> frames = new ArrayDeque<>();
        AnomalyScore newest;
        long newestReceivedMicros;
        long scores;
        long alarms;
        long frameCount;
        long frameBytes;
        long lastRecordMillis;

        Camera(String id) {
            this.id = id;
        }

        Optional<CameraFrame> kept(long frameId) {
            Iterator<CameraFrame> newestFirst = frames.descendingIterator();
            while (newestFirst.hasNext()) {
                CameraFrame f = newestFirst.next();
                if (f.frameId == frameId) {
                    return Optional.of(f);
                }
            }
            return Optional.empty();
        }

        CameraFrame shownFrame() {
            return newest == null ? frames.peekLast() : kept(newest.getFrameId()).orElse(frames.peekLast());
        }

        JsonObject toJson(long nowMicros, long windowMicros) {
            WindowStats.Summary w = window.summary(nowMicros, windowMicros);
            JsonObject json = new JsonObject().put("camera_id", id);
            json.put("newest", newest == null ? null : scoreJson(newest, newestReceivedMicros));
            if (frames.isEmpty()) {
                json.putNull("frame");
            } else {
                CameraFrame shown = shownFrame();
                json.put("frame", shown.toJson(newest != null && shown.frameId == newest.getFrameId()));
            }
            json.put("window", new JsonObject().put("scores", w.scores()).put("alarms", w.alarms())
                    .put("alarm_rate", Json.num(w.alarmRate())).put("frames_per_second", Json.num(w.framesPerSecond()))
                    .put("latency_p50_ms", Json.num(w.latencyP50Ms())).put("latency_p99_ms", Json.num(w.latencyP99Ms()))
                    .put("seconds", w.seconds()).put("truncated", w.truncated()));
            json.put("totals", new JsonObject().put("scores", scores).put("alarms", alarms).put("frames", frameCount));
            return json;
        }
    }

    /** A score as {@code dxmi scores} prints it, its map as nested rows (JSON numbers, not NaN). */
    static JsonObject scoreJson(AnomalyScore s, long receivedMicros) {
        JsonObject json = new JsonObject();
        ScoresReader.toMap(s, receivedMicros).forEach((k, v) -> {
            if (v instanceof double[] values) {
                json.put(k, numbers(values));
            } else if (v instanceof Double d) {
                json.put(k, Json.num(d));
            } else if (v instanceof Iterable<?> items) {
                JsonArray a = new JsonArray();
                items.forEach(a::add);
                json.put(k, a);
            } else {
                json.put(k, v);
            }
        });
        return json;
    }

    private static JsonArray numbers(double[] values) {
        JsonArray a = new JsonArray();
        for (double v : values) {
            // Four significant digits: the page draws colours from them, and 64 cameras' maps stay small to send.
            a.add(Double.isFinite(v) ? Double.valueOf(String.format(Locale.ROOT, "%.4g", v)) : null);
        }
        return a;
    }
}
