package io.dxmi.anomalyscorer;

import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.messaging.TransactionalBatchLoop;
import io.dxmi.schemas.AnomalyScore;
import io.dxmi.schemas.codec.Codecs;
import io.dxmi.schemas.codec.SchemaException;
import io.dxmi.schemas.codec.Tensors;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the committed scores ({@code read_committed}: scores of aborted batches are never seen)
 * from the start of every partition, without a consumer group, as flat maps with the JSON field
 * names of {@code dxmi scores}. Without {@code follow} it stops at the end of what is committed;
 * with it, after {@code idleExit} without a new score (or never, when null).
 */
public final class ScoresReader {

    private final KafkaSettings settings;
    private final String topic;

    public ScoresReader(KafkaSettings settings, String topic) {
        this.settings = settings;
        this.topic = topic;
    }

    /** Reads and hands each score to {@code sink}; returns how many. Undecodable records are counted in {@code bad}. */
    public long read(boolean follow, Duration idleExit, Consumer<Map<String, Object>> sink, long[] bad) {
        Map<String, Object> p = new HashMap<>(settings.consumerProperties(null));
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        long n = 0;
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).collect(Collectors.toList());
            if (parts.isEmpty()) {
                throw new IllegalArgumentException("topic " + topic + " does not exist on " + settings.bootstrapServers());
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            long lastRecord = System.nanoTime();
            while (true) {
                boolean any = false;
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    any = true;
                    long receivedMicros = TransactionalBatchLoop.nowMicros();
                    try {
                        sink.accept(toMap(Codecs.decode(AnomalyScore.class, r.value()), receivedMicros));
                        n++;
                    } catch (SchemaException e) {
                        bad[0]++;
                    }
                }
                if (any) {
                    lastRecord = System.nanoTime();
                }
                if (!follow) {
                    // End of the committed scores: the position reached the last stable offset of every partition.
                    Map<TopicPartition, Long> end = c.endOffsets(parts);
                    if (end.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue())) {
                        return n;
                    }
                } else if (idleExit != null && System.nanoTime() - lastRecord > idleExit.toNanos()) {
                    return n;
                }
            }
        }
    }

    /** A score as {@code dxmi scores} prints it. */
    public static Map<String, Object> toMap(AnomalyScore s, long receivedMicros) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("camera_id", s.getCameraId());
        m.put("frame_id", s.getFrameId());
        m.put("energy", s.getEnergy());
        m.put("score", s.getScore());
        m.put("anomalous", s.getAnomalous());
        if (s.getLabel() != null) {
            m.put("label", s.getLabel());
        }
        m.put("model_version", s.getModelVersion());
        m.put("threshold_id", s.getThresholdId());
        m.put("threshold", s.getThreshold());
        m.put("received_latency_ms", (s.getTimings().getReceivedAtMicros() - s.getCaptureTimeMicros()) / 1000.0);
        m.put("latency_ms", (s.getTimings().getScoredAtMicros() - s.getCaptureTimeMicros()) / 1000.0);
        m.put("delivered_latency_ms", (receivedMicros - s.getCaptureTimeMicros()) / 1000.0);
        m.put("capture_time_us", s.getCaptureTimeMicros());
        m.put("batch_size", s.getTimings().getBatchSize());
        m.put("scorer", s.getScorer());
        if (s.getMap() != null) {
            int h = s.getMap().getHeight();
            int w = s.getMap().getWidth();
            m.put("map_shape", List.of(h, w));
            float[] v = Tensors.unpack(s.getMap().getValues(), h * w);
            double[] d = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                d[i] = v[i];
            }
            m.put("map", d);
        }
        return m;
    }
}
