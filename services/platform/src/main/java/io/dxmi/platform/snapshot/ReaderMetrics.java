package io.dxmi.platform.snapshot;

import java.util.OptionalLong;

import io.dxmi.platform.messaging.TopicTraffic;
import io.dxmi.platform.metrics.Metrics;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A {@link BlobReader}'s metrics: {@code dxmi_blobs_total{topic,outcome}} (delivered, refused, expired),
 * {@code dxmi_blob_reader_up{topic}}, records and bytes read ({@link TopicTraffic}) and the
 * reader's lag. Does nothing without a registry.
 */
final class ReaderMetrics {

    private final Metrics metrics;
    private final TopicTraffic traffic;
    private final String topic;

    ReaderMetrics(Metrics metrics, String topic) {
        this.metrics = metrics;
        this.traffic = metrics == null ? null : TopicTraffic.consumed(metrics);
        this.topic = topic;
    }

    void read(ConsumerRecord<String, byte[]> r) {
        if (traffic != null) {
            traffic.consumed(r.topic(), "ok", r.key(), r.value(), true);
        }
    }

    void outcome(String outcome) {
        if (metrics != null) {
            metrics.counterFamily("dxmi_blobs_total",
                    "Blobs read, by topic and outcome (delivered, refused, expired: chunks deleted by retention first)", "topic",
                    "outcome").labels(topic, outcome).inc();
        }
    }

    void up(boolean up) {
        if (metrics != null) {
            metrics.gaugeFamily("dxmi_blob_reader_up", "1 while the blob reader of a topic runs", "topic")
                    .labels(topic).set(up ? 1 : 0);
        }
    }

    /** The lag from the consumer's last fetch (no broker request), as {@code dxmi_consumer_lag_records}. */
    void lag(OptionalLong lag) {
        if (metrics != null && lag.isPresent()) {
            TopicTraffic.lagGauge(metrics, topic, 0).set(lag.getAsLong());
        }
    }
}
