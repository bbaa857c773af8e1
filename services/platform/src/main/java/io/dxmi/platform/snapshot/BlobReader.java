package io.dxmi.platform.snapshot;

// Over 400 lines: reading forward, stepping back for a late start and rewinding to a blob's chunks move one
// consumer's position, which must stay in one place.

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.messaging.DeadLetterPublisher;
import io.dxmi.platform.metrics.Metrics;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the blobs {@link ChunkedBlobs} publishes on one topic, in topic order: collects chunk
 * records, and for each manifest record checks every declared size against the limit before
 * allocating, assembles the blob (inline, or from its chunks), checks its SHA-256 and hands the
 * manifest and bytes to the handler. A record that fails any check, or that the handler
 * refuses (throws), is refused: logged in one line, counted, and dead-lettered when a
 * publisher is set. Nothing refused reaches the handler, and a refusal never stops the reader.
 *
 * <p>Where it starts: {@link Start#fromOffset} (every blob from there on, for a service that
 * replays history) or {@link Start#recent} (a late starter: the last records of the topic,
 * stepping further back while none of them is a good blob). A manifest whose chunks lie before
 * the records read so far is fetched by seeking back to them once; chunks that are not on the
 * topic before their manifest are missing for good, and the manifest is refused at once.
 *
 * <p>Threading and lifetime: one thread owns one plain Kafka consumer (reading is sequential and
 * blocking by nature); the handler runs on it and may block (backpressure). {@link #start()},
 * then {@link #close()}. An unexpected error ends the thread: it is logged and handed to the
 * failure callback, so that the service fails loudly instead of running blind.
 *
 * @param <M> the service's manifest record
 */
public final class BlobReader<M> implements AutoCloseable {

    /** How the service's manifest records are read: decode throws on anything that is not one. */
    public interface Format<M> {
        M decode(byte[] record) throws Exception;

        BlobRef describe(M manifest);
    }

    /** Receives verified blobs, in topic order. */
    @FunctionalInterface
    public interface Handler<M> {
        /** Throwing refuses the blob (it is dead-lettered like a failed check). */
        void accept(M manifest, byte[] blob, long offset) throws Exception;
    }

    /** Where reading starts: every record from an offset on, or the topic's recent records. */
    public record Start(long offset, int lookback) {
        public static Start fromOffset(long offset) {
            return new Start(offset, 0);
        }

        public static Start recent(int records) {
            return new Start(-1, records);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(BlobReader.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final KafkaSettings settings;
    private final TopicPartition tp;
    private final Format<M> format;
    private final Handler<M> handler;
    private final Start start;
    private final DeadLetterPublisher deadLetters;
    private final ReaderMetrics metrics;
    private final Consumer<Throwable> onFailure;
    private final Runnable onCaughtUp;
    private final ChunkCollector chunks;

    private volatile boolean running;
    private long delivered;
    private Thread thread;
    private KafkaConsumer<String, byte[]> consumer;
    /** Every record from here up to the current position has been read since the last seek. */
    private long readFrom;

    private BlobReader(Builder<M> b) {
        this.settings = b.settings;
        this.tp = new TopicPartition(b.topic, 0);
        this.format = b.format;
        this.handler = b.handler;
        this.start = b.start;
        this.deadLetters = b.deadLetters;
        this.metrics = new ReaderMetrics(b.metrics, b.topic);
        this.onFailure = b.onFailure;
        this.onCaughtUp = b.onCaughtUp;
        this.chunks = new ChunkCollector(b.maxBytes);
    }

    public static <M> Builder<M> builder() {
        return new Builder<>();
    }

    /** Starts the reader thread. */
    public synchronized BlobReader<M> start() {
        if (thread != null) {
            throw new IllegalStateException("BlobReader already started");
        }
        Map<String, Object> p = new HashMap<>(settings.consumerProperties(null));
        // A start offset that retention has deleted must be noticed, not silently replaced.
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(16 * 1024 * 1024));
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        running = true;
        thread = new Thread(this::run, "blob-reader-" + tp.topic());
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** Stops the thread (waking up a poll; a handler that waits must watch its own closing) and closes the consumer. */
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
        consumer.wakeup();
        try {
            t.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        metrics.up(true);
        try {
            consumer.assign(List.of(tp));
            long begin = consumer.beginningOffsets(List.of(tp)).get(tp);
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            if (start.offset() >= 0) {
                if (start.offset() < begin) {
                    throw new IllegalStateException(tp.topic() + " no longer holds offset " + start.offset()
                            + " (it starts at " + begin + "): retention deleted the records to resume from");
                }
                seek(start.offset());
            } else {
                seek(Math.max(begin, end - start.lookback()));
            }
            loop(end, begin);
        } catch (WakeupException | InterruptException e) {
            // closing
        } catch (Throwable t) {
            if (running) {
                LOG.error("Blob reader of {} stopped: {}", tp.topic(), t.toString());
                metrics.up(false);
                if (onFailure != null) {
                    onFailure.accept(t);
                }
            }
        } finally {
            metrics.up(false);
            Thread.interrupted(); // an interrupted thread cannot close the client cleanly
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    /**
     * Reads forward. Reaching {@code catchUpEnd} (the end when it started) is reported once. A
     * recent window that ends there without a good blob steps back (fourfold) towards the topic's
     * beginning first.
     */
    private void loop(long catchUpEnd, long begin) {
        long windowStart = readFrom;
        long end = catchUpEnd;
        boolean caughtUp = false;
        while (running) {
            ConsumerRecords<String, byte[]> records;
            try {
                records = consumer.poll(POLL);
            } catch (OffsetOutOfRangeException e) {
                if (start.offset() >= 0) {
                    throw e;
                }
                LOG.warn("{}: records were deleted under the reader (retention); going on from the beginning",
                        tp.topic());
                consumer.seekToBeginning(List.of(tp));
                readFrom = consumer.position(tp);
                continue;
            }
            for (ConsumerRecord<String, byte[]> r : records) {
                metrics.read(r);
                if (onRecord(r)) {
                    break; // seeked: the rest of this batch is read again, or not needed
                }
            }
            boolean reached = consumer.position(tp) >= catchUpEnd;
            if (reached && delivered == 0 && start.offset() < 0 && windowStart > begin) {
                // Nothing good in the window (a late starter behind garbage): look further back.
                long back = Math.max(begin, windowStart - 4L * Math.max(1, catchUpEnd - windowStart));
                LOG.info("{}: no good blob among offsets {}..{}; reading from {}", tp.topic(), windowStart,
                        catchUpEnd, back);
                catchUpEnd = windowStart;
                windowStart = back;
                seek(back);
            } else if (!caughtUp && consumer.position(tp) >= end) {
                caughtUp = true;
                if (onCaughtUp != null) {
                    onCaughtUp.run();
                }
            }
            metrics.lag(consumer.currentLag(tp));
        }
    }

    /** Handles one record; true when it moved the position (the rest of the poll is stale). */
    private boolean onRecord(ConsumerRecord<String, byte[]> r) {
        String key = r.key();
        if (key != null && key.indexOf('/') >= 0) {
            onChunk(r);
            return false;
        }
        if (r.value() == null) {
            return false; // a tombstone: nothing to read
        }
        M manifest;
        BlobRef ref;
        try {
            manifest = format.decode(r.value());
            ref = format.describe(manifest);
            chunks.checkDeclared(ref, r.offset());
        } catch (Exception e) {
            refuse(r, "?", e);
            return false;
        }
        byte[] blob;
        if (ref.inline() != null) {
            blob = ref.inline();
        } else {
            if (!chunks.complete(ref) && ref.firstChunkOffset() < readFrom) {
                return rewind(ref, manifest, r);
            }
            try {
                blob = chunks.assemble(ref);
            } catch (IOException e) {
                refuse(r, ref.toString(), e);
                return false;
            }
        }
        deliver(r, ref, manifest, blob);
        return false;
    }

    /** Reads a manifest's chunks that lie before what was read, then goes on after the manifest. */
    private boolean rewind(BlobRef ref, M manifest, ConsumerRecord<String, byte[]> r) {
        LOG.debug("{}: fetching the chunks of {} from offset {}", tp.topic(), ref, ref.firstChunkOffset());
        chunks.forget(ref.version());
        if (ref.firstChunkOffset() < beginning()) {
            expired(r, ref);
            return false; // nothing seeked: the records after the manifest follow
        }
        consumer.seek(tp, ref.firstChunkOffset()); // keeps the chunks of later versions collected so far
        String key = ChunkedBlobs.chunkKey(ref.name(), ref.version());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long next = ref.firstChunkOffset();
        try {
            while (running && next < r.offset() && !chunks.complete(ref)) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("timed out reading the chunks of " + ref);
                }
                for (ConsumerRecord<String, byte[]> chunk : consumer.poll(POLL)) {
                    next = chunk.offset() + 1;
                    if (chunk.offset() >= r.offset()) {
                        break;
                    }
                    if (key.equals(chunk.key())) {
                        metrics.read(chunk);
                        onChunk(chunk);
                    }
                }
            }
            deliver(r, ref, manifest, chunks.assemble(ref));
        } catch (OffsetOutOfRangeException e) {
            expired(r, ref); // deleted between the check above and the fetch
        } catch (IOException e) {
            refuse(r, ref.toString(), e);
        }
        seek(r.offset() + 1);
        return true;
    }

    private long beginning() {
        return consumer.beginningOffsets(List.of(tp)).get(tp);
    }

    /**
     * A manifest whose chunks retention deleted before this reader reached them (it started, or fell
     * behind, past them). Not bad data, so not dead-lettered: the topic deletes a version only once newer
     * ones hold its size, and the reader goes on to those. Logged at INFO: every follower that starts on a
     * trimmed topic meets its oldest manifest so (a reader that falls behind is warned of by the poll that
     * finds its records deleted); the metric counts each.
     */
    private void expired(ConsumerRecord<String, byte[]> r, BlobRef ref) {
        chunks.forget(ref.version());
        metrics.outcome("expired");
        LOG.info("Skipped {} at {}@{}: retention deleted its chunks (from offset {}; the topic now starts at {})"
                + " before this reader reached them; newer versions follow", ref, r.topic(), r.offset(),
                ref.firstChunkOffset(), beginning());
    }

    private void onChunk(ConsumerRecord<String, byte[]> r) {
        try {
            chunks.add(r.key(), r.value());
        } catch (IOException e) {
            refuse(r, r.key(), e);
        }
    }

    private void deliver(ConsumerRecord<String, byte[]> r, BlobRef ref, M manifest, byte[] blob) {
        chunks.forget(ref.version());
        try {
            ChunkCollector.verify(ref, blob);
            handler.accept(manifest, blob, r.offset());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException();
        } catch (Exception e) {
            refuse(r, ref.toString(), e);
            return;
        }
        delivered++;
        metrics.outcome("delivered");
    }

    private void refuse(ConsumerRecord<String, byte[]> r, String what, Exception why) {
        metrics.outcome("refused");
        LOG.warn("Refused {} at {}@{}: {}", what, r.topic(), r.offset(), why.getMessage());
        if (deadLetters != null) {
            byte[] key = r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8);
            deadLetters.publish(r.topic(), r.partition(), r.offset(), key, r.value(), why).onFailure(e -> LOG.error(
                    "Could not dead-letter {}@{}: {}", r.topic(), r.offset(), e.toString()));
        }
    }

    private void seek(long offset) {
        consumer.seek(tp, offset);
        readFrom = offset;
        chunks.clear();
    }

    /** Interrupted while the handler blocked: closing. */
    private static final class InterruptException extends RuntimeException {}

    /**
     * Builder: {@code setX} required, {@code optX} optional. Defaults: start at the last 64
     * records; blobs up to 64 MiB; refused records logged and counted, not dead-lettered.
     */
    public static final class Builder<M> {
        private KafkaSettings settings;
        private String topic;
        private Format<M> format;
        private Handler<M> handler;
        private Start start = Start.recent(64);
        private long maxBytes = 64L << 20;
        private DeadLetterPublisher deadLetters;
        private Metrics metrics;
        private Consumer<Throwable> onFailure;
        private Runnable onCaughtUp;

        private Builder() {}

        public Builder<M> setSettings(KafkaSettings settings) {
            this.settings = settings;
            return this;
        }

        /** The blob topic (one partition). */
        public Builder<M> setTopic(String topic) {
            this.topic = topic;
            return this;
        }

        public Builder<M> setFormat(Format<M> format) {
            this.format = format;
            return this;
        }

        public Builder<M> setHandler(Handler<M> handler) {
            this.handler = handler;
            return this;
        }

        public Builder<M> optStart(Start start) {
            this.start = Objects.requireNonNull(start);
            return this;
        }

        /** The largest blob accepted: larger declarations are refused before anything is read. */
        public Builder<M> optMaxBytes(long bytes) {
            if (bytes < 0 || bytes > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("max blob size must be 0.." + (Integer.MAX_VALUE - 16) + ", got "
                        + bytes);
            }
            this.maxBytes = bytes;
            return this;
        }

        public Builder<M> optDeadLetters(DeadLetterPublisher deadLetters) {
            this.deadLetters = deadLetters;
            return this;
        }

        /** Exports {@code dxmi_blobs_total}, {@code dxmi_blob_reader_up}, traffic and lag. */
        public Builder<M> optMetrics(Metrics metrics) {
            this.metrics = metrics;
            return this;
        }

        /** Called once if the reader thread ends on an unexpected error. */
        public Builder<M> optOnFailure(Consumer<Throwable> onFailure) {
            this.onFailure = onFailure;
            return this;
        }

        /** Called once when the reader has read what the topic held when it started. */
        public Builder<M> optOnCaughtUp(Runnable onCaughtUp) {
            this.onCaughtUp = onCaughtUp;
            return this;
        }

        public BlobReader<M> build() {
            if (settings == null || topic == null || format == null || handler == null) {
                throw new IllegalArgumentException("BlobReader needs setSettings, setTopic, setFormat and setHandler");
            }
            return new BlobReader<>(this);
        }
    }
}
