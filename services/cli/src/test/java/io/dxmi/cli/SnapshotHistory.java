package io.dxmi.cli;

import io.dxmi.pipeline.RunTopics;
import io.dxmi.pipeline.SnapshotFollower;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.metrics.Metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every snapshot of one model of a run (the policy, the EBM) in topic order, from the start of its
 * topic, the versions a restarted learner publishes again included: where two runs that should be
 * identical part, the first version that differs says when (before or after a fault) and, compared
 * across models, which learner parted first; a republished version that differs from its first
 * publication says that the restarted learner did not redo its steps exactly.
 */
final class SnapshotHistory implements AutoCloseable {

    private final String model;
    private final SnapshotFollower follower;
    /** (version, weights) in topic order; guarded by itself. */
    private final List<Map.Entry<Long, Map<String, float[]>>> records = new ArrayList<>();

    private SnapshotHistory(KafkaSettings kafka, String run, String model) {
        this.model = model;
        follower = SnapshotFollower.builder().setKafka(kafka, new RunTopics(run),
                Metrics.create("history-" + run + "-" + model)).setModels(Set.of(model)).optSequence(model, 0)
                .optListener(v -> {
                    synchronized (records) {
                        records.add(Map.entry(v.version(), v.weights()));
                    }
                }).build().start();
        // Followed in sequence, so that the reader reads on: take what it queues (the listener keeps all).
        Thread drain = new Thread(() -> {
            try {
                for (long v = 0; ; v++) {
                    v = follower.version(model, v).get().version();
                }
            } catch (Exception e) {
                // Closed: what was recorded stays.
            }
        }, model + "-history-" + run);
        drain.setDaemon(true);
        drain.start();
    }

    /** Starts recording run {@code run}'s snapshots of {@code model} ({@link RunTopics#POLICY}, {@link RunTopics#EBM}). */
    static SnapshotHistory record(KafkaSettings kafka, String run, String model) {
        return new SnapshotHistory(kafka, run, model);
    }

    /** Waits (at most {@code limit}) until version {@code version} is recorded. */
    void awaitVersion(long version, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!firsts().containsKey(version) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /** Each version's first publication. */
    private Map<Long, Map<String, float[]>> firsts() {
        Map<Long, Map<String, float[]>> out = new TreeMap<>();
        synchronized (records) {
            records.forEach(e -> out.putIfAbsent(e.getKey(), e.getValue()));
        }
        return out;
    }

    /**
     * Where {@code killed} parts from {@code undisturbed}: the first version whose first publication differs
     * (with the tensor and the largest difference), and whether {@code killed}'s republished versions match
     * their first publications.
     */
    static String firstDifference(SnapshotHistory killed, SnapshotHistory undisturbed) {
        Map<Long, Map<String, float[]>> mine = killed.firsts();
        Map<Long, Map<String, float[]>> theirs = undisturbed.firsts();
        String parted = killed.model + ": identical in every version both hold";
        int same = 0;
        for (Map.Entry<Long, Map<String, float[]>> e : mine.entrySet()) {
            Map<String, float[]> other = theirs.get(e.getKey());
            if (other == null) {
                continue;
            }
            String d = difference(e.getValue(), other);
            if (d != null) {
                parted = killed.model + " v" + e.getKey() + " is the first that differs (" + d + "); the " + same
                        + " versions before it are bit-identical";
                break;
            }
            same++;
        }
        List<String> republished = new ArrayList<>();
        Map<Long, Integer> seen = new TreeMap<>();
        synchronized (killed.records) {
            for (Map.Entry<Long, Map<String, float[]>> e : killed.records) {
                if (seen.merge(e.getKey(), 1, Integer::sum) > 1) {
                    String d = difference(e.getValue(), mine.get(e.getKey()));
                    republished.add("v" + e.getKey() + (d == null ? " same" : " differs (" + d + ")"));
                }
            }
        }
        return parted + "; republished after the restart: " + (republished.isEmpty() ? "none" : republished);
    }

    /** The first tensor that differs and its largest difference, or null when the two are bit-identical. */
    private static String difference(Map<String, float[]> a, Map<String, float[]> b) {
        for (Map.Entry<String, float[]> t : a.entrySet()) {
            float[] x = t.getValue();
            float[] y = b.get(t.getKey());
            if (y == null || x.length != y.length) {
                return t.getKey() + ": another shape";
            }
            double largest = 0;
            for (int i = 0; i < x.length; i++) {
                if (Float.floatToIntBits(x[i]) != Float.floatToIntBits(y[i])) {
                    largest = Math.max(largest, Math.abs((double) x[i] - y[i]));
                }
            }
            if (largest > 0) {
                return t.getKey() + ": largest difference " + largest;
            }
        }
        return null;
    }

    /** Stops recording; what was recorded stays readable. */
    @Override
    public void close() {
        follower.close();
    }
}
