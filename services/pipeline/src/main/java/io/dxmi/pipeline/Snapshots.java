package io.dxmi.pipeline;

import io.dxmi.platform.messaging.Retry;
import io.dxmi.platform.snapshot.BlobReader;
import io.dxmi.platform.snapshot.BlobRef;
import io.dxmi.platform.snapshot.ChunkedBlobs;
import io.dxmi.schemas.SnapshotProvenance;
import io.dxmi.schemas.WeightSnapshot;
import io.dxmi.schemas.codec.Codecs;
import io.vertx.core.Future;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Map;

/**
 * Publishes weight snapshots of any size on their model's topic: the weights encoded once
 * ({@link WeightBlobs}), hashed once and wrapped once, in a {@link WeightSnapshot} record that
 * carries them inline or points to their chunks ({@link ChunkedBlobs}). A publication that
 * fails (a broker outage longer than the producer's delivery timeout) is retried until it
 * succeeds or the retry's time limit passes; then the returned future fails and the service
 * must stop loudly: a lost version would stall the run.
 */
public final class Snapshots {

    private final ChunkedBlobs blobs;
    private final Retry retry;
    private final RunTopics topics;
    private final String producer;
    private final String planHash;
    private final String dataHash;

    public Snapshots(ChunkedBlobs blobs, Retry retry, RunTopics topics, String producer, String planHash,
            String dataHash) {
        this.blobs = blobs;
        this.retry = retry;
        this.topics = topics;
        this.producer = producer;
        this.planHash = planHash;
        this.dataHash = dataHash;
    }

    /** Publishes {@code weights} as version {@code version} of {@code model} (not a policy). */
    public Future<BlobRef> publish(String model, long version, long step, long parentVersion,
            Map<String, float[]> weights) {
        return publish(model, version, step, parentVersion, weights, -1);
    }

    /**
     * Publishes {@code weights} as version {@code version} of {@code model};
     * {@code nextTrajectoryOffset} is the policy's pacing position (-1 for other models).
     */
    public Future<BlobRef> publish(String model, long version, long step, long parentVersion,
            Map<String, float[]> weights, long nextTrajectoryOffset) {
        return publish(model, version, step, parentVersion, weights, nextTrajectoryOffset, null);
    }

    /**
     * Publishes an energy version with the gap its energy step saw ({@code energyGap}, which the value-learner's
     * policy gate reads; NaN before any energy step). Other models carry no gap: {@link #publish}.
     */
    public Future<BlobRef> publishEnergy(String model, long version, Map<String, float[]> weights, double energyGap) {
        return publish(model, version, version, version - 1, weights, -1, energyGap);
    }

    private Future<BlobRef> publish(String model, long version, long step, long parentVersion,
            Map<String, float[]> weights, long nextTrajectoryOffset, Double energyGap) {
        for (Map.Entry<String, float[]> e : weights.entrySet()) {
            for (float v : e.getValue()) {
                if (!Float.isFinite(v)) {
                    // The trainer's guard should never let this happen; consumers must never see it.
                    return Future.failedFuture(new IllegalStateException("refusing to publish " + model + " v"
                            + version + ": tensor " + e.getKey() + " holds non-finite values"));
                }
            }
        }
        byte[] payload = WeightBlobs.encode(weights);
        long created = System.currentTimeMillis();
        return retry.until("snapshot-" + model, "v" + version, () -> blobs.publish(topics.snapshots(model), model,
                version, payload, ref -> Codecs.encode(WeightSnapshot.newBuilder().setRunId(topics.run())
                        .setModel(model).setVersion(version).setStep(step).setSizeBytes(ref.size())
                        .setSha256(ref.sha256Hex()).setProvenance(SnapshotProvenance.newBuilder()
                                .setConfigHash(planHash).setDataHash(dataHash).setParentVersion(parentVersion)
                                .setProducer(producer).build())
                        .setCreatedAtMillis(created).setChunkCount(ref.chunkCount())
                        .setChunkSizeBytes(ref.chunkSize())
                        .setPayload(ref.inline() == null ? null : ByteBuffer.wrap(ref.inline()))
                        .setFirstChunkOffset(ref.firstChunkOffset())
                        .setNextTrajectoryOffset(nextTrajectoryOffset).setEnergyGap(energyGap).build())));
    }

    /** How snapshot records are read back ({@link BlobReader}). */
    static final BlobReader.Format<WeightSnapshot> FORMAT = new BlobReader.Format<>() {
        @Override
        public WeightSnapshot decode(byte[] record) {
            return Codecs.decode(WeightSnapshot.class, record);
        }

        @Override
        public BlobRef describe(WeightSnapshot m) {
            byte[] sha;
            try {
                sha = HexFormat.of().parseHex(m.getSha256());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(m.getModel() + " v" + m.getVersion() + " has a malformed SHA-256");
            }
            byte[] inline = null;
            if (m.getPayload() != null) {
                ByteBuffer b = m.getPayload().duplicate();
                inline = new byte[b.remaining()];
                b.get(inline);
            }
            return new BlobRef(m.getModel(), m.getVersion(), m.getSizeBytes(), sha, inline, m.getChunkCount(),
                    m.getChunkSizeBytes(), m.getFirstChunkOffset());
        }
    };
}
