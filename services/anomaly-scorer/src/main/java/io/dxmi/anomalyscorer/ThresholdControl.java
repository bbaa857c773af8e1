package io.dxmi.anomalyscorer;

import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.schemas.ThresholdChange;
import io.dxmi.schemas.codec.Codecs;
import io.dxmi.schemas.codec.SchemaException;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compacted control topic of thresholds: every scorer reads it from the start (no consumer
 * group: each instance must see every change) and offers the changes keyed by its group to its
 * {@link ScorerState}; {@link #publish} writes a change (the HTTP endpoint's path), so every
 * scorer of the group, restarted ones too, takes it. A record that does not decode is logged and
 * counted, never applied.
 */
final class ThresholdControl implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ThresholdControl.class);

    private final KafkaSettings settings;
    private final String topic;
    private final String group;
    private final KafkaProducer<String, byte[]> producer;
    private volatile boolean running = true;
    private volatile long rejected;
    private Thread thread;
    private final CountDownLatch caughtUp = new CountDownLatch(1);

    ThresholdControl(KafkaSettings settings, String topic, String group) {
        this.settings = settings;
        this.topic = topic;
        this.group = group;
        Map<String, Object> p = new HashMap<>(settings.producerProperties());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(p);
    }

    /**
     * Starts reading and waits (at most {@code catchUp}) until the topic's history has been read, so
     * that the first batch is decided with the newest threshold already published.
     */
    ThresholdControl start(ScorerState state, Duration catchUp) throws InterruptedException {
        thread = new Thread(() -> read(state), "dxmi-thresholds");
        thread.setDaemon(true);
        thread.start();
        if (!caughtUp.await(catchUp.toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.warn("the threshold control topic {} was not read to its end within {} s; going on", topic,
                    catchUp.toSeconds());
        }
        return this;
    }

    private void read(ScorerState state) {
        Map<String, Object> p = new HashMap<>(settings.consumerProperties(null));
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).collect(Collectors.toList());
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (running) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (!group.equals(r.key()) || r.value() == null) {
                        continue;
                    }
                    try {
                        state.offerThreshold(Threshold.of(Codecs.decode(ThresholdChange.class, r.value())));
                    } catch (SchemaException | IllegalArgumentException e) {
                        rejected++;
                        LOG.warn("ignored threshold change {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                                e.getMessage());
                    }
                }
                if (caughtUp.getCount() > 0 && end.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue())) {
                    caughtUp.countDown();
                }
            }
        } catch (InterruptException e) {
            // closing
        } catch (RuntimeException e) {
            if (running) {
                LOG.error("the threshold control reader stopped: {}", e.toString());
            }
        }
    }

    /** Publishes a change for this group; completes when the broker has it. */
    Future<RecordMetadata> publish(ThresholdChange change) {
        return producer.send(new ProducerRecord<>(topic, change.getScorerGroup(), Codecs.encode(change)));
    }

    long rejected() {
        return rejected;
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        producer.close(Duration.ofSeconds(5));
    }
}
