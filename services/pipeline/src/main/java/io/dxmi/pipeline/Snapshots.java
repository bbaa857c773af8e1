package io.dxmi.pipeline;

import io.dxmi.platform.snapshot.BlobManifest;
import io.dxmi.platform.snapshot.ChunkedBlobs;
import io.dxmi.schemas.SnapshotProvenance;
import io.dxmi.schemas.WeightSnapshot;
import io.dxmi.schemas.codec.Codecs;
import io.vertx.core.Future;

import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/**
 * Publishes weight snapshots of any size: the weights travel as a chunked blob (platform), and
 * the blob's manifest carries the Avro {@link WeightSnapshot} record (model, version, step, size,
 * SHA-256, provenance) under the attribute {@value #ATTRIBUTE}, so its metadata is versioned like
 * every other message.
 */
public final class Snapshots {

    /** Manifest attribute holding the single-object-encoded WeightSnapshot, base64. */
    public static final String ATTRIBUTE = "weightSnapshot";

    private final ChunkedBlobs blobs;
    private final String runId;
    private final String producer;
    private final String configHash;
    private final String dataHash;

    public Snapshots(ChunkedBlobs blobs, String runId, String producer, String configHash, String dataHash) {
        this.blobs = blobs;
        this.runId = runId;
        this.producer = producer;
        this.configHash = configHash;
        this.dataHash = dataHash;
    }

    /** Publishes {@code weights} as version {@code version} of {@code model}. */
    public Future<BlobManifest> publish(String model, long version, long step, long parentVersion,
            Map<String, float[]> weights) {
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
        String sha = sha256(payload);
        WeightSnapshot meta = WeightSnapshot.newBuilder().setRunId(runId).setModel(model).setVersion(version)
                .setStep(step).setSizeBytes(payload.length).setSha256(sha)
                .setProvenance(SnapshotProvenance.newBuilder().setConfigHash(configHash).setDataHash(dataHash)
                        .setParentVersion(parentVersion).setProducer(producer).build())
                .setCreatedAtMillis(System.currentTimeMillis()).setChunkCount(0).setChunkSizeBytes(0).build();
        return blobs.publish(model, version, payload,
                Map.of(ATTRIBUTE, Base64.getEncoder().encodeToString(Codecs.encode(meta))));
    }

    /** The WeightSnapshot record a manifest carries (IllegalArgumentException if none or bad). */
    public static WeightSnapshot describe(BlobManifest manifest) {
        String b64 = manifest.attributes().get(ATTRIBUTE);
        if (b64 == null) {
            throw new IllegalArgumentException("snapshot " + manifest.name() + " v" + manifest.version()
                    + " has no " + ATTRIBUTE + " attribute");
        }
        try {
            return Codecs.decode(WeightSnapshot.class, Base64.getDecoder().decode(b64));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("snapshot " + manifest.name() + " v" + manifest.version()
                    + " has a malformed " + ATTRIBUTE + ": " + e.getMessage(), e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
