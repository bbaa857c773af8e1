package io.dxmi.pipeline;

import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.messaging.DeadLetterPublisher;
import io.dxmi.platform.metrics.Metrics;
import io.dxmi.platform.snapshot.AssembledBlob;
import io.dxmi.platform.snapshot.BlobAssembler;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.dxmi.schemas.WeightSnapshot;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Follows the newest version of some snapshots (for example "policy" and "ebm"): verified,
 * decoded weights are kept per name, and callers can wait for a version at least as new as
 * they need. A late starter first receives the newest version published so far.
 *
 * <p>Metrics: {@code dxmi_snapshot_bytes{model}} (size of the newest snapshot received) and
 * {@code dxmi_snapshot_delivery_seconds{model}}, from the publisher's creation time (taken before
 * encoding and upload) to decoded weights here. Snapshots published before this follower started
 * are not timed (a late starter would measure its own start, not the delivery); across machines
 * the figure includes their clock difference.
 */
public final class SnapshotFollower implements AutoCloseable {

    /** A decoded snapshot. */
    public record Versioned(String name, long version, WeightSnapshot meta, Map<String, float[]> weights) {}

    private record Waiter(String name, long minVersion, CompletableFuture<Versioned> future) {}

    private final Map<String, Versioned> newest = new LinkedHashMap<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private final BlobAssembler assembler;
    private final Metrics.Family<GaugeDataPoint> sizes;
    private final Metrics.Family<DistributionDataPoint> delivery;
    private final long startedAtMillis = System.currentTimeMillis();
    private volatile long received;

    public SnapshotFollower(KafkaSettings settings, RunTopics topics, Set<String> names, DeadLetterPublisher deadLetters,
            Metrics metrics) {
        this.assembler = BlobAssembler.builder().setSettings(settings).setManifestTopic(topics.snapshots())
                .optNames(names).optDeadLetters(deadLetters).optMetrics(metrics).setHandler(this::accept).build();
        this.sizes = metrics.gaugeFamily("dxmi_snapshot_bytes", "Size of the newest snapshot", "model");
        this.delivery = metrics.histogramFamily("dxmi_snapshot_delivery_seconds",
                "Seconds from a snapshot's creation by its publisher to its verified, decoded weights here",
                new double[] {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}, "model");
    }

    public SnapshotFollower start() {
        assembler.start();
        return this;
    }

    private void accept(AssembledBlob blob) throws Exception {
        WeightSnapshot meta = Snapshots.describe(blob.manifest());
        Map<String, float[]> weights = WeightBlobs.decode(blob.bytes(),
                blob.manifest().name() + " v" + blob.manifest().version());
        Versioned v = new Versioned(blob.manifest().name(), blob.manifest().version(), meta, weights);
        long created = meta.getCreatedAtMillis();
        if (created >= startedAtMillis) {
            delivery.labels(v.name()).observe(Math.max(0, System.currentTimeMillis() - created) / 1000.0);
        }
        sizes.labels(v.name()).set(blob.manifest().size());
        List<CompletableFuture<Versioned>> ready = new ArrayList<>();
        synchronized (this) {
            Versioned old = newest.get(v.name());
            // Versions only move forward: a restarted producer may republish older numbers.
            if (old != null && old.version() >= v.version()) {
                return;
            }
            newest.put(v.name(), v);
            received++;
            for (Iterator<Waiter> it = waiters.iterator(); it.hasNext();) {
                Waiter w = it.next();
                if (w.name().equals(v.name()) && v.version() >= w.minVersion()) {
                    it.remove();
                    ready.add(w.future());
                }
            }
        }
        for (CompletableFuture<Versioned> f : ready) {
            f.complete(v);
        }
    }

    /** The newest version of {@code name} held, or null. */
    public synchronized Versioned newest(String name) {
        return newest.get(name);
    }

    /** Completes with the newest version of {@code name} once it is at least {@code minVersion}. */
    public synchronized CompletableFuture<Versioned> await(String name, long minVersion) {
        Versioned v = newest.get(name);
        if (v != null && v.version() >= minVersion) {
            return CompletableFuture.completedFuture(v);
        }
        CompletableFuture<Versioned> f = new CompletableFuture<>();
        waiters.add(new Waiter(name, minVersion, f));
        return f;
    }

    /** Snapshots accepted so far. */
    public long received() {
        return received;
    }

    @Override
    public void close() {
        assembler.close();
        synchronized (this) {
            for (Waiter w : waiters) {
                w.future().cancel(false);
            }
            waiters.clear();
        }
    }
}
