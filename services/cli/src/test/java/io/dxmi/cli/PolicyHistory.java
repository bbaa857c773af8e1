package io.dxmi.cli;

import io.dxmi.pipeline.RunTopics;
import io.dxmi.pipeline.SnapshotFollower;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.metrics.Metrics;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Every policy version of a run as first published (a restarted learner's republished versions are not kept),
 * recorded from the start of the run's policy topic: where two runs that should be identical part, the first
 * version that differs says when (before or after a fault).
 */
final class PolicyHistory implements AutoCloseable {

    private final SnapshotFollower follower;
    private final Map<Long, Map<String, float[]>> versions = new ConcurrentHashMap<>();
    private final Thread reader;

    private PolicyHistory(KafkaSettings kafka, String run, long total) {
        follower = SnapshotFollower.builder().setKafka(kafka, new RunTopics(run), Metrics.create("history-" + run))
                .setModels(Set.of(RunTopics.POLICY)).optSequence(RunTopics.POLICY, 0).build().start();
        reader = new Thread(() -> {
            try {
                for (long v = 1; v <= total; v++) {
                    SnapshotFollower.Versioned x = follower.version(RunTopics.POLICY, v).get(10, TimeUnit.MINUTES);
                    versions.put(x.version(), x.weights());
                    v = x.version();
                }
            } catch (Exception e) {
                // The run ended or the follower closed: what was recorded stays.
            }
        }, "policy-history-" + run);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts recording run {@code run}'s policy versions 1 to {@code total}. */
    static PolicyHistory record(KafkaSettings kafka, String run, long total) {
        return new PolicyHistory(kafka, run, total);
    }

    /** Waits (at most {@code limit}) until every version up to the total is recorded. */
    void awaitRecorded(Duration limit) throws InterruptedException {
        reader.join(limit.toMillis());
    }

    /**
     * Where {@code a} and {@code b} first differ: the version, the tensor and the largest difference there, and
     * how many of the versions both hold are bit-identical; "identical" when none differs.
     */
    static String firstDifference(PolicyHistory a, PolicyHistory b) {
        Map<Long, Map<String, float[]>> left = new TreeMap<>(a.versions);
        int same = 0;
        for (Map.Entry<Long, Map<String, float[]>> e : left.entrySet()) {
            Map<String, float[]> other = b.versions.get(e.getKey());
            if (other == null) {
                continue;
            }
            for (Map.Entry<String, float[]> t : e.getValue().entrySet()) {
                float[] x = t.getValue();
                float[] y = other.get(t.getKey());
                double largest = 0;
                for (int i = 0; i < x.length; i++) {
                    largest = Math.max(largest, Math.abs((double) x[i] - y[i]));
                }
                if (largest > 0 || x.length != y.length) {
                    return "policy v" + e.getKey() + " is the first that differs (" + t.getKey() + ": largest difference "
                            + largest + "); " + same + " versions before it are bit-identical";
                }
            }
            same++;
        }
        return "identical in the " + same + " versions both hold";
    }

    /** Stops recording; what was recorded stays readable. */
    @Override
    public void close() {
        reader.interrupt();
        follower.close();
    }
}
