package io.dxmi.dashboard;

import io.dxmi.anomalyscorer.ScorerSettings;

import java.time.Duration;
import java.util.Objects;

/**
 * What the dashboard's cameras view reads and how much it keeps. Built with {@link #builder()}; every value has a
 * documented default, so {@code builder().build()} is the view of the scorer's default topics. Immutable.
 *
 * @param scoresTopic the anomaly scores (default {@value ScorerSettings#SCORES}), read {@code read_committed}
 * @param framesTopic the camera frames (default {@value ScorerSettings#FRAMES}), for each camera's newest image
 * @param maxCameras cameras shown at most (default {@value #DEFAULT_MAX_CAMERAS}); more are counted, not shown
 * @param window the recent window of the alarm rate, frames/s and latency percentiles (default 60 s); at most
 *     {@value WindowStats#CAPACITY} scores per camera, so at high rates the window is the newest of those
 * @param scoresTail scores read back per partition at start (default {@value #DEFAULT_SCORES_TAIL}): the view
 *     starts near the end of the topic, never at its beginning
 * @param framesTail frames read back per partition at start (default {@value #DEFAULT_FRAMES_TAIL})
 * @param checkInterval how often the topics and the broker are checked (default 2 s)
 */
public record CameraViewSettings(String scoresTopic, String framesTopic, int maxCameras, Duration window,
        int scoresTail, int framesTail, Duration checkInterval) {

    public static final int DEFAULT_MAX_CAMERAS = 64;
    public static final int DEFAULT_SCORES_TAIL = 300;
    public static final int DEFAULT_FRAMES_TAIL = 32;
    /** The most cameras one dashboard shows: each keeps a window of scores and a few frames. */
    public static final int MAX_CAMERAS_LIMIT = 1024;

    public CameraViewSettings {
        checkTopic("scores", scoresTopic);
        checkTopic("frames", framesTopic);
        if (scoresTopic.equals(framesTopic)) {
            throw new IllegalArgumentException("the scores and frames topics must differ, both are '" + scoresTopic
                    + "'");
        }
        if (maxCameras < 1 || maxCameras > MAX_CAMERAS_LIMIT) {
            throw new IllegalArgumentException("the cameras shown must be 1-" + MAX_CAMERAS_LIMIT + ", got "
                    + maxCameras);
        }
        Objects.requireNonNull(window, "window");
        if (window.toMillis() < 1000 || window.toHours() > 24) {
            throw new IllegalArgumentException("the cameras' window must be 1 s to 24 h, got " + window.toMillis()
                    / 1000.0 + " s");
        }
        if (scoresTail < 0 || framesTail < 0) {
            throw new IllegalArgumentException("the records read back at start must not be negative");
        }
        if (checkInterval.toMillis() < 100) {
            throw new IllegalArgumentException("the check interval must be at least 100 ms, got " + checkInterval);
        }
    }

    /** Returns a new builder. */
    public static Builder builder() {
        return new Builder();
    }

    private static void checkTopic(String what, String topic) {
        // Kafka's own rule: 1-249 characters of letters, digits, '.', '_' and '-'.
        if (topic == null || !topic.matches("[A-Za-z0-9._-]{1,249}") || topic.equals(".") || topic.equals("..")) {
            throw new IllegalArgumentException("the " + what + " topic must be 1-249 letters, digits, '.', '_' or '-',"
                    + " got '" + topic + "'");
        }
    }

    /** Builder: every value is optional ({@code optX}), with the defaults documented on the record. */
    public static final class Builder {
        private String scoresTopic = ScorerSettings.SCORES;
        private String framesTopic = ScorerSettings.FRAMES;
        private int maxCameras = DEFAULT_MAX_CAMERAS;
        private Duration window = Duration.ofSeconds(60);
        private int scoresTail = DEFAULT_SCORES_TAIL;
        private int framesTail = DEFAULT_FRAMES_TAIL;
        private Duration checkInterval = Duration.ofSeconds(2);

        private Builder() {}

        public Builder optScoresTopic(String topic) {
            this.scoresTopic = topic;
            return this;
        }

        public Builder optFramesTopic(String topic) {
            this.framesTopic = topic;
            return this;
        }

        public Builder optMaxCameras(int max) {
            this.maxCameras = max;
            return this;
        }

        public Builder optWindow(Duration window) {
            this.window = window;
            return this;
        }

        public Builder optScoresTail(int records) {
            this.scoresTail = records;
            return this;
        }

        public Builder optFramesTail(int records) {
            this.framesTail = records;
            return this;
        }

        public Builder optCheckInterval(Duration interval) {
            this.checkInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /** Validates and builds. */
        public CameraViewSettings build() {
            return new CameraViewSettings(scoresTopic, framesTopic, maxCameras, window, scoresTail, framesTail,
                    checkInterval);
        }
    }
}
