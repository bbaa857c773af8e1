package io.dxmi.platform.snapshot;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;

import io.dxmi.platform.messaging.Producer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Publishes blobs of any size over Kafka, with no shared file system. A blob up to the inline
 * limit travels inside its manifest record (one produce, one fetch: most of a small snapshot's
 * latency). A larger one is split into chunks sent to the same topic, keyed
 * {@code <name>/<version>} (one partition, in order), and only once every chunk is acknowledged
 * the manifest goes out, keyed {@code name}. The SHA-256 is computed once, while the blob is
 * read; the service encodes the manifest record itself from the {@link BlobRef} (so the blob is
 * wrapped once, in the service's own record) and {@link BlobReader} reads it back.
 *
 * <p>Chunks are sent with a bounded window ({@link Builder#optWindow}). The producer is not
 * owned: close it yourself.
 */
public final class ChunkedBlobs {

    /** Default chunk size: half a MiB, well under the 2 MiB record limit. */
    public static final int DEFAULT_CHUNK_SIZE = 512 * 1024;
    /** Blobs up to this size travel inside the manifest. */
    public static final int DEFAULT_INLINE_LIMIT = 512 * 1024;
    /** The largest chunk a record can carry (a chunk and its framing within 2 MiB). */
    public static final int MAX_CHUNK_SIZE = 1_572_864;

    private final Vertx vertx;
    private final Producer producer;
    private final int chunkSize;
    private final int inlineLimit;
    private final int window;

    private ChunkedBlobs(Builder b) {
        this.vertx = b.vertx;
        this.producer = b.producer;
        this.chunkSize = b.chunkSize;
        this.inlineLimit = b.inlineLimit;
        this.window = b.window;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The chunk key {@code <name>/<version>}. */
    public static String chunkKey(String name, long version) {
        return name + "/" + version;
    }

    /**
     * Publishes {@code blob} as version {@code version} of {@code name} on {@code topic}:
     * chunks first when it is large, then the record {@code manifest} makes of its
     * {@link BlobRef}. Completes with the reference once the manifest is acknowledged.
     */
    public Future<BlobRef> publish(String topic, String name, long version, byte[] blob,
            Function<BlobRef, byte[]> manifest) {
        Objects.requireNonNull(blob, "blob");
        if (name == null || name.isEmpty() || name.contains("/")) {
            return Future.failedFuture(new IllegalArgumentException("Blob name must be non-empty without '/': " + name));
        }
        if (blob.length <= inlineLimit) {
            BlobRef ref = new BlobRef(name, version, blob.length, sha256().digest(blob), blob, 0, 0, -1);
            return sendManifest(topic, ref, manifest);
        }
        Promise<BlobRef> result = Promise.promise();
        // All progress runs on one context, so the state below needs no locking.
        Context ctx = vertx.getOrCreateContext();
        ctx.runOnContext(v -> new Upload(topic, name, version, blob, manifest, result).pump());
        return result.future();
    }

    private Future<BlobRef> sendManifest(String topic, BlobRef ref, Function<BlobRef, byte[]> manifest) {
        byte[] record;
        try {
            record = manifest.apply(ref);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        return producer.send(topic, ref.name(), record).map(md -> ref);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private final class Upload {
        final String topic;
        final String name;
        final long version;
        final byte[] blob;
        final Function<BlobRef, byte[]> manifest;
        final Promise<BlobRef> result;
        final int count;
        final MessageDigest digest = sha256();
        final String key;
        int next;
        int inFlight;
        int acked;
        boolean failed;
        int partition = -1;
        long firstOffset = Long.MAX_VALUE;

        Upload(String topic, String name, long version, byte[] blob, Function<BlobRef, byte[]> manifest,
                Promise<BlobRef> result) {
            this.topic = topic;
            this.name = name;
            this.version = version;
            this.blob = blob;
            this.manifest = manifest;
            this.result = result;
            this.count = (int) ((blob.length + (long) chunkSize - 1) / chunkSize);
            this.key = chunkKey(name, version);
        }

        void pump() {
            // Chunks are hashed in order as they are cut; up to `window` wait for acknowledgement.
            while (!failed && inFlight < window && next < count) {
                int i = next++;
                int from = i * chunkSize;
                byte[] data = Arrays.copyOfRange(blob, from, Math.min(blob.length, from + chunkSize));
                digest.update(data);
                inFlight++;
                producer.send(topic, key, BlobCodec.encode(new BlobChunk(name, version, i, count, data)))
                        .onComplete(sent -> onAck(sent.succeeded() ? sent.result() : null, sent.cause()));
            }
        }

        void onAck(RecordMetadata md, Throwable err) {
            inFlight--;
            if (failed) {
                return;
            }
            if (err != null) {
                failed = true;
                result.fail(err);
                return;
            }
            if (partition >= 0 && md.partition() != partition) {
                failed = true;
                result.fail(new IllegalStateException("Chunks of " + key + " landed on partitions " + partition
                        + " and " + md.partition() + "; a blob topic has one partition"));
                return;
            }
            partition = md.partition();
            firstOffset = Math.min(firstOffset, md.offset());
            if (++acked == count) {
                BlobRef ref = new BlobRef(name, version, blob.length, digest.digest(), null, count, chunkSize,
                        firstOffset);
                sendManifest(topic, ref, manifest).onComplete(result);
            } else {
                pump();
            }
        }
    }

    /** Builder: {@code setX} for required values, {@code optX} for optional ones. */
    public static final class Builder {
        private Vertx vertx;
        private Producer producer;
        private int chunkSize = DEFAULT_CHUNK_SIZE;
        private int window = 8;
        private int inlineLimit = DEFAULT_INLINE_LIMIT;

        private Builder() {}

        public Builder setVertx(Vertx vertx) {
            this.vertx = vertx;
            return this;
        }

        /** The producer used for chunks and manifests (not closed by this object). */
        public Builder setProducer(Producer producer) {
            this.producer = producer;
            return this;
        }

        /** Blobs up to this size travel inside their manifest (default 512 KiB; 0 disables). */
        public Builder optInlineLimit(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("inline limit must be >= 0, got " + bytes);
            }
            this.inlineLimit = bytes;
            return this;
        }

        /** Bytes per chunk (default 512 KiB; at most {@value #MAX_CHUNK_SIZE}). */
        public Builder optChunkSize(int bytes) {
            if (bytes < 1 || bytes > MAX_CHUNK_SIZE) {
                throw new IllegalArgumentException("Chunk size must be 1.." + MAX_CHUNK_SIZE + " bytes, got " + bytes);
            }
            this.chunkSize = bytes;
            return this;
        }

        /** Chunks awaiting acknowledgement at once (default 8). */
        public Builder optWindow(int chunks) {
            if (chunks < 1) {
                throw new IllegalArgumentException("Window must be at least 1, got " + chunks);
            }
            this.window = chunks;
            return this;
        }

        public ChunkedBlobs build() {
            if (vertx == null || producer == null) {
                throw new IllegalArgumentException("ChunkedBlobs needs setVertx and setProducer");
            }
            return new ChunkedBlobs(this);
        }
    }
}
