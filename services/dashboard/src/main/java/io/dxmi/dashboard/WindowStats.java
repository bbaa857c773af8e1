package io.dxmi.dashboard;

import java.util.Arrays;

/**
 * One camera's recent scores for the windowed figures: a ring of the newest {@link #CAPACITY} (scored time,
 * decision, latency), so memory is fixed whatever the rate. {@link #summary} computes over the scores scored in the
 * last {@code window} before {@code now}: the alarm rate (share of anomalous decisions), frames/s and the latency
 * percentiles by nearest rank. Not thread-safe: its owner ({@link CameraBoard}) guards it.
 */
final class WindowStats {

    /** Scores kept per camera: a minute at 68 frames/s; at higher rates the window is the newest of these. */
    static final int CAPACITY = 4096;

    private final long[] scoredMicros;
    private final float[] latencyMillis;
    private final boolean[] anomalous;
    private int next;
    private int size;
    private long firstMicros = Long.MAX_VALUE;

    WindowStats() {
        this(CAPACITY);
    }

    WindowStats(int capacity) {
        scoredMicros = new long[capacity];
        latencyMillis = new float[capacity];
        anomalous = new boolean[capacity];
    }

    /** Adds one score. */
    void add(long scoredAtMicros, boolean alarm, double latencyMs) {
        scoredMicros[next] = scoredAtMicros;
        latencyMillis[next] = (float) latencyMs;
        anomalous[next] = alarm;
        next = (next + 1) % scoredMicros.length;
        size = Math.min(size + 1, scoredMicros.length);
        firstMicros = Math.min(firstMicros, scoredAtMicros);
    }

    /**
     * The figures over the scores scored in {@code (now - window, now]}.
     *
     * <p>Frames/s divides the count by the window, or by the time since this camera's first score when that is
     * shorter (a camera that started 5 s ago is not reported at a twelfth of its rate), at least one second; when
     * the ring is full and its oldest score is inside the window, by the time the ring covers instead.
     */
    Summary summary(long nowMicros, long windowMicros) {
        long from = nowMicros - windowMicros;
        float[] lat = new float[size];
        int n = 0;
        int alarms = 0;
        long oldest = Long.MAX_VALUE;
        for (int i = 0; i < size; i++) {
            long t = scoredMicros[i];
            if (t > from && t <= nowMicros) {
                lat[n++] = latencyMillis[i];
                alarms += anomalous[i] ? 1 : 0;
                oldest = Math.min(oldest, t);
            }
        }
        long span = windowMicros;
        if (firstMicros > from) {
            span = nowMicros - firstMicros;
        }
        boolean truncated = size == scoredMicros.length && n == size;
        if (truncated) {
            span = nowMicros - oldest;
        }
        double spanSeconds = Math.max(1.0, span / 1e6);
        if (n == 0) {
            return new Summary(0, 0, Double.NaN, 0, Double.NaN, Double.NaN, Math.min(spanSeconds, windowMicros / 1e6),
                    false);
        }
        float[] sorted = Arrays.copyOf(lat, n);
        Arrays.sort(sorted);
        return new Summary(n, alarms, (double) alarms / n, n / spanSeconds, percentile(sorted, 0.50),
                percentile(sorted, 0.99), spanSeconds, truncated);
    }

    /** The nearest-rank percentile of sorted values: the smallest value with at least {@code q} of them at or below. */
    static double percentile(float[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    /**
     * One camera's window.
     *
     * @param scores scores in the window
     * @param alarms anomalous decisions among them
     * @param alarmRate alarms / scores (NaN without scores)
     * @param framesPerSecond scores per second over the window
     * @param latencyP50Ms median capture-to-scored latency, ms (nearest rank)
     * @param latencyP99Ms 99th percentile of it
     * @param seconds the time the figures cover
     * @param truncated whether the window holds more scores than are kept, so it covers only the newest
     */
    record Summary(int scores, int alarms, double alarmRate, double framesPerSecond, double latencyP50Ms,
            double latencyP99Ms, double seconds, boolean truncated) {}
}
