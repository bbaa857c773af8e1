package io.dxmi.platform.messaging;

import java.util.Map;
import java.util.Objects;

import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaWriteStream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Sends {@code byte[]} records with {@code String} keys; the services own the encoding of the bytes.
 *
 * <p>Wraps a Vert.x {@link KafkaProducer} (its native-typed {@link KafkaWriteStream} view, so Kafka's own
 * {@link RecordMetadata} is returned). Kafka's blocking {@code send} runs on a Vert.x worker, never on the event
 * loop. With the {@link KafkaSettings} defaults the producer is idempotent with {@code acks=all}: a completed
 * future means the record is durable and not duplicated by retries. Close it with {@link #close()}.
 */
public final class Producer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Producer.class);

    /** How long {@link #closeAsync()} waits for pending records. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final KafkaProducer<String, byte[]> producer;
    private final KafkaWriteStream<String, byte[]> stream;
    private final Map<String, String> properties;
    private final TopicTraffic traffic; // null: not counted

    private Producer(KafkaProducer<String, byte[]> producer, Map<String, String> properties, TopicTraffic traffic) {
        this.producer = producer;
        this.stream = producer.asStream();
        this.properties = Map.copyOf(properties);
        this.traffic = traffic;
    }

    /** Creates a producer from the settings' {@link KafkaSettings#producerProperties()}. */
    public static Producer create(Vertx vertx, KafkaSettings settings) {
        return create(vertx, settings, null);
    }

    /**
     * Creates a producer that also counts acknowledged records and bytes per topic in {@code metrics}
     * ({@link TopicTraffic#produced}); null metrics count nothing.
     */
    public static Producer create(Vertx vertx, KafkaSettings settings, Metrics metrics) {
        Objects.requireNonNull(vertx, "vertx");
        Map<String, String> properties = settings.producerProperties();
        return new Producer(KafkaProducer.create(vertx, properties, new StringSerializer(), new ByteArraySerializer()),
                properties, metrics == null ? null : TopicTraffic.produced(metrics));
    }

    /** The Kafka client properties the producer was created with (secrets included: do not log them). */
    public Map<String, String> properties() {
        return properties;
    }

    /** Sends one record; the future completes when the broker acknowledged it. */
    public Future<RecordMetadata> send(String topic, String key, byte[] value) {
        return send(new ProducerRecord<>(topic, key, value));
    }

    private Future<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
        Future<RecordMetadata> sent = stream.send(record);
        if (traffic != null) {
            sent.onSuccess(md -> traffic.produced(record.topic(), record.key(), record.value()));
        }
        return sent;
    }

    /**
     * Closes the producer; pending records are sent first, for at most {@link #CLOSE_TIMEOUT} (Kafka's own close
     * waits without limit, which a broker that is gone turns into a hang). Records still unsent then fail.
     */
    public Future<Void> closeAsync() {
        // Bounded twice: Kafka's close can itself wait behind a send blocked on metadata (max.block.ms).
        return producer.close(CLOSE_TIMEOUT.toMillis())
                .timeout(CLOSE_TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS)
                .recover(e -> {
                    LOG.warn("Producer close did not finish ({}); records not yet acknowledged are lost", e.toString());
                    return Future.succeededFuture();
                });
    }

    /** Blocking close; do not call on an event loop (Vert.x's await is for virtual threads only). */
    @Override
    public void close() {
        Blocking.await(closeAsync(), "closing the producer");
    }
}
