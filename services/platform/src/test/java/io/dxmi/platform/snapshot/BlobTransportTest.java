package io.dxmi.platform.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.dxmi.platform.broker.EmbeddedKafkaBroker;
import io.dxmi.platform.broker.Topics;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.messaging.Producer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;

/**
 * Blobs through a real broker: large ones intact, small ones inline, and every kind of bad record
 * refused at once with its reason (never delivered, never an allocation of what it declares, never
 * a stopped reader); a late starter finds the newest blob even when its chunks lie far back, and skips,
 * without dead-lettering it, a version whose chunks retention deleted first.
 */
@Tag("integration")
class BlobTransportTest {

    @TempDir
    static Path dataDir;
    static EmbeddedKafkaBroker broker;
    static KafkaSettings settings;
    static Vertx vertx;
    static Producer producer;

    /** A test manifest: the reference's fields as text, one per line. */
    static final BlobReader.Format<BlobRef> TEXT = new BlobReader.Format<>() {
        @Override
        public BlobRef decode(byte[] record) {
            String[] f = new String(record, StandardCharsets.UTF_8).split("\n", -1);
            if (f.length != 8) {
                throw new IllegalArgumentException("not a manifest: " + f.length + " lines");
            }
            return new BlobRef(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), HexFormat.of().parseHex(f[3]),
                    f[4].equals("-") ? null : Base64.getDecoder().decode(f[4]), Integer.parseInt(f[5]),
                    Integer.parseInt(f[6]), Long.parseLong(f[7]));
        }

        @Override
        public BlobRef describe(BlobRef m) {
            return m;
        }
    };

    static byte[] encode(BlobRef r) {
        return String.join("\n", r.name(), Long.toString(r.version()), Long.toString(r.size()), r.sha256Hex(),
                r.inline() == null ? "-" : Base64.getEncoder().encodeToString(r.inline()),
                Integer.toString(r.chunkCount()), Integer.toString(r.chunkSize()), Long.toString(r.firstChunkOffset()))
                .getBytes(StandardCharsets.UTF_8);
    }

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.builder().setDataDir(dataDir).build().start();
        settings = KafkaSettings.builder().setBootstrapServers(broker.bootstrapServers()).build();
        vertx = Vertx.vertx();
        producer = Producer.create(vertx, settings);
    }

    @AfterAll
    static void stop() {
        producer.close();
        vertx.close().await();
        broker.close();
    }

    private static void topic(String name) {
        try (Admin admin = Admin.create(new HashMap<>(settings.adminProperties()))) {
            Topics.ensure(admin, name, 1, Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "2097152"));
        }
    }

    private record Got(BlobRef ref, byte[] blob) {}

    private static BlobReader<BlobRef> reader(String topic, BlobReader.Start start, List<Got> got,
            List<String> refused) {
        return BlobReader.<BlobRef>builder().setSettings(settings).setTopic(topic).setFormat(TEXT)
                .setHandler((m, b, o) -> got.add(new Got(m, b))).optStart(start).optMaxBytes(100L << 20)
                .optDeadLetters((t, p, o, k, v, why) -> {
                    refused.add(o + ": " + why.getMessage());
                    return Future.succeededFuture();
                }).build().start();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    @SuppressWarnings("try") // resources held for a block that does not use them
    void largeAndSmallBlobsArriveIntactAndBadRecordsAreRefusedAtOnce() throws Exception {
        String topic = "blobs";
        topic(topic);
        ChunkedBlobs blobs = ChunkedBlobs.builder().setVertx(vertx).setProducer(producer).build();
        List<Got> got = new CopyOnWriteArrayList<>();
        List<String> refused = new CopyOnWriteArrayList<>();
        try (BlobReader<BlobRef> r = reader(topic, BlobReader.Start.fromOffset(0), got, refused)) {
            byte[] big = random(60 << 20, 42);
            BlobRef ref = blobs.publish(topic, "policy", 1, big, BlobTransportTest::encode).await();
            assertEquals(120, ref.chunkCount());
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(big), ref.sha256());
            BlobRef small = blobs.publish(topic, "policy", 2, "tiny".getBytes(StandardCharsets.UTF_8),
                    BlobTransportTest::encode).await();
            assertEquals(0, small.chunkCount(), "small blobs travel inline");
            waitFor(() -> got.size() == 2, "both blobs");
            assertArrayEquals(big, got.get(0).blob());
            assertEquals("tiny", new String(got.get(1).blob(), StandardCharsets.UTF_8));

            // 1. Not a manifest. 2. A manifest declaring 2 GB. 3. A wrong SHA-256. 4. Missing chunks
            // (one chunk sent, then a manifest that counts three). 5. A garbage chunk record.
            producer.send(topic, "policy", "garbage".getBytes(StandardCharsets.UTF_8)).await();
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(new byte[1]);
            producer.send(topic, "policy", encode(new BlobRef("policy", 3, 2_000_000_000L, sha, null, 4000,
                    500_000, 0))).await();
            byte[] wrong = sha.clone();
            wrong[0] ^= 1;
            producer.send(topic, "policy", encode(new BlobRef("policy", 4, 1, wrong, new byte[1], 0, 0, -1))).await();
            long first = producer.send(topic, ChunkedBlobs.chunkKey("policy", 5),
                    BlobCodec.encode(new BlobChunk("policy", 5, 0, 3, new byte[10]))).await().offset();
            producer.send(topic, "policy", encode(new BlobRef("policy", 5, 30, sha, null, 3, 10, first))).await();
            producer.send(topic, ChunkedBlobs.chunkKey("policy", 6), new byte[] {1, 2, 3}).await();
            long t0 = System.nanoTime();
            waitFor(() -> refused.size() == 5, "five refusals: " + refused);
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), "refused at once, no waiting");
            String all = String.join(" | ", refused);
            for (String reason : List.of("not a manifest", "declares 2000000000 bytes", "SHA-256 mismatch",
                    "chunks of policy v5", "not a blob chunk")) {
                assertTrue(all.contains(reason), reason + " in " + all);
            }
            // The reader goes on.
            blobs.publish(topic, "policy", 7, "after".getBytes(StandardCharsets.UTF_8), BlobTransportTest::encode)
                    .await();
            waitFor(() -> got.size() == 3, "the blob after the bad records");
            assertEquals(7, got.get(2).ref().version());
        }
    }

    @Test
    @SuppressWarnings("try") // resources held for a block that does not use them
    void aLateStarterFindsTheNewestBlobBehindItsChunksAndBehindGarbage() throws Exception {
        String topic = "late";
        ChunkedBlobs blobs = smallChunks();
        publishThreeVersions(blobs, topic, "ebm");
        for (int i = 0; i < 30; i++) {
            producer.send(topic, "ebm", new byte[] {(byte) i}).await(); // garbage after the newest
        }
        List<Got> got = new CopyOnWriteArrayList<>();
        List<String> refused = new CopyOnWriteArrayList<>();
        // The window (the last 20 records) holds only garbage; the newest blob's chunks lie further back.
        try (BlobReader<BlobRef> r = reader(topic, BlobReader.Start.recent(20), got, refused)) {
            waitFor(() -> got.stream().anyMatch(g -> g.ref().version() == 3), "the newest blob");
            Got newest = got.stream().filter(g -> g.ref().version() == 3).findFirst().orElseThrow();
            assertArrayEquals(random(40_000, 3), newest.blob());
            blobs.publish(topic, "ebm", 4, random(5000, 4), BlobTransportTest::encode).await();
            waitFor(() -> got.get(got.size() - 1).ref().version() == 4, "a blob published while it runs");
        }
    }

    @Test
    @SuppressWarnings("try") // resources held for a block that does not use them
    void aVersionWhoseChunksRetentionDeletedIsSkippedNotRefused() throws Exception {
        String topic = "trimmed";
        ChunkedBlobs blobs = smallChunks();
        List<BlobRef> published = publishThreeVersions(blobs, topic, "ema");
        // What size-bounded retention does when a segment ends inside a version: the topic now starts
        // between v2's chunks and its manifest.
        long cut = published.get(1).firstChunkOffset() + 2;
        TopicPartition tp = new TopicPartition(topic, 0);
        try (Admin admin = Admin.create(new HashMap<>(settings.adminProperties()))) {
            admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(cut))).all().get(30, TimeUnit.SECONDS);
        }
        List<Got> got = new CopyOnWriteArrayList<>();
        List<String> refused = new CopyOnWriteArrayList<>();
        try (BlobReader<BlobRef> r = reader(topic, BlobReader.Start.recent(1000), got, refused)) {
            waitFor(() -> got.stream().anyMatch(g -> g.ref().version() == 3), "the version after the trimmed one");
            assertArrayEquals(random(40_000, 3), got.get(got.size() - 1).blob());
            assertEquals(List.of(3L), got.stream().map(g -> g.ref().version()).toList(), "v2 skipped, v3 taken");
            assertEquals(List.of(), refused, "a trimmed version is not bad data: nothing dead-lettered");
            blobs.publish(topic, "ema", 4, random(5000, 4), BlobTransportTest::encode).await();
            waitFor(() -> got.get(got.size() - 1).ref().version() == 4, "the reader goes on");
        }
    }

    /** Blobs in chunks of 1,000 bytes, never inline: a 40,000-byte blob is 40 chunks and a manifest. */
    private static ChunkedBlobs smallChunks() {
        return ChunkedBlobs.builder().setVertx(vertx).setProducer(producer).optChunkSize(1000).optInlineLimit(0).build();
    }

    /** Creates the topic and publishes versions 1 to 3 of {@code name}, 40 chunks each. */
    private static List<BlobRef> publishThreeVersions(ChunkedBlobs blobs, String topic, String name) {
        topic(topic);
        List<BlobRef> published = new ArrayList<>();
        for (int v = 1; v <= 3; v++) {
            published.add(blobs.publish(topic, name, v, random(40_000, v), BlobTransportTest::encode).await());
        }
        return published;
    }

    static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }
}
