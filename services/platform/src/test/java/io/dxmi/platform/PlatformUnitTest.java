package io.dxmi.platform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.dxmi.platform.checkpoint.CheckpointStore;
import io.dxmi.platform.checkpoint.DirectoryLock;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.messaging.Retry;
import io.dxmi.platform.metrics.Metrics;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings validation, checkpoints and their lock, retries, the metrics endpoint. No broker. */
class PlatformUnitTest {

    @Test
    void badBootstrapEntryIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KafkaSettings.fromMap(Map.of("bootstrap.servers", "good:9092, broken-host ,x:1")));
        assertTrue(e.getMessage().contains("'broken-host'"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        e = assertThrows(IllegalArgumentException.class,
                () -> KafkaSettings.fromMap(Map.of("bootstrap.servers", "h:99999")));
        assertTrue(e.getMessage().contains("'h:99999'") && e.getMessage().contains("1-65535"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KafkaSettings.fromMap(Map.of()));
        assertTrue(e.getMessage().contains("bootstrap.servers is required"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KafkaSettings.fromMap(
                Map.of("bootstrap.servers", "h:1", "security.protocol", "TLS")));
        assertTrue(e.getMessage().contains("'TLS'"), e.getMessage());
    }

    @Test
    void passThroughAndDefaults() {
        Map<String, String> given = new LinkedHashMap<>();
        given.put("bootstrap.servers", "a:9092,[::1]:9093");
        given.put("security.protocol", "SASL_SSL");
        given.put("sasl.mechanism", "SCRAM-SHA-512");
        given.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        given.put("ssl.truststore.location", "/etc/ts.jks");
        given.put("ssl.keystore.key", "-----BEGIN PRIVATE KEY----- secret");
        given.put("sasl.oauthbearer.client.secret", "oauth-secret");
        given.put("producer.linger.ms", "20");
        given.put("client.id.prefix", "svc");
        KafkaSettings s = KafkaSettings.fromMap(given);
        Map<String, String> p = s.producerProperties();
        assertEquals("a:9092,[::1]:9093", p.get("bootstrap.servers"));
        assertEquals("SASL_SSL", p.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", p.get("sasl.mechanism"));
        assertEquals("/etc/ts.jks", p.get("ssl.truststore.location"));
        assertEquals("all", p.get("acks"));
        assertEquals("true", p.get("enable.idempotence"));
        assertEquals("20", p.get("linger.ms"));
        assertFalse(p.containsKey("producer.linger.ms"));
        assertTrue(p.get("client.id").startsWith("svc-producer-"));
        Map<String, String> c = s.consumerProperties("g");
        assertEquals("g", c.get("group.id"));
        assertEquals("earliest", c.get("auto.offset.reset"));
        assertEquals("false", c.get("enable.auto.commit"));
        assertEquals("SASL_SSL", c.get("security.protocol"));
        assertFalse(c.containsKey("linger.ms"));
        assertFalse(s.toString().contains("ScramLoginModule"), "secrets must not be printed");
        assertFalse(s.toString().contains("PRIVATE KEY"), "a key must not be printed");
        assertFalse(s.toString().contains("oauth-secret"), "an OAuth secret must not be printed");
        assertTrue(s.toString().contains("/etc/ts.jks"), "other settings are printed");
    }

    @Test
    void checkpointsAreAtomicAndPruned(@TempDir Path dir) throws IOException {
        CheckpointStore store = new CheckpointStore(dir, 2);
        assertTrue(store.latest().isEmpty());
        for (long seq = 1; seq <= 4; seq++) {
            store.writeFiles(seq, Map.of("weights.bin", new byte[] {(byte) seq}, "meta/state.json",
                    ("{\"step\":" + seq + "}").getBytes(StandardCharsets.UTF_8)));
        }
        assertEquals(List.of(3L, 4L), store.list().stream().map(CheckpointStore::sequenceOf).toList());
        Path latest = store.latest().orElseThrow();
        assertEquals(4, CheckpointStore.sequenceOf(latest));
        assertArrayEquals(new byte[] {4}, CheckpointStore.readFiles(latest).get("weights.bin"));

        // A writer that fails half-way leaves no checkpoint and no temporary directory behind.
        assertThrows(IOException.class, () -> store.write(5, d -> {
            Files.write(d.resolve("half"), new byte[10]);
            throw new IOException("disk full");
        }));
        assertEquals(4, CheckpointStore.sequenceOf(store.latest().orElseThrow()));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(2, s.count());
        }
        // A crash leftover (temp dir) is cleaned when the store is opened again.
        Files.createDirectories(dir.resolve(".tmp-9-crashed"));
        CheckpointStore reopened = new CheckpointStore(dir, 2);
        assertFalse(Files.exists(dir.resolve(".tmp-9-crashed")));
        // Writing a sequence again replaces it (a write retried after a failure that came after the rename).
        reopened.writeFiles(4, Map.of("again", new byte[] {1}));
        assertTrue(Files.exists(reopened.latest().orElseThrow().resolve("again")));
    }

    @Test
    @SuppressWarnings("try") // resources held for a block that does not use them
    void aLockedDirectoryRefusesASecondInstanceNamingTheFirst(@TempDir Path dir) throws IOException {
        Path state = dir.resolve("run").resolve("ebm-learner");
        try (DirectoryLock first = DirectoryLock.acquire(state, "ebm-learner 0")) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> DirectoryLock.acquire(state, "ebm-learner 1"));
            assertTrue(e.getMessage().contains("ebm-learner 0"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
        try (DirectoryLock again = DirectoryLock.acquire(state, "ebm-learner 1")) {
            assertTrue(Files.readString(state.resolve("lock")).startsWith("ebm-learner 1"));
        }
    }

    @Test
    void aPublicationIsRetriedUntilItSucceedsOrTheTimeLimitPasses() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (Metrics m = Metrics.create("retry-test")) {
            Retry retry = new Retry(vertx, Duration.ofSeconds(2), m);
            AtomicInteger attempts = new AtomicInteger();
            String out = retry.until("snapshot-policy", "v7", () -> attempts.incrementAndGet() < 4
                    ? Future.failedFuture(new IllegalStateException("broker down")) : Future.succeededFuture("sent")).await();
            assertEquals("sent", out);
            assertEquals(4, attempts.get());
            assertEquals(3, KafkaPlatformTest.value(m, "dxmi_publish_retries_total", "what", "snapshot-policy"));
            assertEquals(0, KafkaPlatformTest.value(m, "dxmi_publish_failing", "what", "snapshot-policy"));
            long t0 = System.nanoTime();
            Throwable e = assertThrows(Exception.class, () -> retry.until("plan", "r", () -> Future.failedFuture(
                    new IllegalStateException("broker down"))).await());
            assertTrue(e.getMessage().contains("plan r failed"), e.getMessage());
            assertTrue(System.nanoTime() - t0 > Duration.ofSeconds(2).toNanos(), "retried for the whole limit");

            // A refusal is not retried: the caller hears of it at once.
            AtomicInteger refused = new AtomicInteger();
            Throwable denied = assertThrows(Exception.class, () -> retry.until("snapshot-policy", "v8", () -> {
                refused.incrementAndGet();
                return Future.failedFuture(new TopicAuthorizationException("not allowed"));
            }).await());
            assertTrue(denied.getMessage().contains("not allowed"), denied.getMessage());
            assertEquals(1, refused.get(), "one attempt only");
        } finally {
            vertx.close().await();
        }
    }

    @Test
    void metricsEndpointServesCounter() throws Exception {
        try (Metrics m = Metrics.create("unit-test")) {
            int port = m.startHttp(0);
            assertTrue(port > 0);
            m.counter("steps_total", "Training steps").inc(3);
            m.counterFamily("messages_total", "Messages", "topic").labels("t1").inc();
            m.histogram("step_seconds", "Step time", 0.01, 0.1, 1).observe(0.05);
            assertThrows(IllegalArgumentException.class, () -> m.counter("steps", "no suffix"));
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            String body = r.body();
            assertTrue(body.contains("steps_total{service=\"unit-test\"} 3.0"), body);
            assertTrue(body.contains("messages_total{service=\"unit-test\",topic=\"t1\"} 1.0"), body);
            assertTrue(body.contains("dxmi_native_memory_bytes{service=\"unit-test\"}"), body);
            assertTrue(body.contains("jvm_memory_used_bytes"), "JVM metrics registered");
            assertTrue(body.contains("process_resident_memory_bytes"), "process metrics registered");
            double rss = Metrics.residentSetBytes();
            assertTrue(rss > 1e6, "RSS " + rss);
            double nativeBytes = Metrics.nativeMemoryEstimateBytes();
            assertTrue(nativeBytes >= 0 && nativeBytes < rss, "native " + nativeBytes + " of RSS " + rss);
        }
    }

    @Test
    void constantLabelsGoOnEveryOwnMetric() throws Exception {
        try (Metrics m = Metrics.create("unit-test", Map.of("run", "r1"))) {
            m.counter("steps_total", "Training steps").inc(2);
            m.gaugeFamily("loss", "Loss", "kind").labels("value").set(0.5);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrometheusTextFormatWriter.create().write(out, m.registry().scrape());
            String body = out.toString(StandardCharsets.UTF_8);
            assertTrue(body.contains("steps_total{run=\"r1\",service=\"unit-test\"} 2.0"), body);
            assertTrue(body.contains("loss{kind=\"value\",run=\"r1\",service=\"unit-test\"} 0.5"), body);
            assertTrue(body.contains("dxmi_native_memory_bytes{run=\"r1\",service=\"unit-test\"}"), body);
        }
        assertThrows(IllegalArgumentException.class, () -> Metrics.create("x", Map.of("service", "y")));
        assertThrows(IllegalArgumentException.class, () -> Metrics.create("x", Map.of("run", " ")));
    }

    @Test
    void residentSetIsReadFromProcStatus(@TempDir Path dir) throws Exception {
        Path status = dir.resolve("status");
        Files.writeString(status, "Name:\tjava\nVmPeak:\t 9999 kB\nVmRSS:\t  123456 kB\nThreads:\t42\n");
        assertEquals(123456 * 1024.0, Metrics.residentSetBytes(status));
        Files.writeString(status, "Name:\tjava\n");
        assertEquals(-1, Metrics.residentSetBytes(status), "no VmRSS line");
        assertEquals(-1, Metrics.residentSetBytes(dir.resolve("missing")), "no file");
        // The real one agrees with the JVM's view: at least the heap in use is resident.
        double rss = Metrics.residentSetBytes();
        long heapUsed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        assertTrue(rss > heapUsed / 2.0, "RSS " + rss + " vs heap used " + heapUsed);
    }
}
