package io.dxmi.platform.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import io.dxmi.platform.broker.EmbeddedKafkaBroker;
import io.dxmi.platform.broker.Topics;
import io.dxmi.platform.config.KafkaSettings;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading a partition back from its end through a real broker: the newest accepted record wins,
 * a record far back is still found, records the reader refuses are passed over, and a producer
 * whose records are at the end reads only the last window.
 */
@Tag("integration")
class TopicTailTest {

    private static final String TOPIC = "tail-test";

    @TempDir
    static Path dataDir;
    static EmbeddedKafkaBroker broker;
    static KafkaSettings settings;
    static Vertx vertx;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.builder().setDataDir(dataDir).build().start();
        settings = KafkaSettings.builder().setBootstrapServers(broker.bootstrapServers()).build();
        vertx = Vertx.vertx();
        try (Admin admin = Admin.create(new HashMap<>(settings.adminProperties()));
                Producer producer = Producer.create(vertx, settings)) {
            Topics.ensure(admin, TOPIC, 1, Map.of());
            Topics.ensure(admin, "tail-empty", 1, Map.of());
            // 300 records: "rare" at offset 3 only, then "a" and "b" by turns; the last "a" (298) is "bad".
            for (int i = 0; i < 300; i++) {
                String key = i == 3 ? "rare" : i % 2 == 0 ? "a" : "b";
                String value = i == 298 ? "bad" : "v" + i;
                producer.send(TOPIC, key, value.getBytes(StandardCharsets.UTF_8)).await();
            }
        }
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
        broker.close();
    }

    /** The newest record keyed {@code key} whose value is not "bad", and how many records were looked at. */
    private static Optional<TopicTail.Found<String>> newest(String topic, String key, AtomicInteger looked)
            throws Exception {
        return TopicTail.newest(settings, new TopicPartition(topic, 0), r -> {
            looked.incrementAndGet();
            String v = new String(r.value(), StandardCharsets.UTF_8);
            return key.equals(r.key()) && !v.equals("bad") ? v : null;
        }, Duration.ofSeconds(30));
    }

    @Test
    void theNewestAcceptedRecordIsFoundInTheLastWindow() throws Exception {
        AtomicInteger looked = new AtomicInteger();
        TopicTail.Found<String> b = newest(TOPIC, "b", looked).orElseThrow();
        assertEquals(299, b.offset());
        assertEquals("v299", b.value());
        assertTrue(looked.get() <= 16, "read " + looked.get() + " records for one at the end");
    }

    @Test
    void aRefusedRecordIsPassedOver() throws Exception {
        TopicTail.Found<String> a = newest(TOPIC, "a", new AtomicInteger()).orElseThrow();
        assertEquals(296, a.offset()); // 298 is "a" but refused
        assertEquals("v296", a.value());
    }

    @Test
    void aRecordFarBackIsFoundAndNoneIsEmpty() throws Exception {
        TopicTail.Found<String> rare = newest(TOPIC, "rare", new AtomicInteger()).orElseThrow();
        assertEquals(3, rare.offset());
        AtomicInteger looked = new AtomicInteger();
        assertTrue(newest(TOPIC, "never", looked).isEmpty());
        assertEquals(300, looked.get(), "every record is read once, however the windows fall");
        assertTrue(newest("tail-empty", "a", new AtomicInteger()).isEmpty());
    }
}
