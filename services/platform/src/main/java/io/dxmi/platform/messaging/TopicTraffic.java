package io.dxmi.platform.messaging;

import java.nio.charset.StandardCharsets;

import io.dxmi.platform.metrics.Metrics;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;

/**
 * Per-topic message and byte counters, produced or consumed: {@code dxmi_messages_produced_total{topic}} and
 * {@code dxmi_bytes_produced_total{topic}}, or {@code dxmi_messages_consumed_total{topic,outcome}} and
 * {@code dxmi_bytes_consumed_total{topic}}. Bytes are the record's key and value as sent (headers and Kafka's
 * framing are not counted). Every producer or consumer of a process adds to the same counters. Consumers also
 * export their lag per partition ({@link #lagGauge}).
 */
public final class TopicTraffic {

    private final Metrics.Family<CounterDataPoint> messages;
    private final Metrics.Family<CounterDataPoint> bytes;

    private TopicTraffic(Metrics.Family<CounterDataPoint> messages, Metrics.Family<CounterDataPoint> bytes) {
        this.messages = messages;
        this.bytes = bytes;
    }

    /** Counters of records a producer had acknowledged. */
    public static TopicTraffic produced(Metrics metrics) {
        return new TopicTraffic(
                metrics.counterFamily("dxmi_messages_produced_total", "Records produced (acknowledged), by topic", "topic"),
                metrics.counterFamily("dxmi_bytes_produced_total", "Key and value bytes produced (acknowledged), by topic",
                        "topic"));
    }

    /** Counters of records consumed, by outcome. */
    public static TopicTraffic consumed(Metrics metrics) {
        return new TopicTraffic(
                metrics.counterFamily("dxmi_messages_consumed_total",
                        "Records consumed, by topic and outcome (ok, failed, dead_lettered, dead_letter_failed)", "topic",
                        "outcome"),
                metrics.counterFamily("dxmi_bytes_consumed_total", "Key and value bytes consumed, by topic", "topic"));
    }

    /** Counts one produced record. */
    public void produced(String topic, String key, byte[] value) {
        messages.labels(topic).inc();
        bytes.labels(topic).inc(sizeOf(key, value));
    }

    /**
     * Counts one consumed record; its bytes only for the outcome "ok" or the first failure, so a record that fails
     * and is then dead-lettered is counted once in bytes.
     */
    public void consumed(String topic, String outcome, String key, byte[] value, boolean countBytes) {
        messages.labels(topic, outcome).inc();
        if (countBytes) {
            bytes.labels(topic).inc(sizeOf(key, value));
        }
    }

    /** {@code dxmi_consumer_lag_records{topic,partition}}: records of the partition this consumer has not processed. */
    public static GaugeDataPoint lagGauge(Metrics metrics, String topic, int partition) {
        return metrics.gaugeFamily("dxmi_consumer_lag_records",
                "Records in the partition not yet processed by this consumer (end offset minus next to process)", "topic",
                "partition").labels(topic, Integer.toString(partition));
    }

    /** The key's UTF-8 bytes plus the value's bytes; null counts as empty. */
    public static long sizeOf(String key, byte[] value) {
        return (key == null ? 0 : key.getBytes(StandardCharsets.UTF_8).length) + (value == null ? 0 : value.length);
    }
}
