package io.dxmi.platform.snapshot;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.messaging.DeadLetterPublisher;
import io.dxmi.platform.messaging.TopicTraffic;
import io.dxmi.platform.metrics.Metrics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives blobs published by {@link ChunkedBlobs}: reads the manifest topic from the beginning (no consumer
 * group: every assembler sees every manifest), keeps the newest version per name, fetches that version's chunks
 * from the partition and offset the manifest names, and checks size and SHA-256 <em>before</em> calling the
 * handler. A blob that fails the check (or whose chunks are gone, or that the handler throws on) is discarded,
 * counted, logged and, when a {@link DeadLetterPublisher} is set, its manifest is dead-lettered.
 *
 * <p>A late starter first catches up with the manifest topic and only then fetches, so it downloads only the
 * newest version of each name, not the history. Versions not newer than the last one handled are ignored.
 *
 * <p>Threading and lifetime: one dedicated thread owns two plain Kafka consumers (assembly is sequential and
 * blocking by nature); the handler runs on it. {@link #start()} starts it, {@link #close()} stops and joins it.
 */
public final class BlobAssembler implements AutoCloseable {

  /** Receives verified blobs. */
  @FunctionalInterface
  public interface BlobHandler {
    /** Called on the assembler thread with a blob whose SHA-256 matched; hand heavy work off. */
    void accept(AssembledBlob blob) throws Exception;
  }

  private static final Logger LOG = LoggerFactory.getLogger(BlobAssembler.class);
  private static final Duration POLL = Duration.ofMillis(200);

  private final KafkaSettings settings;
  private final String manifestTopic;
  private final BlobHandler handler;
  private final Predicate<String> names;
  private final DeadLetterPublisher deadLetters;
  private final Path spoolDir;
  private final Duration fetchTimeout;
  private final Metrics metrics;
  private final TopicTraffic traffic;

  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final Map<String, Long> handled = new ConcurrentHashMap<>();
  private final Map<String, Pending> newest = new LinkedHashMap<>(); // assembler thread only
  private volatile boolean running;
  private Thread thread;
  private KafkaConsumer<String, byte[]> manifests;

  private record Pending(BlobManifest manifest, ConsumerRecord<String, byte[]> record) {
  }

  private BlobAssembler(Builder b) {
    this.settings = b.settings;
    this.manifestTopic = b.manifestTopic;
    this.handler = b.handler;
    this.names = b.names;
    this.deadLetters = b.deadLetters;
    this.spoolDir = b.spoolDir;
    this.fetchTimeout = b.fetchTimeout;
    this.metrics = b.metrics;
    this.traffic = metrics == null ? null : TopicTraffic.consumed(metrics);
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Starts the assembler thread. */
  public synchronized BlobAssembler start() {
    if (thread != null) {
      throw new IllegalStateException("BlobAssembler already started");
    }
    manifests = new KafkaConsumer<>(toObjectMap(settings.consumerProperties(null)), new StringDeserializer(),
        new ByteArrayDeserializer());
    running = true;
    thread = new Thread(this::run, "blob-assembler-" + manifestTopic);
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  /** Blobs handed to the handler. */
  public long delivered() {
    return delivered.get();
  }

  /** Blobs (or manifests) refused: bad digest, missing chunks, undecodable records, handler failures. */
  public long rejected() {
    return rejected.get();
  }

  /** The last version handled (delivered or refused) per name. */
  public Map<String, Long> handledVersions() {
    return Map.copyOf(handled);
  }

  /** Stops the thread (interrupting a fetch) and closes the consumers. */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      t = thread;
      if (t == null || !running) {
        return;
      }
      running = false;
    }
    manifests.wakeup();
    try {
      t.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    try (KafkaConsumer<String, byte[]> chunks = new KafkaConsumer<>(chunkConsumerProps(), new StringDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> tps = manifests.partitionsFor(manifestTopic).stream()
          .map((PartitionInfo p) -> new TopicPartition(p.topic(), p.partition())).toList();
      manifests.assign(tps);
      manifests.seekToBeginning(tps);
      while (running) {
        ConsumerRecords<String, byte[]> records = manifests.poll(POLL);
        for (ConsumerRecord<String, byte[]> r : records) {
          countConsumed(r);
          onManifest(r);
        }
        exportLag(tps);
        // Catch up first: during start-up the topic may still hold several versions per name.
        if (records.isEmpty() || caughtUp(tps)) {
          fetchPending(chunks);
        }
      }
    } catch (WakeupException e) {
      if (running) {
        LOG.error("Blob assembler woken up unexpectedly", e);
      }
    } catch (RuntimeException e) {
      LOG.error("Blob assembler for {} stopped on an unexpected error", manifestTopic, e);
    } finally {
      manifests.close();
    }
  }

  private boolean caughtUp(List<TopicPartition> tps) {
    for (TopicPartition tp : tps) {
      OptionalLong lag = manifests.currentLag(tp);
      if (lag.isEmpty() || lag.getAsLong() > 0) {
        return false;
      }
    }
    return true;
  }

  private void onManifest(ConsumerRecord<String, byte[]> r) {
    if (r.value() == null) {
      return; // tombstone: a deleted name
    }
    BlobManifest m;
    try {
      m = BlobCodec.decodeManifest(r.value());
    } catch (IOException | RuntimeException e) {
      reject(r, null, new IOException("Undecodable blob manifest: " + e.getMessage(), e));
      return;
    }
    if (!names.test(m.name())) {
      return;
    }
    Pending cur = newest.get(m.name());
    long done = handled.getOrDefault(m.name(), Long.MIN_VALUE);
    if (m.version() > done && (cur == null || m.version() > cur.manifest().version())) {
      newest.put(m.name(), new Pending(m, r));
    }
  }

  private void fetchPending(KafkaConsumer<String, byte[]> chunks) {
    for (Pending p : List.copyOf(newest.values())) {
      if (!running) {
        return;
      }
      BlobManifest m = p.manifest();
      newest.remove(m.name());
      handled.put(m.name(), m.version());
      AssembledBlob blob;
      try {
        blob = fetch(chunks, m);
      } catch (Exception e) {
        reject(p.record(), m, e);
        continue;
      }
      delivered.incrementAndGet();
      count("delivered");
      LOG.debug("Blob {} v{} assembled ({} bytes, sha256 ok)", m.name(), m.version(), m.size());
      try {
        handler.accept(blob);
      } catch (Exception e) {
        // The handler could not use it (e.g. undecodable content): dead-letter it like a failed check.
        LOG.error("Blob handler failed for {} v{}", m.name(), m.version(), e);
        reject(p.record(), m, e);
      }
    }
  }

  private AssembledBlob fetch(KafkaConsumer<String, byte[]> chunks, BlobManifest m) throws Exception {
    if (m.inline() != null) {
      if (m.inline().length != m.size()
          || !MessageDigest.isEqual(MessageDigest.getInstance("SHA-256").digest(m.inline()), m.sha256())) {
        throw new IOException("Inline blob " + m.name() + " v" + m.version() + " does not match its size or SHA-256");
      }
      return new AssembledBlob(m, m.inline(), null);
    }
    if (m.chunkPartition() < 0 || m.firstOffset() < 0 || m.chunkTopic().isEmpty()) {
      throw new IOException("Manifest has no chunk location: " + m);
    }
    TopicPartition tp = new TopicPartition(m.chunkTopic(), m.chunkPartition());
    chunks.assign(List.of(tp));
    chunks.seek(tp, m.firstOffset());
    Sink sink = spoolDir != null ? new FileSink(spoolDir, m) : new MemorySink(m.size());
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      String key = m.chunkKey();
      TreeMap<Integer, byte[]> early = new TreeMap<>(); // chunks seen before their turn
      int expected = 0;
      long written = 0;
      long deadline = System.nanoTime() + fetchTimeout.toNanos();
      while (expected < m.count()) {
        if (!running) {
          throw new IOException("Assembler closing");
        }
        if (System.nanoTime() > deadline) {
          throw new IOException("Timed out after " + fetchTimeout + " with " + expected + " of " + m.count()
              + " chunks of " + key);
        }
        for (ConsumerRecord<String, byte[]> r : chunks.poll(POLL)) {
          countConsumed(r);
          if (!key.equals(r.key()) || r.value() == null) {
            continue; // another blob's chunk interleaved on the same partition
          }
          BlobChunk c = BlobCodec.decodeChunk(r.value());
          if (!c.name().equals(m.name()) || c.version() != m.version() || c.count() != m.count()
              || c.index() < 0 || c.index() >= m.count()) {
            throw new IOException("Chunk " + c.index() + "/" + c.count() + " at offset " + r.offset()
                + " does not belong to " + m);
          }
          if (c.index() >= expected) {
            early.putIfAbsent(c.index(), c.data());
          }
          while (!early.isEmpty() && early.firstKey() == expected) {
            byte[] data = early.pollFirstEntry().getValue();
            written += data.length;
            if (written > m.size()) {
              throw new IOException("Chunks of " + key + " exceed the manifest size " + m.size());
            }
            digest.update(data);
            sink.write(data);
            expected++;
          }
        }
      }
      if (written != m.size()) {
        throw new IOException("Blob " + key + " has " + written + " bytes, manifest says " + m.size());
      }
      byte[] actual = digest.digest();
      if (!MessageDigest.isEqual(actual, m.sha256())) {
        throw new IOException("SHA-256 mismatch for " + key + ": expected " + m.sha256Hex() + ", got "
            + java.util.HexFormat.of().formatHex(actual));
      }
      return sink.finish(m);
    } catch (Exception | Error e) {
      sink.discard();
      throw e;
    } finally {
      chunks.unsubscribe();
    }
  }

  private void reject(ConsumerRecord<String, byte[]> r, BlobManifest m, Exception why) {
    rejected.incrementAndGet();
    count("rejected");
    LOG.warn("Refused blob {} from {}-{}@{}: {}", m == null ? "?" : m.name() + " v" + m.version(), r.topic(),
        r.partition(), r.offset(), why.getMessage());
    if (deadLetters != null) {
      try {
        byte[] key = r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8);
        deadLetters.publish(r.topic(), r.partition(), r.offset(), key, r.value(), why).await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.error("Could not dead-letter refused blob manifest {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
            e.toString());
      }
    }
  }

  private void countConsumed(ConsumerRecord<String, byte[]> r) {
    if (traffic != null) {
      traffic.consumed(r.topic(), "ok", r.key(), r.value(), true);
    }
  }

  /** The manifest consumer's lag from its last fetch (no broker request), as {@code dxmi_consumer_lag_records}. */
  private void exportLag(List<TopicPartition> tps) {
    if (metrics == null) {
      return;
    }
    for (TopicPartition tp : tps) {
      OptionalLong lag = manifests.currentLag(tp);
      if (lag.isPresent()) {
        TopicTraffic.lagGauge(metrics, tp.topic(), tp.partition()).set(lag.getAsLong());
      }
    }
  }

  private void count(String outcome) {
    if (metrics != null) {
      metrics.counterFamily("dxmi_blobs_total", "Blobs assembled, by topic and outcome (delivered, rejected)", "topic",
          "outcome").labels(manifestTopic, outcome).inc();
    }
  }

  private Map<String, Object> chunkConsumerProps() {
    Map<String, Object> p = toObjectMap(settings.consumerProperties(null));
    // Several chunks per fetch; a missing offset must fail (retention deleted the chunks), not jump elsewhere.
    p.put("max.partition.fetch.bytes", Integer.toString(16 * 1024 * 1024));
    p.put("auto.offset.reset", "none");
    return p;
  }

  private static Map<String, Object> toObjectMap(Map<String, String> m) {
    return new HashMap<>(m);
  }

  private interface Sink {
    void write(byte[] data) throws IOException;

    AssembledBlob finish(BlobManifest m) throws IOException;

    void discard();
  }

  private static final class MemorySink implements Sink {
    private final byte[] buf;
    private int pos;

    MemorySink(long size) throws IOException {
      if (size > Integer.MAX_VALUE - 8) {
        throw new IOException("Blob of " + size + " bytes is too large for memory: set optSpoolDir");
      }
      buf = new byte[(int) size];
    }

    @Override
    public void write(byte[] data) {
      System.arraycopy(data, 0, buf, pos, data.length);
      pos += data.length;
    }

    @Override
    public AssembledBlob finish(BlobManifest m) {
      return new AssembledBlob(m, buf, null);
    }

    @Override
    public void discard() {
    }
  }

  private static final class FileSink implements Sink {
    private final Path tmp;
    private final Path dir;
    private final OutputStream out;

    FileSink(Path dir, BlobManifest m) throws IOException {
      Files.createDirectories(dir);
      this.dir = dir;
      this.tmp = Files.createTempFile(dir, ".partial-" + m.name() + "-" + m.version() + "-", ".tmp");
      this.out = Files.newOutputStream(tmp);
    }

    @Override
    public void write(byte[] data) throws IOException {
      out.write(data);
    }

    @Override
    public AssembledBlob finish(BlobManifest m) throws IOException {
      out.close();
      // Renamed only after verification: a file named like a blob is always a verified one.
      Path target = dir.resolve(m.name() + "-" + m.version() + ".blob");
      Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return new AssembledBlob(m, null, target);
    }

    @Override
    public void discard() {
      try {
        out.close();
        Files.deleteIfExists(tmp);
      } catch (IOException e) {
        LOG.warn("Could not delete partial blob {}", tmp, e);
      }
    }
  }

  /** Builder: {@code setX} for required values, {@code optX} for optional ones. */
  public static final class Builder {
    private KafkaSettings settings;
    private String manifestTopic;
    private BlobHandler handler;
    private Predicate<String> names = n -> true;
    private DeadLetterPublisher deadLetters;
    private Path spoolDir;
    private Duration fetchTimeout = Duration.ofMinutes(2);
    private Metrics metrics;

    private Builder() {
    }

    /** Required. */
    public Builder setSettings(KafkaSettings settings) {
      this.settings = settings;
      return this;
    }

    /** Required: the compacted manifest topic. */
    public Builder setManifestTopic(String topic) {
      this.manifestTopic = topic;
      return this;
    }

    /** Required: receives verified blobs. */
    public Builder setHandler(BlobHandler handler) {
      this.handler = handler;
      return this;
    }

    /** Optional: only these names (default all). */
    public Builder optNames(Set<String> wanted) {
      Set<String> copy = Set.copyOf(wanted);
      this.names = copy::contains;
      return this;
    }

    /** Optional: where refused manifests go, with the reason. */
    public Builder optDeadLetters(DeadLetterPublisher deadLetters) {
      this.deadLetters = deadLetters;
      return this;
    }

    /** Optional: assemble into files in this directory instead of memory (needed above 2 GB). */
    public Builder optSpoolDir(Path dir) {
      this.spoolDir = dir;
      return this;
    }

    /** Optional: how long one blob's chunks may take to arrive (default 2 minutes). */
    public Builder optFetchTimeout(Duration timeout) {
      this.fetchTimeout = Objects.requireNonNull(timeout);
      return this;
    }

    /**
     * Optional: counts blobs in {@code dxmi_blobs_total}, records and bytes read per topic, and the manifest
     * topic's consumer lag.
     */
    public Builder optMetrics(Metrics metrics) {
      this.metrics = metrics;
      return this;
    }

    /** Validates and builds (not started). */
    public BlobAssembler build() {
      if (settings == null || manifestTopic == null || handler == null) {
        throw new IllegalArgumentException("BlobAssembler needs setSettings, setManifestTopic and setHandler");
      }
      return new BlobAssembler(this);
    }
  }
}
