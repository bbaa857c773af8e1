package io.dxmi.pipeline;

import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.messaging.DeadLetterPublisher;
import io.dxmi.platform.metrics.Metrics;
import io.dxmi.platform.snapshot.AssembledBlob;
import io.dxmi.platform.snapshot.BlobAssembler;
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
 */
public final class SnapshotFollower implements AutoCloseable {

    /** A decoded snapshot. */
    public record Versioned(String name, long version, WeightSnapshot meta, Map<String, float[]> weights) {}

    private record Waiter(String name, long minVersion, CompletableFuture<Versioned> future) {}

    private final Map<String, Versioned> newest = new LinkedHashMap<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private final BlobAssembler assembler;
    private volatile long received;

    public SnapshotFollower(KafkaSettings settings, RunTopics topics, Set<String> names, DeadLetterPublisher deadLetters,
            Metrics metrics) {
        this.assembler = BlobAssembler.builder().setSettings(settings).setManifestTopic(topics.snapshots())
                .optNames(names).optDeadLetters(deadLetters).optMetrics(metrics).setHandler(this::accept).build();
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
