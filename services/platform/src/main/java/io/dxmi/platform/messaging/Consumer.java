package io.dxmi.platform.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.metrics.Metrics;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaReadStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At-least-once consumer of {@code byte[]} records with asynchronous handlers.
 *
 * <p>Each record is given to the {@link RecordHandler}, which returns a {@code Future<Void>}; the record's offset
 * becomes committable only when that future has completed <em>and</em> every earlier record of its partition is
 * done, so a crash never skips an unprocessed record (duplicates after a crash are possible: handlers should be
 * idempotent or deduplicate). A handler that throws or fails never stops the consumer: the record is logged,
 * counted, sent to the {@link DeadLetterPublisher} (when one is set) and then committed past.
 *
 * <p>Backpressure: at most {@code maxInFlight} handlers run at once, and up to {@code maxQueued} more records wait
 * in a local queue (so the next record is at hand when a handler finishes, instead of one poll later). Beyond
 * that the assigned <em>partitions</em> are paused. Pausing the Vert.x stream itself would stop polling, and a consumer
 * that does not poll within {@code max.poll.interval.ms} is expelled from its group; paused partitions keep the
 * poll loop and the group membership alive. Records already fetched still arrive, so the queue is bounded by
 * {@code max.poll.records}.
 *
 * <p>Checkpoints: {@link #offsets()} gives, per partition, the next offset to process (everything before it is
 * done). A learner stores them with its checkpoint and passes them back through {@link Builder#optStartOffsets}
 * on restart: those partitions are then read from the saved positions whatever the group's committed offsets.
 *
 * <p>Threading: all state lives on one Vert.x context (the one the consumer starts on); handlers are called there
 * and must not block (use {@code executeBlocking} or a worker). Lifetime: {@link #start()}, then
 * {@link #closeAsync()} (waits for running handlers up to a limit, commits, closes).
 *
 * <p>Metrics (when set): records and bytes per topic and outcome ({@link TopicTraffic#consumed}) and, every
 * {@link Builder#optLagInterval lag interval}, {@code dxmi_consumer_lag_records{topic,partition}}: the
 * partition's end offset minus the first record not yet processed (queued and running records count as lag).
 */
public final class Consumer implements AutoCloseable {

  /** Processes one record asynchronously. */
  @FunctionalInterface
  public interface RecordHandler {
    /**
     * Handles a record; throwing (for example on a decoding error) counts as a failure of this record.
     *
     * @return completes when the record is fully processed
     */
    Future<Void> handle(ConsumerRecord<String, byte[]> record) throws Exception;
  }

  private static final Logger LOG = LoggerFactory.getLogger(Consumer.class);
  private static final java.time.Duration POLL_TIMEOUT = java.time.Duration.ofMillis(10);
  /** How long a close waits for the Kafka client itself, after the close timeout. */
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

  private final Vertx vertx;
  private final KafkaSettings settings;
  private final String groupId;
  private final Set<String> topics;
  private final RecordHandler handler;
  private final DeadLetterPublisher deadLetters;
  private final int maxInFlight;
  private final int maxQueued;
  private final Duration commitInterval;
  private final Duration closeTimeout;
  private final Map<TopicPartition, Long> startOffsets;
  private final boolean manualAssignment;
  private final Metrics metrics;
  private final TopicTraffic traffic;
  private final Duration lagInterval;

  private final AtomicLong processed = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();
  // Written on the context, read from any thread (checkpoints are taken on worker threads).
  private final Map<TopicPartition, Long> committable = new ConcurrentHashMap<>();

  // State below is confined to `context`.
  private Context context;
  private KafkaReadStream<String, byte[]> stream;
  private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
  private final Set<TopicPartition> assigned = new LinkedHashSet<>();
  private final Set<TopicPartition> seeking = new HashSet<>();
  private final Set<TopicPartition> startApplied = new HashSet<>();
  private final ArrayDeque<ConsumerRecord<String, byte[]>> queue = new ArrayDeque<>();
  private int running;
  private volatile int queuedCount; // queue.size(), readable from any thread
  private boolean paused;
  private boolean closing;
  private long commitTimer = -1;
  private long lagTimer = -1;
  private boolean lagPending;
  private Promise<Void> drained;

  private Consumer(Builder b) {
    this.vertx = b.vertx;
    this.settings = b.settings;
    this.groupId = b.groupId;
    this.topics = Set.copyOf(b.topics);
    this.handler = b.handler;
    this.deadLetters = b.deadLetters;
    this.maxInFlight = b.maxInFlight;
    this.maxQueued = b.maxQueued;
    this.commitInterval = b.commitInterval;
    this.closeTimeout = b.closeTimeout;
    this.startOffsets = Map.copyOf(b.startOffsets);
    this.manualAssignment = b.manualAssignment;
    if (manualAssignment && startOffsets.isEmpty()) {
      throw new IllegalArgumentException("manual assignment needs the partitions' start offsets");
    }
    this.metrics = b.metrics;
    this.traffic = metrics == null ? null : TopicTraffic.consumed(metrics);
    this.lagInterval = b.lagInterval;
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Creates the Kafka consumer on a new Vert.x context and subscribes; completes once subscribed.
   */
  public synchronized Future<Void> start() {
    if (context != null) {
      return Future.failedFuture(new IllegalStateException("Consumer already started"));
    }
    // A context of our own: the Vert.x stream binds to the context it is created on, and so does our state.
    context = vertx.getOrCreateContext();
    Promise<Void> started = Promise.promise();
    context.runOnContext(v -> {
      try {
        stream = KafkaConsumer.create(vertx, settings.consumerProperties(groupId), new StringDeserializer(),
            new ByteArrayDeserializer()).asStream();
        // A resumed partition is fetched only at the next poll: with Vert.x's 1 s default, a paused
        // consumer (backpressure, in-flight limit 1) waited up to a second per record.
        stream.pollTimeout(POLL_TIMEOUT);
        stream.exceptionHandler(e -> {
          if (closing && e instanceof org.apache.kafka.common.errors.WakeupException) {
            LOG.debug("Consumer woken up while closing (group {})", groupId); // how a close interrupts a poll
          } else {
            LOG.warn("Kafka consumer error (group {}): {}", groupId, e.toString());
          }
        });
        stream.partitionsAssignedHandler(this::onAssigned);
        stream.partitionsRevokedHandler(this::onRevoked);
        stream.handler(this::onRecord);
        commitTimer = vertx.setPeriodic(commitInterval.toMillis(), id -> commit());
        if (metrics != null) {
          lagTimer = vertx.setPeriodic(lagInterval.toMillis(), id -> updateLag());
        }
        if (manualAssignment) {
          // No group membership: a restarted instance need not wait for the dead one's session to expire.
          Set<TopicPartition> tps = new java.util.HashSet<>(startOffsets.keySet());
          stream.assign(tps).onSuccess(ignored -> onAssigned(tps)).<Void>mapEmpty().onComplete(started);
        } else {
          stream.subscribe(topics).onComplete(started);
        }
      } catch (RuntimeException e) {
        started.fail(e);
      }
    });
    return started.future();
  }

  /**
   * The next offset to process per partition (all earlier records are done), for checkpoints. Partitions from
   * which nothing was processed yet are absent. Safe from any thread.
   */
  public Map<TopicPartition, Long> offsets() {
    return Map.copyOf(committable);
  }

  /** Commits the current {@link #offsets()} of assigned partitions now. */
  public Future<Void> commit() {
    Promise<Void> p = Promise.promise();
    context.runOnContext(v -> doCommit().onComplete(p));
    return p.future();
  }

  /** Records whose handler succeeded. */
  public long processed() {
    return processed.get();
  }

  /** Records fetched and waiting for a free handler slot. */
  public int queued() {
    return queuedCount;
  }

  /** Records whose handler failed or threw. */
  public long failed() {
    return failed.get();
  }

  /** Records handed to the dead-letter publisher successfully. */
  public long deadLettered() {
    return deadLettered.get();
  }

  /**
   * Stops taking records, waits for running handlers, commits what is done (both within the close timeout: a
   * broker that is gone does not hold the close up) and closes the Kafka consumer. Records not yet processed will be read again by the group.
   */
  public Future<Void> closeAsync() {
    Context ctx;
    synchronized (this) {
      ctx = context;
    }
    if (ctx == null) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    ctx.runOnContext(v -> {
      if (closing) {
        done.complete();
        return;
      }
      closing = true;
      vertx.cancelTimer(commitTimer);
      vertx.cancelTimer(lagTimer);
      dropQueued(null);
      drained = Promise.promise();
      if (running == 0) {
        drained.tryComplete();
      }
      long deadline = System.nanoTime() + closeTimeout.toNanos();
      long timer = vertx.setTimer(closeTimeout.toMillis(), id -> drained.tryComplete());
      drained.future()
          .compose(x -> {
            vertx.cancelTimer(timer);
            // Handlers and the final commit share one close timeout: with the broker gone, Kafka's commitSync
            // would wait its whole API timeout (60 s), and a handler waiting for a send would too; the close
            // below wakes the client up. What was not committed is read again (and deduplicated).
            long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            return doCommit().timeout(left, TimeUnit.MILLISECONDS).recover(e -> {
              LOG.warn("Final commit failed (group {}): {}", groupId, e.toString());
              return Future.succeededFuture();
            });
          })
          // Kafka's client runs its calls one after another on one thread: a close queued behind a call that
          // waits for a broker that is gone waits too. Bounded; the thread ends when that call gives up.
          .compose(x -> stream.close().timeout(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS).recover(e -> {
            LOG.warn("Kafka consumer of group {} did not close within {} ms (broker unreachable?); going on",
                groupId, CLOSE_GRACE.toMillis());
            return Future.succeededFuture();
          }))
          .onComplete(done);
    });
    return done.future();
  }

  /** Blocking close; do not call on an event loop. */
  @Override
  public void close() {
    Blocking.await(closeAsync(), "closing the consumer");
  }

  private void onAssigned(Set<TopicPartition> tps) {
    assigned.addAll(tps);
    for (TopicPartition tp : tps) {
      Long start = startOffsets.get(tp);
      partitions.computeIfAbsent(tp, k -> new PartitionState());
      if (start != null && startApplied.add(tp)) {
        // The poll that reported this assignment may already have fetched records from the committed position;
        // they arrive after this handler and are dropped until the seek has been applied.
        seeking.add(tp);
        stream.seek(tp, start).onComplete(ar -> {
          seeking.remove(tp);
          if (ar.failed()) {
            LOG.error("Could not seek {} to {}: {}", tp, start, ar.cause().toString());
          }
        });
      }
    }
    if (paused) {
      // Newly assigned partitions start unpaused; keep backpressure consistent.
      stream.pause(tps);
    }
    LOG.info("Group {} assigned {}", groupId, tps);
  }

  private void onRevoked(Set<TopicPartition> tps) {
    // Commit what is done for the partitions leaving us, so their next owner does not redo it.
    doCommit();
    assigned.removeAll(tps);
    for (TopicPartition tp : tps) {
      partitions.remove(tp);
      committable.remove(tp);
    }
    dropQueued(tps);
  }

  private void onRecord(ConsumerRecord<String, byte[]> r) {
    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
    if (closing || seeking.contains(tp)) {
      return; // closing, or fetched before a seek: it will be read again from the right position
    }
    // Created on demand too: dropping a record whose assignment we have not seen would skip it for good.
    PartitionState st = partitions.computeIfAbsent(tp, k -> new PartitionState());
    if (st.next >= 0 && r.offset() < st.next) {
      return; // already seen (a record re-delivered after a seek backwards within the same batch)
    }
    st.pending.add(r.offset());
    st.next = r.offset() + 1;
    if (running < maxInFlight && queue.isEmpty()) {
      dispatch(r);
    } else {
      queue.add(r);
    }
    queuedCount = queue.size();
    if (!paused && running + queue.size() >= maxInFlight + maxQueued && !assigned.isEmpty()) {
      paused = true;
      stream.pause(Set.copyOf(assigned));
    }
  }

  private void dispatch(ConsumerRecord<String, byte[]> r) {
    running++;
    Future<Void> f;
    try {
      f = handler.handle(r);
      if (f == null) {
        f = Future.succeededFuture();
      }
    } catch (Throwable t) {
      f = Future.failedFuture(t);
    }
    f.onComplete(ar -> {
      if (Vertx.currentContext() == context) {
        completed(r, ar);
      } else {
        context.runOnContext(v -> completed(r, ar));
      }
    });
  }

  private void completed(ConsumerRecord<String, byte[]> r, AsyncResult<Void> ar) {
    if (ar.succeeded()) {
      processed.incrementAndGet();
      count("ok", r, true);
      finish(r);
      return;
    }
    failed.incrementAndGet();
    count("failed", r, true);
    LOG.warn("Handler failed for {}-{}@{} (group {}): {}", r.topic(), r.partition(), r.offset(), groupId,
        DeadLetters.describe(ar.cause()));
    if (deadLetters == null) {
      finish(r);
      return;
    }
    Future<Void> dl;
    try {
      byte[] key = r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8);
      dl = deadLetters.publish(r.topic(), r.partition(), r.offset(), key, r.value(), ar.cause());
    } catch (RuntimeException e) {
      dl = Future.failedFuture(e);
    }
    dl.onComplete(dar -> context.runOnContext(v -> {
      if (dar.succeeded()) {
        deadLettered.incrementAndGet();
        count("dead_lettered", r, false);
      } else {
        // Never stall the partition on a dead-letter outage: the loss is logged and counted instead.
        LOG.error("Dead letter for {}-{}@{} could not be published: {}", r.topic(), r.partition(), r.offset(),
            dar.cause().toString());
        count("dead_letter_failed", r, false);
      }
      finish(r);
    }));
  }

  private void finish(ConsumerRecord<String, byte[]> r) {
    running--;
    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
    PartitionState st = partitions.get(tp);
    if (st != null && st.pending.remove(r.offset())) {
      long next = st.pending.isEmpty() ? st.next : st.pending.first();
      committable.put(tp, next);
      st.dirty = true;
    }
    while (!closing && running < maxInFlight && !queue.isEmpty()) {
      dispatch(queue.poll());
    }
    queuedCount = queue.size();
    if (paused && !closing && running + queue.size() <= (maxInFlight + maxQueued) / 2) {
      paused = false;
      stream.resume(Set.copyOf(assigned));
    }
    if (closing && running == 0 && drained != null) {
      drained.tryComplete();
    }
  }

  private Future<Void> doCommit() {
    Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>();
    for (Map.Entry<TopicPartition, PartitionState> e : partitions.entrySet()) {
      Long next = committable.get(e.getKey());
      if (e.getValue().dirty && next != null) {
        toCommit.put(e.getKey(), new OffsetAndMetadata(next));
        e.getValue().dirty = false;
      }
    }
    if (toCommit.isEmpty() || groupId == null) {
      return Future.succeededFuture();
    }
    return stream.commit(toCommit).<Void>mapEmpty().onFailure(e -> {
      if (closing && e instanceof org.apache.kafka.common.errors.WakeupException) {
        LOG.debug("Offset commit interrupted by the close (group {})", groupId);
      } else {
        LOG.warn("Offset commit failed (group {}): {}", groupId, e.toString());
      }
      // Mark dirty again so the next tick retries.
      toCommit.keySet().forEach(tp -> {
        PartitionState st = partitions.get(tp);
        if (st != null) {
          st.dirty = true;
        }
      });
    });
  }

  private void dropQueued(Collection<TopicPartition> only) {
    Iterator<ConsumerRecord<String, byte[]>> it = queue.iterator();
    while (it.hasNext()) {
      ConsumerRecord<String, byte[]> r = it.next();
      if (only == null || only.contains(new TopicPartition(r.topic(), r.partition()))) {
        it.remove();
      }
    }
    queuedCount = queue.size();
  }

  private void count(String outcome, ConsumerRecord<String, byte[]> r, boolean countBytes) {
    if (traffic != null) {
      traffic.consumed(r.topic(), outcome, r.key(), r.value(), countBytes);
    }
  }

  /**
   * Asks the broker for the assigned partitions' end offsets (on the Kafka client's worker thread, never the
   * event loop) and sets the lag gauges on this context. One request at a time: a slow broker skips ticks.
   */
  private void updateLag() {
    if (closing || lagPending || assigned.isEmpty()) {
      return;
    }
    lagPending = true;
    Set<TopicPartition> tps = Set.copyOf(assigned);
    stream.endOffsets(tps).onComplete(ar -> context.runOnContext(v -> {
      lagPending = false;
      if (ar.failed()) {
        LOG.debug("End offsets for lag failed (group {}): {}", groupId, ar.cause().toString());
        return;
      }
      for (Map.Entry<TopicPartition, Long> e : ar.result().entrySet()) {
        TopicPartition tp = e.getKey();
        long end = e.getValue();
        Long next = nextToProcess(tp);
        if (next != null) {
          if (assigned.contains(tp)) {
            lagGauge(tp).set(lag(end, next));
          }
        } else {
          // Nothing received yet: the fetch position is where processing will start.
          stream.position(tp).onSuccess(pos -> context.runOnContext(x -> {
            if (assigned.contains(tp) && nextToProcess(tp) == null) {
              lagGauge(tp).set(lag(end, pos));
            }
          }));
        }
      }
    }));
  }

  /** The first offset not yet processed in {@code tp}, or null when nothing is known yet. */
  private Long nextToProcess(TopicPartition tp) {
    PartitionState st = partitions.get(tp);
    if (st != null && !st.pending.isEmpty()) {
      return st.pending.first();
    }
    if (st != null && st.next >= 0) {
      return st.next;
    }
    Long done = committable.get(tp);
    return done != null ? done : startOffsets.get(tp);
  }

  private GaugeDataPoint lagGauge(TopicPartition tp) {
    return TopicTraffic.lagGauge(metrics, tp.topic(), tp.partition());
  }

  /** Records not yet processed: the end offset minus the next offset to process, never negative. */
  static long lag(long endOffset, long nextToProcess) {
    return Math.max(0, endOffset - nextToProcess);
  }

  private static final class PartitionState {
    final TreeSet<Long> pending = new TreeSet<>(); // received, not finished
    long next = -1; // one past the highest offset received
    boolean dirty;
  }

  /** Builder: {@code setX} for required values, {@code optX} for optional ones. */
  public static final class Builder {
    private Vertx vertx;
    private KafkaSettings settings;
    private String groupId;
    private Collection<String> topics;
    private RecordHandler handler;
    private DeadLetterPublisher deadLetters;
    private int maxInFlight = 16;
    private int maxQueued;
    private Duration commitInterval = Duration.ofSeconds(1);
    private Duration closeTimeout = Duration.ofSeconds(10);
    private Map<TopicPartition, Long> startOffsets = Map.of();
    private boolean manualAssignment;
    private Metrics metrics;
    private Duration lagInterval = Duration.ofSeconds(2);

    private Builder() {
    }

    /** Required. */
    public Builder setVertx(Vertx vertx) {
      this.vertx = vertx;
      return this;
    }

    /** Required. */
    public Builder setSettings(KafkaSettings settings) {
      this.settings = settings;
      return this;
    }

    /** Required: the consumer group (offsets are committed for it). */
    public Builder setGroupId(String groupId) {
      this.groupId = groupId;
      return this;
    }

    /** Required: the topics to subscribe to. */
    public Builder setTopics(Collection<String> topics) {
      this.topics = topics;
      return this;
    }

    /** Required: the topics to subscribe to. */
    public Builder setTopics(String... topics) {
      return setTopics(List.of(topics));
    }

    /** Required: the record handler. */
    public Builder setHandler(RecordHandler handler) {
      this.handler = handler;
      return this;
    }

    /** Optional: where failed records go (default none: they are logged, counted and skipped). */
    public Builder optDeadLetters(DeadLetterPublisher deadLetters) {
      this.deadLetters = deadLetters;
      return this;
    }

    /** Optional: handlers running at once (default 16; 1 gives strictly sequential processing). */
    public Builder optMaxInFlight(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxInFlight must be at least 1, got " + n);
      }
      this.maxInFlight = n;
      return this;
    }

    /**
     * Optional: records fetched ahead and queued beyond those in flight before the partitions are paused (default
     * 0). With strictly sequential processing ({@code maxInFlight} 1) a few queued records save one poll round
     * (up to the poll timeout plus a fetch) per record.
     */
    public Builder optMaxQueued(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("maxQueued must be at least 0, got " + n);
      }
      this.maxQueued = n;
      return this;
    }

    /** Optional: how often finished offsets are committed (default 1 s). */
    public Builder optCommitInterval(Duration d) {
      this.commitInterval = Objects.requireNonNull(d);
      return this;
    }

    /** Optional: how long close waits for running handlers and the final commit together (default 10 s). */
    public Builder optCloseTimeout(Duration d) {
      this.closeTimeout = Objects.requireNonNull(d);
      return this;
    }

    /** Optional: positions saved with a checkpoint ({@link #offsets()}); applied once when assigned. */
    /**
     * Consume exactly the partitions of {@link #optStartOffsets} from those offsets, without joining
     * a consumer group (offsets are still committed under the group id). For a single owner that
     * keeps its own position (a learner's checkpoint): a restart starts at once instead of
     * waiting for the dead instance's group session to expire.
     */
    public Builder optManualAssignment(boolean manual) {
      this.manualAssignment = manual;
      return this;
    }

    public Builder optStartOffsets(Map<TopicPartition, Long> offsets) {
      this.startOffsets = Objects.requireNonNull(offsets);
      return this;
    }

    /** Optional: counts records and bytes per topic and outcome, and exports the consumer lag. */
    public Builder optMetrics(Metrics metrics) {
      this.metrics = metrics;
      return this;
    }

    /** Optional: how often the consumer lag is measured, one end-offsets request each (default 2 s). */
    public Builder optLagInterval(Duration d) {
      this.lagInterval = Objects.requireNonNull(d);
      return this;
    }

    /** Validates and builds (not started). */
    public Consumer build() {
      if (vertx == null || settings == null || handler == null) {
        throw new IllegalArgumentException("Consumer needs setVertx, setSettings and setHandler");
      }
      if (groupId == null || groupId.isBlank()) {
        throw new IllegalArgumentException("Consumer needs setGroupId(...)");
      }
      if (topics == null || topics.isEmpty()) {
        throw new IllegalArgumentException("Consumer needs setTopics(...) with at least one topic");
      }
      return new Consumer(this);
    }
  }
}
