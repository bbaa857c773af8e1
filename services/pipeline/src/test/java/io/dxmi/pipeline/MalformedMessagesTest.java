package io.dxmi.pipeline;

import static io.dxmi.pipeline.PipelineTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.platform.messaging.DeadLetters;
import io.dxmi.platform.snapshot.BlobChunk;
import io.dxmi.platform.snapshot.BlobCodec;
import io.dxmi.platform.snapshot.BlobManifest;
import io.dxmi.platform.snapshot.ChunkedBlobs;
import io.dxmi.schemas.SnapshotProvenance;
import io.dxmi.schemas.TrajectoryBatch;
import io.dxmi.schemas.WeightSnapshot;
import io.dxmi.schemas.codec.Codecs;
import io.dxmi.schemas.codec.SchemaException;
import io.dxmi.schemas.codec.Tensors;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Garbage on every topic the pipeline consumes: consumers go on, and the garbage is dead-lettered with a reason. */
@Tag("integration")
class MalformedMessagesTest extends BrokerTestBase {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final byte[] GARBAGE = "\u00c3\u0001not an avro record at all".getBytes(StandardCharsets.ISO_8859_1);

    private static String meta(String run, long version, long size) {
        WeightSnapshot m = WeightSnapshot.newBuilder().setRunId(run).setModel("policy").setVersion(version)
                .setStep(version).setSizeBytes(size).setSha256("00")
                .setProvenance(SnapshotProvenance.newBuilder().setConfigHash("c").setDataHash("d")
                        .setParentVersion(version - 1).setProducer("forger").build())
                .setCreatedAtMillis(0).setChunkCount(0).setChunkSizeBytes(0).build();
        return Base64.getEncoder().encodeToString(Codecs.encode(m));
    }

    private static byte[] sha256(byte[] b) throws Exception {
        return java.security.MessageDigest.getInstance("SHA-256").digest(b);
    }

    @Test
    void snapshotFollowerSurvivesGarbageAndDeadLettersIt() throws Exception {
        String run = "garbage-snapshots";
        RunPlan plan = PipelineTestSupport.planWithoutPretraining(run);
        try (PipelineContext ctx = PipelineContext.open(vertx, settings, run, "test", metrics);
                PipelineTestSupport.TopicReader dlq = new PipelineTestSupport.TopicReader(settings,
                        ctx.topics().deadLetters());
                SnapshotFollower follower = new SnapshotFollower(settings, ctx.topics(), Set.of(RunTopics.POLICY),
                        ctx.deadLetters(), metrics).start()) {
            RunTopics t = ctx.topics();
            Snapshots snapshots = ctx.snapshots(plan);
            await(snapshots.publish(RunTopics.POLICY, 1, 1, 0, Map.of("w", new float[] {1f})));
            assertEquals(1, follower.await(RunTopics.POLICY, 1).get(30, TimeUnit.SECONDS).version());

            // 1. A record on the manifest topic that is not a manifest.
            RecordMetadata garbage = await(ctx.producer().send(t.snapshots(), RunTopics.POLICY, GARBAGE));
            DeadLetters.Envelope e1 = dlq.awaitDeadLetter(e -> e.offset() == garbage.offset()
                    && t.snapshots().equals(e.sourceTopic()), WAIT, "undecodable manifest");
            assertTrue(e1.reason().contains("Undecodable blob manifest"), e1.reason());
            assertTrue(Arrays.equals(GARBAGE, e1.payload()), "the original bytes travel unchanged");

            // 2. A manifest whose only chunk is garbage.
            RecordMetadata badChunk = await(ctx.producer().send(t.snapshotChunks(), ChunkedBlobs.chunkKey("policy", 2),
                    GARBAGE));
            BlobManifest m2 = new BlobManifest("policy", 2, GARBAGE.length, 1, sha256(GARBAGE),
                    Map.of(Snapshots.ATTRIBUTE, meta(run, 2, GARBAGE.length)), t.snapshotChunks(),
                    badChunk.partition(), badChunk.offset());
            RecordMetadata man2 = await(ctx.producer().send(t.snapshots(), "policy", BlobCodec.encode(m2)));
            DeadLetters.Envelope e2 = dlq.awaitDeadLetter(e -> e.offset() == man2.offset()
                    && t.snapshots().equals(e.sourceTopic()), WAIT, "manifest with a garbage chunk");
            assertFalse(e2.reason().isBlank());

            // 3. A well-formed chunk whose bytes do not match the manifest's SHA-256 (corrupted in transit).
            byte[] data = WeightBlobs.encode(Map.of("w", new float[] {3f}));
            RecordMetadata chunk3 = await(ctx.producer().send(t.snapshotChunks(), ChunkedBlobs.chunkKey("policy", 3),
                    BlobCodec.encode(new BlobChunk("policy", 3, 0, 1, data))));
            byte[] wrongSha = sha256(data);
            wrongSha[0] ^= 1;
            BlobManifest m3 = new BlobManifest("policy", 3, data.length, 1, wrongSha,
                    Map.of(Snapshots.ATTRIBUTE, meta(run, 3, data.length)), t.snapshotChunks(), chunk3.partition(),
                    chunk3.offset());
            RecordMetadata man3 = await(ctx.producer().send(t.snapshots(), "policy", BlobCodec.encode(m3)));
            DeadLetters.Envelope e3 = dlq.awaitDeadLetter(e -> e.offset() == man3.offset()
                    && t.snapshots().equals(e.sourceTopic()), WAIT, "manifest with a SHA-256 mismatch");
            assertTrue(e3.reason().contains("SHA-256 mismatch"), e3.reason());

            // 4. An intact blob (SHA-256 right) whose payload is not a tensor archive.
            ChunkedBlobs raw = ChunkedBlobs.builder().setVertx(vertx).setProducer(ctx.producer())
                    .setChunkTopic(t.snapshotChunks()).setManifestTopic(t.snapshots()).build();
            BlobManifest m4 = await(raw.publish("policy", 4, GARBAGE, Map.of(Snapshots.ATTRIBUTE, meta(run, 4, 1))));
            DeadLetters.Envelope e4 = dlq.awaitDeadLetter(e -> t.snapshots().equals(e.sourceTopic())
                    && e.reason().contains("v4"), WAIT, "snapshot " + m4 + " whose payload is garbage");
            assertTrue(e4.reason().contains("tensor archive"), e4.reason());

            // 5. An intact tensor archive without the WeightSnapshot attribute.
            await(raw.publish("policy", 5, WeightBlobs.encode(Map.of("w", new float[] {5f})), Map.of()));
            DeadLetters.Envelope e5 = dlq.awaitDeadLetter(e -> t.snapshots().equals(e.sourceTopic())
                    && e.reason().contains(Snapshots.ATTRIBUTE), WAIT, "snapshot without metadata");
            assertTrue(e5.reason().contains("v5"), e5.reason());

            // None of it was delivered; the consumer still works.
            assertEquals(1, follower.newest(RunTopics.POLICY).version());
            await(snapshots.publish(RunTopics.POLICY, 6, 6, 1, Map.of("w", new float[] {6f})));
            SnapshotFollower.Versioned good = follower.await(RunTopics.POLICY, 6).get(30, TimeUnit.SECONDS);
            assertEquals(6, good.version());
            assertEquals(6f, good.weights().get("w")[0]);
            assertEquals(2, follower.received());
            for (var r : dlq.seen()) {
                DeadLetters.Envelope e = PipelineTestSupport.envelope(r.value());
                assertFalse(e.reason() == null || e.reason().isBlank(), "every dead letter names a reason");
                assertTrue(e.exceptionClass() != null && !e.exceptionClass().isBlank());
            }
        }
    }

    // ---------------------------------------------------------------- trajectory batches

    private static final String RUN = "traj";
    private static final int T = 4;
    private static final int B = 3;
    private static final int D = 2;

    private static TrajectoryBatch.Builder batch(float[] states) {
        return TrajectoryBatch.newBuilder().setRunId(RUN).setBatchId("b-1").setActorId("actor-0").setPolicyVersion(0)
                .setSteps(T).setBatchSize(B).setDimension(D).setSampleShape(List.of(D)).setCreatedAtMillis(0)
                .setStates(Tensors.pack(states)).setIteration(-1);
    }

    private static float[] states() {
        float[] s = new float[(T + 1) * B * D];
        for (int i = 0; i < s.length; i++) {
            s[i] = i * 0.5f - 3f;
        }
        return s;
    }

    private static RuntimeException rejected(byte[] bytes) {
        RuntimeException e = assertThrows(RuntimeException.class, () -> TrajectoryMessages.decode(bytes, RUN, T, B, D));
        assertTrue(e instanceof IllegalArgumentException || e instanceof SchemaException, e.toString());
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), e.toString());
        return e;
    }

    @Test
    void trajectoryDecodeRejectsMalformedBatches() {
        TrajectoryMessages.Decoded ok = TrajectoryMessages.decode(Codecs.encode(batch(states()).build()), RUN, T, B, D);
        assertTrue(Arrays.equals(states(), ok.states()));

        assertInstanceOf(SchemaException.class, rejected(GARBAGE));
        assertInstanceOf(SchemaException.class, rejected(new byte[0]));
        // Another Avro record type is not a trajectory batch either.
        WeightSnapshot other = WeightSnapshot.newBuilder().setRunId(RUN).setModel("policy").setVersion(1).setStep(1)
                .setSizeBytes(0).setSha256("").setProvenance(SnapshotProvenance.newBuilder().setConfigHash("")
                        .setDataHash("").setParentVersion(0).setProducer("").build())
                .setCreatedAtMillis(0).setChunkCount(0).setChunkSizeBytes(0).build();
        rejected(Codecs.encode(other));

        String m = rejected(Codecs.encode(batch(states()).setRunId("other-run").build())).getMessage();
        assertTrue(m.contains("other-run") && m.contains(RUN), m);

        m = rejected(Codecs.encode(batch(states()).setSteps(T + 1).build())).getMessage();
        assertTrue(m.contains("T=" + (T + 1)), m);
        m = rejected(Codecs.encode(batch(states()).setBatchSize(B + 1).build())).getMessage();
        assertTrue(m.contains("B=" + (B + 1)), m);
        m = rejected(Codecs.encode(batch(states()).setDimension(D + 1).build())).getMessage();
        assertTrue(m.contains("D=" + (D + 1)), m);

        float[] nan = states();
        nan[7] = Float.NaN;
        m = rejected(Codecs.encode(batch(nan).build())).getMessage();
        assertTrue(m.contains("non-finite"), m);
        float[] inf = states();
        inf[inf.length - 1] = Float.NEGATIVE_INFINITY;
        assertTrue(rejected(Codecs.encode(batch(inf).build())).getMessage().contains("non-finite"));

        // States cut short: a whole number of floats but too few, and a ragged byte count.
        float[] s = states();
        m = rejected(Codecs.encode(batch(Arrays.copyOf(s, s.length - D)).build())).getMessage();
        assertTrue(m.contains("expected"), m);
        ByteBuffer ragged = ByteBuffer.wrap(Arrays.copyOf(Tensors.pack(s).array(), s.length * 4 - 3));
        m = rejected(Codecs.encode(batch(s).setStates(ragged).build())).getMessage();
        assertTrue(m.contains("multiple of 4"), m);

        // A truncated message (bytes cut off) is a schema error, not a crash.
        byte[] whole = Codecs.encode(batch(states()).build());
        assertInstanceOf(SchemaException.class, rejected(Arrays.copyOf(whole, whole.length / 2)));
    }

    /** A learner that only records what reaches it. */
    static final class RecordingLearner extends TrajectoryLearner<Void, Void> {
        final List<TrajectoryMessages.Decoded> learned = new CopyOnWriteArrayList<>();

        RecordingLearner(ServiceOptions options) {
            super(options);
        }

        @Override
        protected String role() {
            return "recording-learner";
        }

        @Override
        protected void initialise(boolean restored) {}

        @Override
        protected CompletableFuture<Void> inputs(TrajectoryMessages.Decoded batch) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        protected Void step(TrajectoryMessages.Decoded batch, Void unused) {
            learned.add(batch);
            return null;
        }

        @Override
        protected CompletableFuture<Void> publish(Void outcome) {
            return CompletableFuture.completedFuture(null);
        }
    }

    @Test
    void learnerDeadLettersMalformedBatchesAndGoesOn() throws Exception {
        DjlRuntime.configure(1);
        String run = "garbage-trajectories";
        RunPlan plan = PipelineTestSupport.planWithoutPretraining(run);
        int t = plan.spec().config().samplerSteps();
        int b = plan.spec().config().batchSize();
        int d = plan.spec().data().dimension();
        try (PipelineContext ctx = PipelineContext.open(vertx, settings, run, "submit", metrics);
                PipelineTestSupport.TopicReader dlq = new PipelineTestSupport.TopicReader(settings,
                        ctx.topics().deadLetters())) {
            await(ctx.publishPlan(plan));
            String topic = ctx.topics().trajectories();
            float[] states = new float[(t + 1) * b * d];
            TrajectoryBatch.Builder good = TrajectoryBatch.newBuilder().setRunId(run).setBatchId("good")
                    .setActorId("a").setPolicyVersion(0).setSteps(t).setBatchSize(b).setDimension(d)
                    .setSampleShape(List.of(d)).setCreatedAtMillis(0).setStates(Tensors.pack(states)).setIteration(0);
            RecordMetadata g = await(ctx.producer().send(topic, "x", GARBAGE));
            RecordMetadata w = await(ctx.producer().send(topic, "x",
                    Codecs.encode(good.setBatchId("wrong").setRunId("someone-else").build())));
            await(ctx.producer().send(topic, "x", Codecs.encode(good.setBatchId("good").setRunId(run).build())));

            RecordingLearner learner = new RecordingLearner(new ServiceOptions(settings, run, "l-0",
                    dataDir.resolve("state-" + run), metrics, Duration.ofSeconds(20)));
            String id = await(vertx.deployVerticle(learner));
            try {
                DeadLetters.Envelope eg = dlq.awaitDeadLetter(e -> e.offset() == g.offset(), WAIT, "garbage batch");
                assertEquals(topic, eg.sourceTopic());
                assertTrue(eg.reason().contains("SchemaException"), eg.reason());
                DeadLetters.Envelope ew = dlq.awaitDeadLetter(e -> e.offset() == w.offset(), WAIT, "other run's batch");
                assertTrue(ew.reason().contains("someone-else"), ew.reason());
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (learner.learned.isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertEquals(1, learner.learned.size());
                assertEquals("good", learner.learned.get(0).message().getBatchId());
            } finally {
                await(vertx.undeploy(id));
            }
        }
    }

    // ---------------------------------------------------------------- run plans

    @Test
    void runPlanDecodeRejectsGarbage() {
        for (String s : List.of("", "not json", "{\"mode\":\"sync\"", "[]", "{}", "null", "42",
                "{\"spec\":null,\"mode\":\"sync\",\"maxStaleness\":0,\"checkpointEvery\":1,\"evalEvery\":1}",
                "{\"spec\":{\"runId\":\"r\"},\"mode\":\"sync\",\"maxStaleness\":0,\"checkpointEvery\":1,\"evalEvery\":1}",
                "{\"spec\":{},\"mode\":\"often\",\"maxStaleness\":0,\"checkpointEvery\":1,\"evalEvery\":1}")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RunPlan.decode(s.getBytes(StandardCharsets.UTF_8)), () -> "accepted '" + s + "'");
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), s);
        }
        assertThrows(IllegalArgumentException.class, () -> RunPlan.decode(GARBAGE));
    }

    @Test
    void awaitPlanTimesOutNamingTheRun() {
        try (PipelineContext ctx = PipelineContext.open(vertx, settings, "never-submitted", "test", metrics)) {
            long t0 = System.nanoTime();
            TimeoutException e = assertThrows(TimeoutException.class, () -> ctx.awaitPlan(Duration.ofSeconds(2)));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 1_900 && ms < 15_000, "waited " + ms + " ms");
            assertTrue(e.getMessage().contains("'never-submitted'"), e.getMessage());
            assertTrue(e.getMessage().contains("dxmi submit"), e.getMessage());
        }
    }
}
