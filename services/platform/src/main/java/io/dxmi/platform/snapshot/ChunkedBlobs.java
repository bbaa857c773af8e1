package io.dxmi.platform.snapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

import io.dxmi.platform.broker.Topics;
import io.dxmi.platform.messaging.Producer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Publishes blobs of any size over Kafka, with no shared file system: the blob is split into chunks (default
 * {@value #DEFAULT_CHUNK_SIZE} bytes) sent to the chunk topic keyed by {@code <name>/<version>} (so all of them
 * land, in order, on one partition), and only after every chunk is acknowledged a small {@link BlobManifest}
 * (size, count, SHA-256, where the chunks start) goes to the manifest topic keyed by {@code name}.
 *
 * <p>The manifest topic is compacted, so the newest manifest per name stays forever and a late starter finds
 * the newest version of every blob by reading it from the beginning ({@link BlobAssembler}); the chunk topic's
 * retention must outlast the time a version stays the newest ({@link #ensureTopics}).
 *
 * <p>Chunks are sent with a bounded window ({@link Builder#optWindow}) so memory stays small for file sources.
 * The producer is not owned: close it yourself.
 */
public final class ChunkedBlobs {

  /** Default chunk size: half a MiB, well under the 2 MiB record limit. */
  public static final int DEFAULT_CHUNK_SIZE = 512 * 1024;
  /** Blobs up to this size travel inside the manifest. */
  public static final int DEFAULT_INLINE_LIMIT = 512 * 1024;

  private final Vertx vertx;
  private final Producer producer;
  private final String chunkTopic;
  private final String manifestTopic;
  private final int chunkSize;
  private final int inlineLimit;
  private final int window;

  private ChunkedBlobs(Builder b) {
    this.vertx = b.vertx;
    this.producer = b.producer;
    this.chunkTopic = b.chunkTopic;
    this.manifestTopic = b.manifestTopic;
    this.chunkSize = b.chunkSize;
    this.inlineLimit = b.inlineLimit;
    this.window = b.window;
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The chunk key {@code <name>/<version>}. */
  public static String chunkKey(String name, long version) {
    return name + "/" + version;
  }

  /**
   * Creates the two topics if missing: chunks with {@code retention.ms = chunkRetention}; manifests compacted
   * ({@code cleanup.policy=compact}) with one partition, so one reader sees every name in publication order.
   * Blocking.
   */
  public static void ensureTopics(Admin admin, String chunkTopic, int chunkPartitions, String manifestTopic,
      Duration chunkRetention) {
    Topics.ensure(admin, chunkTopic, chunkPartitions, Map.of("retention.ms", Long.toString(chunkRetention.toMillis()),
        "max.message.bytes", "2097152"));
    Topics.ensure(admin, manifestTopic, 1, Map.of("cleanup.policy", "compact"));
  }

  /** Publishes an in-memory blob; completes with its manifest once the manifest is acknowledged. */
  public Future<BlobManifest> publish(String name, long version, byte[] blob, Map<String, String> attributes) {
    Objects.requireNonNull(blob, "blob");
    if (blob.length <= inlineLimit) {
      // Small blobs travel inside the manifest: one produce and one fetch instead of two each,
      // which is most of a snapshot's latency in the synchronous pipeline.
      if (name == null || name.isEmpty() || name.contains("/")) {
        return Future.failedFuture(new IllegalArgumentException("Blob name must be non-empty without '/': " + name));
      }
      byte[] sha;
      try {
        sha = MessageDigest.getInstance("SHA-256").digest(blob);
      } catch (NoSuchAlgorithmException e) {
        return Future.failedFuture(e);
      }
      BlobManifest m = new BlobManifest(name, version, blob.length, 0, sha, Map.copyOf(attributes), "", -1, -1,
          blob.clone());
      return producer.send(manifestTopic, name, BlobCodec.encode(m)).map(x -> m);
    }
    return publish(name, version, blob.length, attributes, (i, off, len) ->
        Future.succeededFuture(Arrays.copyOfRange(blob, (int) off, (int) (off + len))));
  }

  /** Publishes a file, read chunk by chunk on worker threads (files larger than 2 GB are fine). */
  public Future<BlobManifest> publish(String name, long version, Path file, Map<String, String> attributes) {
    long size;
    FileChannel ch;
    try {
      size = Files.size(file);
      ch = FileChannel.open(file, StandardOpenOption.READ);
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    ChunkSource src = (i, off, len) -> vertx.executeBlocking(() -> {
      ByteBuffer buf = ByteBuffer.allocate(len);
      while (buf.hasRemaining()) {
        if (ch.read(buf, off + buf.position()) < 0) {
          throw new IOException("File " + file + " shrank while being published");
        }
      }
      return buf.array();
    });
    return publish(name, version, size, attributes, src).andThen(ar -> {
      try {
        ch.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  private interface ChunkSource {
    Future<byte[]> read(int index, long offset, int length);
  }

  private Future<BlobManifest> publish(String name, long version, long size, Map<String, String> attributes,
      ChunkSource source) {
    if (name == null || name.isEmpty() || name.contains("/")) {
      return Future.failedFuture(new IllegalArgumentException("Blob name must be non-empty without '/': " + name));
    }
    long chunks = Math.max(1, (size + chunkSize - 1) / chunkSize);
    if (chunks > Integer.MAX_VALUE) {
      return Future.failedFuture(new IllegalArgumentException("Blob too large for chunk size " + chunkSize));
    }
    Promise<BlobManifest> result = Promise.promise();
    // All progress runs on one context, so the state below needs no locking.
    Context ctx = vertx.getOrCreateContext();
    ctx.runOnContext(v -> new Upload(name, version, size, (int) chunks, Map.copyOf(attributes), source, result).pump());
    return result.future();
  }

  private final class Upload {
    final String name;
    final long version;
    final long size;
    final int count;
    final Map<String, String> attributes;
    final ChunkSource source;
    final Promise<BlobManifest> result;
    final MessageDigest digest;
    final String key;
    int next;
    int inFlight;
    int acked;
    boolean reading;
    boolean failed;
    int partition = -1;
    long firstOffset = Long.MAX_VALUE;

    Upload(String name, long version, long size, int count, Map<String, String> attributes, ChunkSource source,
        Promise<BlobManifest> result) {
      this.name = name;
      this.version = version;
      this.size = size;
      this.count = count;
      this.attributes = attributes;
      this.source = source;
      this.result = result;
      this.key = chunkKey(name, version);
      try {
        this.digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    void pump() {
      // One read at a time keeps the digest in chunk order; up to `window` chunks wait for acknowledgement.
      while (!failed && !reading && inFlight < window && next < count) {
        int i = next++;
        long off = (long) i * chunkSize;
        int len = (int) Math.min(chunkSize, size - off);
        reading = true;
        inFlight++;
        source.read(i, off, len).onComplete(ar -> {
          reading = false;
          if (ar.failed()) {
            fail(ar.cause());
            return;
          }
          digest.update(ar.result());
          byte[] record = BlobCodec.encode(new BlobChunk(name, version, i, count, ar.result()));
          producer.send(chunkTopic, key, record).onComplete(sent -> onAck(sent.succeeded() ? sent.result() : null,
              sent.cause()));
          pump();
        });
      }
    }

    void onAck(RecordMetadata md, Throwable err) {
      inFlight--;
      if (err != null) {
        fail(err);
        return;
      }
      if (partition >= 0 && md.partition() != partition) {
        fail(new IllegalStateException("Chunks of " + key + " landed on partitions " + partition + " and "
            + md.partition() + "; a custom partitioner must keep one key on one partition"));
        return;
      }
      partition = md.partition();
      firstOffset = Math.min(firstOffset, md.offset());
      if (++acked == count && !failed) {
        BlobManifest m = new BlobManifest(name, version, size, count, digest.digest(), attributes, chunkTopic,
            partition, firstOffset);
        producer.send(manifestTopic, name, BlobCodec.encode(m)).map(x -> m).onComplete(result);
      } else {
        pump();
      }
    }

    void fail(Throwable t) {
      if (!failed) {
        failed = true;
        result.fail(t);
      }
    }
  }

  /** Builder: {@code setX} for required values, {@code optX} for optional ones. */
  public static final class Builder {
    private Vertx vertx;
    private Producer producer;
    private String chunkTopic;
    private String manifestTopic;
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    private int window = 8;
    private int inlineLimit = DEFAULT_INLINE_LIMIT;

    private Builder() {
    }

    /** Required. */
    public Builder setVertx(Vertx vertx) {
      this.vertx = vertx;
      return this;
    }

    /** Required: the producer used for chunks and manifests (not closed by this object). */
    public Builder setProducer(Producer producer) {
      this.producer = producer;
      return this;
    }

    /** Required. */
    public Builder setChunkTopic(String topic) {
      this.chunkTopic = topic;
      return this;
    }

    /** Required: a compacted topic (see {@link #ensureTopics}). */
    public Builder setManifestTopic(String topic) {
      this.manifestTopic = topic;
      return this;
    }

    /** Optional: bytes per chunk (default 512 KiB; at most 1.5 MiB so a chunk fits the 2 MiB record limit). */
    /**
     * Blobs up to this size travel inside their manifest instead of as chunks (default 512 KiB,
     * below Kafka's default 1 MB message limit; 0 disables).
     */
    public Builder optInlineLimit(int bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("inline limit must be >= 0, got " + bytes);
      }
      this.inlineLimit = bytes;
      return this;
    }

    public Builder optChunkSize(int bytes) {
      if (bytes < 1 || bytes > 1_572_864) {
        throw new IllegalArgumentException("Chunk size must be 1..1572864 bytes, got " + bytes);
      }
      this.chunkSize = bytes;
      return this;
    }

    /** Optional: chunks awaiting acknowledgement at once (default 8). */
    public Builder optWindow(int chunks) {
      if (chunks < 1) {
        throw new IllegalArgumentException("Window must be at least 1, got " + chunks);
      }
      this.window = chunks;
      return this;
    }

    /** Validates and builds. */
    public ChunkedBlobs build() {
      if (vertx == null || producer == null || chunkTopic == null || manifestTopic == null) {
        throw new IllegalArgumentException("ChunkedBlobs needs setVertx, setProducer, setChunkTopic, setManifestTopic");
      }
      return new ChunkedBlobs(this);
    }
  }
}
