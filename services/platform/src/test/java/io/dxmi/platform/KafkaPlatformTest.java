package io.dxmi.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.dxmi.platform.broker.EmbeddedKafkaBroker;
import io.dxmi.platform.broker.Topics;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.messaging.Consumer;
import io.dxmi.platform.messaging.DeadLetters;
import io.dxmi.platform.messaging.Producer;
import io.dxmi.platform.metrics.Metrics;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;

/**
 * Everything that crosses a real broker: one in-JVM KRaft broker for the class (it takes seconds to start).
 * The restart test runs last because it restarts that broker. One class of about 400 lines on purpose: its tests
 * share that broker, whose start-up would otherwise be paid once per file.
 */
@ExtendWith(VertxExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("integration")
class KafkaPlatformTest {

    @TempDir
    static Path dataDir;

    static EmbeddedKafkaBroker broker;
    static KafkaSettings settings;
    static Admin admin;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.builder().setDataDir(dataDir).build().start();
        settings = KafkaSettings.builder().setBootstrapServers(broker.bootstrapServers()).optClientIdPrefix("test")
                .build();
        admin = Admin.create(new HashMap<>(settings.adminProperties()));
    }

    @AfterAll
    static void stopBroker() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    @Order(1)
    void producerConsumerRoundTrip(Vertx vertx, VertxTestContext ctx) {
        Topics.ensure(admin, "rt", 2, Map.of());
        assertFalse(Topics.ensure(admin, "rt", 2, Map.of()), "ensure is idempotent");
        Producer producer = Producer.create(vertx, settings);
        int n = 40;
        List<Future<?>> sends = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sends.add(producer.send("rt", "k" + (i % 4), ("m" + i).getBytes(StandardCharsets.UTF_8)));
        }
        Future.all(sends).await();
        List<String> got = new CopyOnWriteArrayList<>();
        Consumer[] holder = new Consumer[1];
        holder[0] = Consumer.builder().setVertx(vertx).setSettings(settings).setStartOffsets(fromStart("rt", 2))
                .optMaxInFlight(3) // small, so partition pausing and the local queue are exercised
                .setHandler(r -> {
                    // Asynchronous processing that completes later, out of order.
                    return vertx.timer(1 + r.offset() % 3).map(x -> {
                        got.add(new String(r.value(), StandardCharsets.UTF_8));
                        return null;
                    });
                }).build();
        holder[0].start().onFailure(ctx::failNow);
        vertx.setPeriodic(50, id -> {
            if (got.size() == n) {
                vertx.cancelTimer(id);
                ctx.verify(() -> {
                    for (int i = 0; i < n; i++) {
                        assertTrue(got.contains("m" + i), "missing m" + i);
                    }
                });
                holder[0].closeAsync().compose(x -> producer.closeAsync()).onComplete(ctx.succeedingThenComplete());
            }
        });
    }

    @Test
    @Order(2)
    void failingRecordGoesToDeadLetterTopicAndConsumerContinues(Vertx vertx, VertxTestContext ctx) throws Exception {
        Topics.ensure(admin, "dl-src", 1, Map.of());
        Topics.ensure(admin, "dl-dlq", 1, Map.of());
        Producer producer = Producer.create(vertx, settings);
        for (String v : List.of("a", "poison", "c")) {
            producer.send("dl-src", "key-" + v, v.getBytes(StandardCharsets.UTF_8)).await();
        }
        List<String> ok = new CopyOnWriteArrayList<>();
        Metrics m = Metrics.create("dl-test");
        Consumer consumer = Consumer.builder().setVertx(vertx).setSettings(settings).setStartOffsets(fromStart("dl-src", 1))
                .optDeadLetters(DeadLetters.toTopic(producer, "dl-dlq")).optMetrics(m)
                .setHandler(r -> {
                    String v = new String(r.value(), StandardCharsets.UTF_8);
                    if (v.equals("poison")) {
                        throw new IllegalArgumentException("cannot decode " + v); // as a codec would
                    }
                    ok.add(v);
                    return Future.succeededFuture();
                }).build();
        consumer.start().await();

        try (KafkaConsumer<String, byte[]> dlq = plainConsumer()) {
            dlq.assign(List.of(new TopicPartition("dl-dlq", 0)));
            dlq.seekToBeginning(List.of(new TopicPartition("dl-dlq", 0)));
            List<ConsumerRecord<String, byte[]>> letters = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (letters.isEmpty() && System.nanoTime() < deadline) {
                dlq.poll(Duration.ofMillis(200)).forEach(letters::add);
            }
            assertEquals(1, letters.size());
            DeadLetters.Envelope e = DeadLetters.decode(letters.get(0).value());
            assertEquals("dl-src", e.sourceTopic());
            assertEquals(1, e.offset());
            assertTrue(e.reason().contains("cannot decode poison"), e.reason());
            assertEquals("poison", new String(e.payload(), StandardCharsets.UTF_8));
            assertEquals("key-poison", new String(e.key(), StandardCharsets.UTF_8));
            assertEquals("dl-src/0/1", letters.get(0).key(), "keyed by the source record's coordinates");
        }
        // The consumer went on with the next record.
        waitFor(() -> ok.size() == 2, "the record after the bad one");
        assertEquals(List.of("a", "c"), ok);
        waitFor(() -> value(m, "dxmi_messages_consumed_total", "topic", "dl-src", "outcome", "dead_lettered") == 1,
                "the bad record counted as dead-lettered");
        assertEquals(1, value(m, "dxmi_messages_consumed_total", "topic", "dl-src", "outcome", "failed"));
        assertEquals(2, value(m, "dxmi_messages_consumed_total", "topic", "dl-src", "outcome", "ok"));
        consumer.closeAsync().await();
        m.close();
        producer.close();
        ctx.completeNow();
    }

    @Test
    @Order(4)
    void perTopicCountersCountMessagesAndBytes(Vertx vertx) throws Exception {
        Topics.ensure(admin, "traffic-a", 1, Map.of());
        Topics.ensure(admin, "traffic-b", 2, Map.of());
        try (Metrics produced = Metrics.create("traffic-producer"); Metrics consumed = Metrics.create("traffic-consumer")) {
            Producer producer = Producer.create(vertx, settings, produced);
            for (int i = 0; i < 5; i++) {
                producer.send("traffic-a", "k" + i, new byte[10]).await(); // 2 + 10 bytes each
            }
            for (int i = 0; i < 3; i++) {
                producer.send("traffic-b", null, new byte[100]).await();
            }
            assertEquals(5, value(produced, "dxmi_messages_produced_total", "topic", "traffic-a"));
            assertEquals(60, value(produced, "dxmi_bytes_produced_total", "topic", "traffic-a"));
            assertEquals(3, value(produced, "dxmi_messages_produced_total", "topic", "traffic-b"));
            assertEquals(300, value(produced, "dxmi_bytes_produced_total", "topic", "traffic-b"));
            Map<TopicPartition, Long> from = new HashMap<>(fromStart("traffic-a", 1));
            from.putAll(fromStart("traffic-b", 2));
            Consumer consumer = Consumer.builder().setVertx(vertx).setSettings(settings).setStartOffsets(from)
                    .setHandler(r -> Future.succeededFuture()).optMetrics(consumed).build();
            consumer.start().await();
            waitFor(() -> value(consumed, "dxmi_messages_consumed_total", "topic", "traffic-b", "outcome", "ok") == 3
                    && value(consumed, "dxmi_messages_consumed_total", "topic", "traffic-a", "outcome", "ok") == 5,
                    "all 8 records processed");
            assertEquals(5, value(consumed, "dxmi_messages_consumed_total", "topic", "traffic-a", "outcome", "ok"));
            assertEquals(60, value(consumed, "dxmi_bytes_consumed_total", "topic", "traffic-a"));
            assertEquals(3, value(consumed, "dxmi_messages_consumed_total", "topic", "traffic-b", "outcome", "ok"));
            assertEquals(300, value(consumed, "dxmi_bytes_consumed_total", "topic", "traffic-b"));
            consumer.closeAsync().await();
            producer.close();
        }
    }

    @Test
    @Order(4)
    void consumerLagCountsRecordsNotYetProcessed(Vertx vertx) throws Exception {
        Topics.ensure(admin, "lag-t", 1, Map.of());
        Producer producer = Producer.create(vertx, settings);
        for (int i = 0; i < 10; i++) {
            producer.send("lag-t", null, new byte[] {(byte) i}).await();
        }
        List<Promise<Void>> held = new CopyOnWriteArrayList<>();
        try (Metrics m = Metrics.create("lag-test")) {
            // One record at a time, each held until the test completes it.
            Consumer consumer = Consumer.builder().setVertx(vertx).setSettings(settings).setStartOffsets(fromStart("lag-t", 1))
                    .optMaxInFlight(1).optMetrics(m).optLagInterval(Duration.ofMillis(100))
                    .setHandler(r -> {
                        Promise<Void> p = Promise.promise();
                        held.add(p);
                        return p.future();
                    }).build();
            consumer.start().await();
            waitFor(() -> lag(m, "lag-t") == 10, "lag 10 while the first record is in its handler");
            for (int i = 0; i < 4; i++) {
                int next = i + 1;
                waitFor(() -> held.size() >= next, "record " + next + " handed over");
                held.get(i).complete();
            }
            waitFor(() -> lag(m, "lag-t") == 6, "lag 6 after 4 processed");
            producer.send("lag-t", null, new byte[] {42}).await();
            waitFor(() -> lag(m, "lag-t") == 7, "a new record raises the lag");
            for (int i = 4; i < 11; i++) {
                int next = i + 1;
                waitFor(() -> held.size() >= next, "record " + next + " handed over");
                held.get(i).complete();
            }
            waitFor(() -> lag(m, "lag-t") == 0, "no lag once everything is processed");
            consumer.closeAsync().await();
        }
        producer.close();
    }

    @Test
    @Order(4)
    void sequentialConsumerFetchesAheadOnlyWithAQueue(Vertx vertx) throws Exception {
        // One handler at a time (a learner); records arrive one by one while the first is held.
        for (int maxQueued : new int[] {0, 4}) {
            String topic = "ahead-" + maxQueued;
            Topics.ensure(admin, topic, 1, Map.of());
            Producer producer = Producer.create(vertx, settings);
            List<Promise<Void>> held = new CopyOnWriteArrayList<>();
            List<Long> order = new CopyOnWriteArrayList<>();
            Consumer consumer = Consumer.builder().setVertx(vertx).setSettings(settings).setStartOffsets(fromStart(topic, 1))
                    .optMaxInFlight(1).optMaxQueued(maxQueued).setHandler(r -> {
                        order.add(r.offset());
                        Promise<Void> p = Promise.promise();
                        held.add(p);
                        return p.future();
                    }).build();
            consumer.start().await();
            producer.send(topic, null, new byte[] {0}).await();
            waitFor(() -> held.size() == 1, "the first record in its handler");
            for (int i = 1; i <= 3; i++) {
                producer.send(topic, null, new byte[] {(byte) i}).await();
                if (maxQueued > 0) {
                    int n = i;
                    waitFor(() -> consumer.queued() == n, n + " records fetched ahead");
                }
            }
            if (maxQueued == 0) {
                Thread.sleep(500); // paused: nothing more is fetched while the first record is held
                assertEquals(0, consumer.queued());
            }
            for (int i = 0; i < 4; i++) {
                int next = i + 1;
                waitFor(() -> held.size() >= next, "record " + next + " handed over");
                assertEquals(1, held.size() - i, "one handler at a time");
                held.get(i).complete();
            }
            assertEquals(List.of(0L, 1L, 2L, 3L), order);
            consumer.closeAsync().await();
            producer.close();
        }
    }

    private static double lag(Metrics m, String topic) {
        return value(m, "dxmi_consumer_lag_records", "topic", topic, "partition", "0");
    }

    /** The value of the sample of {@code name} with these label values, NaN when absent. */
    static double value(Metrics m, String name, String... labels) {
        for (MetricSnapshot snap : m.registry().scrape()) {
            String n = snap.getMetadata().getPrometheusName();
            if (!name.equals(n) && !name.equals(n + "_total")) {
                continue;
            }
            points:
            for (DataPointSnapshot p : snap.getDataPoints()) {
                for (int i = 0; i < labels.length; i += 2) {
                    if (!labels[i + 1].equals(p.getLabels().get(labels[i]))) {
                        continue points;
                    }
                }
                if (p instanceof CounterSnapshot.CounterDataPointSnapshot c) {
                    return c.getValue();
                }
                if (p instanceof GaugeSnapshot.GaugeDataPointSnapshot g) {
                    return g.getValue();
                }
            }
        }
        return Double.NaN;
    }

    static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    @Order(5)
    void brokerRestartKeepsMessages(Vertx vertx, VertxTestContext ctx) {
        Topics.ensure(admin, "persist", 1, Map.of());
        Producer producer = Producer.create(vertx, settings);
        for (int i = 0; i < 5; i++) {
            producer.send("persist", null, ("p" + i).getBytes(StandardCharsets.UTF_8)).await();
        }
        producer.close();
        admin.close();
        int port = broker.port();
        broker.close();
        // Same data dir, same client port (clients keep their bootstrap list); the storage is not formatted again.
        broker = EmbeddedKafkaBroker.builder().setDataDir(dataDir).optPort(port).build().start();
        admin = Admin.create(new HashMap<>(settings.adminProperties()));
        assertFalse(Topics.ensure(admin, "persist", 1, Map.of()), "topic survived the restart");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = plainConsumer()) {
            TopicPartition tp = new TopicPartition("persist", 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (values.size() < 5 && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(r -> values.add(new String(r.value(), StandardCharsets.UTF_8)));
            }
        }
        assertEquals(List.of("p0", "p1", "p2", "p3", "p4"), values);
        ctx.completeNow();
    }

    @Test
    @Order(6)
    void closingAfterTheBrokerIsGoneDoesNotHang(Vertx vertx, @TempDir Path ownDir) throws Exception {
        // A broker of its own, stopped under a consumer and a producer with a pending record: Kafka's own close
        // would wait for it.
        EmbeddedKafkaBroker doomed = EmbeddedKafkaBroker.builder().setDataDir(ownDir).build().start();
        KafkaSettings doomedSettings = KafkaSettings.builder().setBootstrapServers(doomed.bootstrapServers()).build();
        try (Admin a = Admin.create(new HashMap<>(doomedSettings.adminProperties()))) {
            Topics.ensure(a, "gone", 1, Map.of());
        }
        Producer producer = Producer.create(vertx, doomedSettings);
        List<Long> handled = new CopyOnWriteArrayList<>();
        Consumer consumer = Consumer.builder().setVertx(vertx).setSettings(doomedSettings)
                .setStartOffsets(fromStart("gone", 1)).optCloseTimeout(Duration.ofSeconds(1))
                .setHandler(r -> {
                    handled.add(r.offset());
                    return Future.succeededFuture();
                }).build();
        consumer.start().await();
        producer.send("gone", null, new byte[] {1}).await();
        waitFor(() -> handled.size() == 1, "the record handled");
        doomed.close();
        Future<?> unsent = producer.send("gone", null, new byte[] {2});

        long t0 = System.nanoTime();
        consumer.closeAsync().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        producer.closeAsync().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - t0) / 1e9;
        // Failed, or still blocked in Kafka's send (waiting for metadata): never reported as sent.
        assertFalse(unsent.succeeded(), "a record the broker never got is not reported as sent");
        assertTrue(seconds < 25, "both closed in " + seconds + " s");
    }

    static Map<TopicPartition, Long> fromStart(String topic, int partitions) {
        Map<TopicPartition, Long> m = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            m.put(new TopicPartition(topic, p), 0L);
        }
        return m;
    }

    private static KafkaConsumer<String, byte[]> plainConsumer() {
        return new KafkaConsumer<>(new HashMap<>(settings.consumerProperties(null)), new StringDeserializer(),
                new ByteArrayDeserializer());
    }
}
