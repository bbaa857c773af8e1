package io.dxmi.anomalyscorer;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * Typed settings of one scorer instance, with the documented defaults of {@link #defaults()}.
 *
 * @param framesTopic the frames topic (default {@value #FRAMES})
 * @param scoresTopic the scores topic (default {@value #SCORES})
 * @param deadLetterTopic where bad frames go (default {@value #DEAD_LETTERS})
 * @param controlTopic the compacted threshold control topic (default {@value #CONTROL})
 * @param group the consumer group the scorers share; also the key of their threshold changes
 *     (default {@value #GROUP})
 * @param instanceId this instance, stable across restarts (its transactional id is group-instance)
 * @param partitions partitions of the frames and scores topics when this instance creates them (default 4)
 * @param maxBatch frames per batch at most (default 64)
 * @param maxDelay longest wait after a batch's first frame (default 5 ms)
 * @param mapGrid side of the localisation map; 0 = none (default 8)
 * @param mapFrames which frames get a map (default {@link MapFrames#ALARMS}: a map costs a backward
 *     pass, several times the energy's own cost, and is read where a frame is flagged)
 * @param mapMethod how a map is drawn (default {@link MapMethod#GRADIENT_MEAN})
 * @param httpHost interface of the threshold endpoint (default 127.0.0.1)
 * @param httpPort its port; 0 = any free port, -1 = no endpoint (default 0)
 * @param httpToken bearer token the endpoint requires; required when not bound to loopback
 * @param watchInterval how often a model directory is checked for new weights or calibration (default 1 s)
 */
public record ScorerSettings(String framesTopic, String scoresTopic, String deadLetterTopic, String controlTopic,
        String group, String instanceId, int partitions, int maxBatch, Duration maxDelay, int mapGrid,
        MapFrames mapFrames, MapMethod mapMethod, String httpHost, int httpPort, String httpToken, Duration watchInterval) {

    public static final String FRAMES = "dxmi.frames";
    public static final String SCORES = "dxmi.scores";
    public static final String DEAD_LETTERS = "dxmi.frames.dead-letters";
    public static final String CONTROL = "dxmi.thresholds";
    public static final String GROUP = "anomaly-scorer";

    /** Which scored frames carry a localisation map. */
    public enum MapFrames {
        /** Every frame. */
        ALL,
        /** Only frames flagged anomalous (none while no threshold is in force). */
        ALARMS
    }

    /** How a localisation map is drawn ({@code io.dxmi.core.anomaly.EnergyMaps}). */
    public enum MapMethod {
        /** The magnitude of the energy's gradient at the frame: one backward pass. */
        GRADIENT,
        /**
         * The gradient map and the frame's difference from the mean normal image added, each in units of its own mean
         * over the frame, when the model's feature density keeps that mean image (the gradient map alone when it
         * does not): the cost of a gradient map; on the one-class benchmarks' synthetic defects nearly as good as
         * the combined map. The default.
         */
        GRADIENT_MEAN,
        /**
         * How far each pixel moves when the frame is moved down its energy in 20 gradient steps: 20 backward
         * passes; on the one-class benchmarks' synthetic defects it localised better in most classes measured.
         */
        RESTORATION,
        /**
         * The gradient and restoration maps added, each in units of its own mean over the frame, and the frame's
         * difference from the mean normal image alike when the model's feature density keeps one: the cost of a
         * restoration map; on the one-class benchmarks' synthetic defects the best of the three on both data sets.
         */
        COMBINED
    }

    public ScorerSettings {
        require(maxBatch >= 1, "the maximum batch size must be at least 1, got " + maxBatch);
        require(!maxDelay.isNegative(), "the maximum batch delay must not be negative");
        require(mapGrid >= 0 && mapGrid <= 64, "the map grid must be 0 to 64, got " + mapGrid);
        require(mapFrames != null, "which frames get a map must be given");
        require(mapMethod != null, "how a map is drawn must be given");
        require(partitions >= 1, "topics need at least one partition, got " + partitions);
        require(instanceId != null && instanceId.matches("[A-Za-z0-9._-]{1,100}"),
                "an instance id is 1-100 letters, digits, '.', '_' or '-', got '" + instanceId + "'");
        require(group != null && group.matches("[A-Za-z0-9._-]{1,100}"), "bad scorer group '" + group + "'");
        require(httpPort >= -1 && httpPort <= 65535, "bad HTTP port " + httpPort);
        if (httpPort >= 0 && !isLoopback(httpHost) && (httpToken == null || httpToken.isBlank())) {
            throw new IllegalArgumentException("the threshold endpoint binds " + httpHost
                    + ", not loopback: give it a token (--http-token-file)");
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Loopback addresses only; a name that does not resolve is not loopback. */
    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The transactional id: stable per instance, so a restart fences the dead instance's transaction. */
    public String transactionalId() {
        return group + "-" + instanceId;
    }

    public static ScorerSettings defaults(String instanceId) {
        return new ScorerSettings(FRAMES, SCORES, DEAD_LETTERS, CONTROL, GROUP, instanceId, 4, 64,
                Duration.ofMillis(5), 8, MapFrames.ALARMS, MapMethod.GRADIENT_MEAN, "127.0.0.1", 0, null, Duration.ofSeconds(1));
    }

    public ScorerSettings withTopics(String frames, String scores) {
        return new ScorerSettings(frames, scores, deadLetterTopic, controlTopic, group, instanceId, partitions,
                maxBatch, maxDelay, mapGrid, mapFrames, mapMethod, httpHost, httpPort, httpToken, watchInterval);
    }

    public ScorerSettings withBatching(int maxBatch, Duration maxDelay) {
        return new ScorerSettings(framesTopic, scoresTopic, deadLetterTopic, controlTopic, group, instanceId,
                partitions, maxBatch, maxDelay, mapGrid, mapFrames, mapMethod, httpHost, httpPort, httpToken, watchInterval);
    }

    /** Maps of {@code grid} × {@code grid} (0 = none) on the frames {@code frames} names. */
    public ScorerSettings withMaps(int grid, MapFrames frames) {
        return new ScorerSettings(framesTopic, scoresTopic, deadLetterTopic, controlTopic, group, instanceId,
                partitions, maxBatch, maxDelay, grid, frames, mapMethod, httpHost, httpPort, httpToken, watchInterval);
    }

    /** Maps drawn by {@code method}. */
    public ScorerSettings withMapMethod(MapMethod method) {
        return new ScorerSettings(framesTopic, scoresTopic, deadLetterTopic, controlTopic, group, instanceId,
                partitions, maxBatch, maxDelay, mapGrid, mapFrames, method, httpHost, httpPort, httpToken, watchInterval);
    }

    public ScorerSettings withHttp(String host, int port, String token) {
        return new ScorerSettings(framesTopic, scoresTopic, deadLetterTopic, controlTopic, group, instanceId,
                partitions, maxBatch, maxDelay, mapGrid, mapFrames, mapMethod, host, port, token, watchInterval);
    }

    public ScorerSettings withPartitions(int n) {
        return new ScorerSettings(framesTopic, scoresTopic, deadLetterTopic, controlTopic, group, instanceId, n,
                maxBatch, maxDelay, mapGrid, mapFrames, mapMethod, httpHost, httpPort, httpToken, watchInterval);
    }

    public ScorerSettings withGroup(String g, String controlTopic, String deadLetterTopic) {
        return new ScorerSettings(framesTopic, scoresTopic, deadLetterTopic, controlTopic, g, instanceId, partitions,
                maxBatch, maxDelay, mapGrid, mapFrames, mapMethod, httpHost, httpPort, httpToken, watchInterval);
    }
}
