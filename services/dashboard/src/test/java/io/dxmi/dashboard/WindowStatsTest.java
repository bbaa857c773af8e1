package io.dxmi.dashboard;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cameras' windowed figures against values computed by hand. */
class WindowStatsTest {

    private static final long S = 1_000_000L; // microseconds in a second

    @Test
    void nearestRankPercentiles() {
        float[] four = {1, 2, 3, 4};
        assertEquals(1, WindowStats.percentile(four, 0.25)); // rank ceil(1.0) = 1
        assertEquals(2, WindowStats.percentile(four, 0.50)); // rank ceil(2.0) = 2
        assertEquals(3, WindowStats.percentile(four, 0.51)); // rank ceil(2.04) = 3
        assertEquals(4, WindowStats.percentile(four, 0.99)); // rank ceil(3.96) = 4
        assertEquals(7, WindowStats.percentile(new float[] {7}, 0.99));
        assertTrue(Double.isNaN(WindowStats.percentile(new float[0], 0.5)));
        float[] hundred = new float[100];
        for (int i = 0; i < 100; i++) {
            hundred[i] = i + 1; // 1..100
        }
        assertEquals(50, WindowStats.percentile(hundred, 0.50));
        assertEquals(99, WindowStats.percentile(hundred, 0.99));
    }

    @Test
    void alarmRateRateAndLatencyOverTheWindowOnly() {
        WindowStats w = new WindowStats();
        // Outside a 10 s window ending at 100 s: at 80 s, 85 s and exactly 90 s (the window is (90 s, 100 s]).
        w.add(80 * S, true, 1000);
        w.add(85 * S, true, 1000);
        w.add(90 * S, true, 1000);
        double[] latency = {5, 1, 9, 3, 7, 2, 8, 4, 6, 10};
        for (int i = 0; i < 10; i++) {
            w.add((91 + i) * S, i == 2 || i == 5 || i == 9, latency[i]);
        }
        WindowStats.Summary s = w.summary(100 * S, 10 * S);
        assertEquals(10, s.scores());
        assertEquals(3, s.alarms());
        assertEquals(0.3, s.alarmRate(), 1e-12);
        assertEquals(1.0, s.framesPerSecond(), 1e-12, "10 scores over the 10 s window");
        assertEquals(5, s.latencyP50Ms(), "5th of 1..10");
        assertEquals(10, s.latencyP99Ms(), "10th of 1..10");
        assertEquals(10, s.seconds(), 1e-12);
        assertFalse(s.truncated());
        // Later, with nothing new: the window empties, the rates go to nothing rather than staying.
        WindowStats.Summary later = w.summary(200 * S, 10 * S);
        assertEquals(0, later.scores());
        assertTrue(Double.isNaN(later.alarmRate()));
        assertEquals(0, later.framesPerSecond());
        assertTrue(Double.isNaN(later.latencyP99Ms()));
    }

    @Test
    void aCameraThatJustStartedIsMeasuredOverItsOwnTime() {
        WindowStats w = new WindowStats();
        for (int i = 0; i < 5; i++) {
            w.add((96 * S) + i * S, false, 2); // 96..100 s
        }
        WindowStats.Summary s = w.summary(100 * S, 60 * S);
        assertEquals(5, s.scores());
        assertEquals(5 / 4.0, s.framesPerSecond(), 1e-12, "5 scores since its first, 4 s ago");
        assertEquals(0.0, s.alarmRate());
    }

    @Test
    void aFullRingCoversOnlyItsNewestScores() {
        WindowStats w = new WindowStats(4);
        for (int i = 0; i < 6; i++) {
            w.add((95 + i) * S, i < 2, i + 1); // 95..100 s; the two alarms are the oldest two
        }
        WindowStats.Summary s = w.summary(100 * S, 60 * S);
        assertEquals(4, s.scores(), "the ring holds four");
        assertEquals(0, s.alarms(), "the alarms fell out of the ring");
        assertTrue(s.truncated());
        assertEquals(4 / 3.0, s.framesPerSecond(), 1e-12, "four scores over the 3 s the ring covers");
        assertEquals(4, s.latencyP50Ms(), "2nd of 3, 4, 5, 6");
        assertEquals(6, s.latencyP99Ms());
    }
}
