package io.dxmi.pipeline;

import static io.dxmi.pipeline.PipelineTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.data.SampleShape;
import io.dxmi.core.dxmi.DxmiTrainer;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.platform.messaging.DeadLetters;
import io.dxmi.schemas.SnapshotProvenance;
import io.dxmi.schemas.TrajectoryBatch;
import io.dxmi.schemas.WeightSnapshot;
import io.dxmi.schemas.codec.Codecs;
import io.dxmi.schemas.codec.SchemaException;
import io.dxmi.schemas.codec.Tensors;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
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

    private static byte[] sha256(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    /** A snapshot record as a forger would write it: any payload, any declarations. */
    private static WeightSnapshot.Builder forged(String run, String plan, long version, byte[] payload)
            throws Exception {
        return WeightSnapshot.newBuilder().setRunId(run).setModel(RunTopics.POLICY).setVersion(version)
                .setStep(version).setSizeBytes(payload.length).setSha256(HexFormat.of().formatHex(sha256(payload)))
                .setProvenance(SnapshotProvenance.newBuilder().setConfigHash(plan).setDataHash("d")
                        .setParentVersion(version - 1).setProducer("forger").build())
                .setCreatedAtMillis(0).setChunkCount(0).setChunkSizeBytes(0).setPayload(ByteBuffer.wrap(payload));
    }

    @Test
    void followersRefuseEveryKindOfBadSnapshotAndEachIsDeadLetteredOnce() throws Exception {
        String run = "garbage-snapshots";
        RunPlan plan = PipelineTestSupport.planWithoutPretraining(run);
        String hash = plan.hash();
        Map<String, float[]> layout = Map.of("w", new float[1]);
        // Three services read the policy topic; the ebm-learner reports its bad records.
        try (PipelineContext reporter = PipelineContext.open(vertx, settings, run, "ebm-learner", metrics);
                PipelineContext actor = PipelineContext.open(vertx, settings, run, "sampler-actor", metrics);
                PipelineContext evaluator = PipelineContext.open(vertx, settings, run, "evaluator", metrics)) {
            PipelineTestSupport.createTopics(reporter, plan);
            List<SnapshotFollower> followers = new ArrayList<>();
            for (PipelineContext ctx : List.of(reporter, actor, evaluator)) {
                followers.add(SnapshotFollower.builder().setContext(ctx).setModels(Set.of(RunTopics.POLICY))
                        .optPlan(plan).optLayout(RunTopics.POLICY, layout).build().start());
            }
            try (PipelineTestSupport.TopicReader dlq = new PipelineTestSupport.TopicReader(settings,
                    reporter.topics().deadLetters())) {
                Snapshots snapshots = reporter.snapshots(plan);
                await(snapshots.publish(RunTopics.POLICY, 1, 1, 0, Map.of("w", new float[] {1f})));
                for (SnapshotFollower f : followers) {
                    assertEquals(1, f.await(RunTopics.POLICY, 1).get(30, TimeUnit.SECONDS).version());
                }
                String topic = reporter.topics().snapshots(RunTopics.POLICY);
                byte[] good = WeightBlobs.encode(Map.of("w", new float[] {2f}));
                byte[] nan = WeightBlobs.encode(Map.of("w", new float[] {Float.NaN}));
                byte[] wide = WeightBlobs.encode(Map.of("w", new float[] {1f, 2f}));
                byte[] renamed = WeightBlobs.encode(Map.of("v", new float[] {1f}));
                byte[] noise = Arrays.copyOf(GARBAGE, good.length);
                Map<String, byte[]> bad = new LinkedHashMap<>();
                bad.put("unknown schema fingerprint", GARBAGE);
                bad.put("SHA-256 mismatch", Codecs.encode(forged(run, hash, 2, good).setSha256("00".repeat(32)).build()));
                bad.put("declares 2000000000 bytes", Codecs.encode(forged(run, hash, 3, good).setPayload(null)
                        .setSizeBytes(2_000_000_000L).setChunkCount(4000).setChunkSizeBytes(500_000)
                        .setFirstChunkOffset(0).build()));
                bad.put("non-finite", Codecs.encode(forged(run, hash, 4, nan).build()));
                bad.put("outside the run's versions", Codecs.encode(forged(run, hash, 1_000_000_000L, good).build()));
                bad.put("belongs to run 'someone-else'", Codecs.encode(forged("someone-else", hash, 5, good).build()));
                bad.put("trained under plan", Codecs.encode(forged(run, "another-plan", 5, good).build()));
                bad.put("declares 25 bytes; the limit is 21", Codecs.encode(forged(run, hash, 5, wide).build()));
                bad.put("holds tensors [v]; the model has [w]", Codecs.encode(forged(run, hash, 5, renamed).build()));
                bad.put("bad magic", Codecs.encode(forged(run, hash, 5, noise).build()));
                bad.put("chunks of policy v6", Codecs.encode(forged(run, hash, 6, good).setPayload(null)
                        .setChunkCount(1).setChunkSizeBytes(good.length).setFirstChunkOffset(0).build()));
                Map<Long, String> offsets = new LinkedHashMap<>();
                for (Map.Entry<String, byte[]> e : bad.entrySet()) {
                    offsets.put(await(reporter.producer().send(topic, RunTopics.POLICY, e.getValue())).offset(),
                            e.getKey());
                }
                for (Map.Entry<Long, String> e : offsets.entrySet()) {
                    DeadLetters.Envelope env = dlq.awaitDeadLetter(d -> d.offset() == e.getKey()
                            && topic.equals(d.sourceTopic()), WAIT, e.getValue());
                    assertTrue(env.reason().contains(e.getValue()), e.getValue() + " in " + env.reason());
                }
                // None of it was taken, by any follower, and they all go on.
                await(snapshots.publish(RunTopics.POLICY, 7, 7, 1, Map.of("w", new float[] {7f})));
                for (SnapshotFollower f : followers) {
                    SnapshotFollower.Versioned v = f.await(RunTopics.POLICY, 7).get(30, TimeUnit.SECONDS);
                    assertEquals(7, v.version(), "the absurd version did not blind it");
                    assertEquals(7f, v.weights().get("w")[0]);
                }
                // Once each, though three followers refused each one.
                Map<Long, Long> letters = new LinkedHashMap<>();
                for (var r : dlq.drain(Duration.ofSeconds(2))) {
                    letters.merge(PipelineTestSupport.envelope(r.value()).offset(), 1L, Long::sum);
                }
                assertEquals(offsets.keySet(), letters.keySet());
                letters.forEach((offset, n) -> assertEquals(1L, n, "dead letters of offset " + offset));
            } finally {
                followers.forEach(SnapshotFollower::close);
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
        RuntimeException e = assertThrows(RuntimeException.class, () -> TrajectoryMessages.decode(bytes, RUN, T, B, SampleShape.vector(D)));
        assertTrue(e instanceof IllegalArgumentException || e instanceof SchemaException, e.toString());
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), e.toString());
        return e;
    }

    @Test
    void aRestartedActorFindsItsNewestBatchPastGarbageAndOtherActorsBatches() throws Exception {
        String run = "actor-position";
        RunPlan plan = PipelineTestSupport.planWithoutPretraining(run);
        try (PipelineContext ctx = PipelineContext.open(vertx, settings, run, "sampler-actor", metrics)) {
            PipelineTestSupport.createTopics(ctx, plan);
            assertTrue(TrajectoryMessages.newestOf(ctx, "0", WAIT).isEmpty(), "a fresh actor starts from the seed");
            long[] state = {11, 22, 33, 44, Double.doubleToRawLongBits(Double.NaN)};
            BiFunction<String, Long, TrajectoryBatch.Builder> batch = (actor, policy) -> batch(states())
                    .setRunId(run).setBatchId(actor + "-" + policy).setActorId(actor).setPolicyVersion(policy)
                    .setRolloutState(Arrays.stream(state).map(w -> w + policy).boxed().toList());
            String topic = ctx.topics().trajectories();
            List<Map.Entry<String, byte[]>> records = List.of(
                    Map.entry("0", Codecs.encode(batch.apply("0", 7L).build())), // actor 0's newest good batch
                    Map.entry("1", Codecs.encode(batch.apply("1", 8L).build())), // another actor's
                    Map.entry("0", GARBAGE), // keyed as actor 0 but not a batch
                    Map.entry("0", Codecs.encode(batch.apply("0", 9L).setRunId("someone-else").build())),
                    Map.entry("0", Codecs.encode(batch.apply("1", 9L).build()))); // keyed 0, sent by actor 1
            List<Long> offsets = new ArrayList<>();
            for (Map.Entry<String, byte[]> r : records) {
                offsets.add(await(ctx.producer().send(topic, r.getKey(), r.getValue())).offset());
            }
            TrajectoryMessages.ActorPosition zero = TrajectoryMessages.newestOf(ctx, "0", WAIT).orElseThrow();
            assertEquals(offsets.get(0), zero.offset());
            assertEquals(7L, zero.policyVersion());
            assertTrue(Arrays.equals(new long[] {18, 29, 40, 51, state[4] + 7}, zero.rolloutState()));
            assertEquals(offsets.get(1), TrajectoryMessages.newestOf(ctx, "1", WAIT).orElseThrow().offset());
            // A batch without the stream (a v1 writer) still gives the pacing position.
            long v1 = await(ctx.producer().send(topic, "2", Codecs.encode(batch.apply("2", 3L)
                    .setRolloutState(List.of()).build()))).offset();
            TrajectoryMessages.ActorPosition two = TrajectoryMessages.newestOf(ctx, "2", WAIT).orElseThrow();
            assertEquals(v1, two.offset());
            assertEquals(null, two.rolloutState());
        }
    }

    @Test
    void trajectoryDecodeRejectsMalformedBatches() {
        TrajectoryMessages.Decoded ok = TrajectoryMessages.decode(Codecs.encode(batch(states()).build()), RUN, T, B, SampleShape.vector(D));
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
        m = rejected(Codecs.encode(batch(states()).setSampleShape(List.of(1, 1, D)).build())).getMessage();
        assertTrue(m.contains("samples of [1, 1, " + D + "]"), m);

        // A batch with non-finite states is a batch of the run (a diverged policy): it decodes, marked.
        float[] nan = states();
        nan[7] = Float.NaN;
        assertFalse(TrajectoryMessages.decode(Codecs.encode(batch(nan).build()), RUN, T, B, SampleShape.vector(D)).finite());
        float[] inf = states();
        inf[inf.length - 1] = Float.NEGATIVE_INFINITY;
        assertFalse(TrajectoryMessages.decode(Codecs.encode(batch(inf).build()), RUN, T, B, SampleShape.vector(D)).finite());
        assertTrue(ok.finite());
        m = rejected(Codecs.encode(batch(states()).setPolicyVersion(-3).build())).getMessage();
        assertTrue(m.contains("policy version -3"), m);

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

    /** A learner that only records what reaches it (and counts iterations as a learner does). */
    static final class RecordingLearner extends TrajectoryLearner<Void, Void> {
        final List<String> learned = new CopyOnWriteArrayList<>();
        final List<String> skipped = new CopyOnWriteArrayList<>();

        RecordingLearner(ServiceOptions options) {
            super(options);
        }

        @Override
        protected String role() {
            return "ebm-learner"; // the trajectories' reporter: it dead-letters what it refuses
        }

        @Override
        protected void initialise(LearnerCheckpoints.Position restored) {}

        @Override
        protected CompletableFuture<Void> inputs(TrajectoryMessages.Decoded batch, long iteration) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        protected Void step(TrajectoryMessages.Decoded batch, Void unused) {
            trainer.completeIteration(null, null);
            learned.add(batch.message().getBatchId());
            return null;
        }

        @Override
        protected Void skip(TrajectoryMessages.Decoded batch, Void unused) {
            trainer.completeIteration(new DxmiTrainer.EnergyStep(Double.NaN, Double.NaN, Double.NaN, 1), null);
            skipped.add(batch.message().getBatchId());
            return null;
        }

        @Override
        protected CompletableFuture<Void> publish(Void outcome) {
            return CompletableFuture.completedFuture(null);
        }
    }

    @Test
    void aLearnerNumbersItsIterationsByTheBatchesItAcceptsNeverByOffsets() throws Exception {
        DjlRuntime.configure(1);
        String run = "garbage-trajectories";
        RunPlan plan = PipelineTestSupport.planWithoutPretraining(run);
        int t = plan.spec().config().samplerSteps();
        int b = plan.spec().config().batchSize();
        int d = plan.spec().data().dimension();
        try (PipelineContext ctx = PipelineContext.open(vertx, settings, run, "submit", metrics);
                PipelineTestSupport.TopicReader dlq = new PipelineTestSupport.TopicReader(settings,
                        ctx.topics().deadLetters())) {
            PipelineTestSupport.createTopics(ctx, plan);
            await(ctx.publishPlan(plan));
            String topic = ctx.topics().trajectories();
            float[] states = new float[(t + 1) * b * d];
            float[] nan = states.clone();
            nan[3] = Float.NaN;
            BiFunction<String, Long, TrajectoryBatch.Builder> batch = (id, policy) -> TrajectoryBatch
                    .newBuilder().setRunId(run).setBatchId(id).setActorId("a").setPolicyVersion(policy).setSteps(t)
                    .setBatchSize(b).setDimension(d).setSampleShape(List.of(d)).setCreatedAtMillis(0)
                    .setStates(Tensors.pack(states));
            List<byte[]> records = List.of(GARBAGE, // refused
                    Codecs.encode(batch.apply("wrong", 0L).setRunId("someone-else").build()), // refused
                    Codecs.encode(batch.apply("first", 0L).build()), // iteration 1
                    Codecs.encode(batch.apply("first", 0L).build()), // sent twice: refused
                    Codecs.encode(batch.apply("future", 5L).build()), // policy v5 at iteration 1: refused
                    Codecs.encode(batch.apply("nan", 1L).setStates(Tensors.pack(nan)).build()), // skipped: iteration 2
                    Codecs.encode(batch.apply("stale", 0L).build())); // v0 at iteration 2 (sync): learned, 3
            List<Long> offsets = new ArrayList<>();
            for (byte[] r : records) {
                offsets.add(await(ctx.producer().send(topic, "x", r)).offset());
            }
            RecordingLearner learner = new RecordingLearner(new ServiceOptions(settings, run, "l-0",
                    dataDir.resolve("state-" + run), metrics, Duration.ofSeconds(20)));
            String id = await(vertx.deployVerticle(learner));
            try {
                Map<Integer, String> refusals = Map.of(0, "SchemaException", 1, "someone-else", 3, "sent twice", 4,
                        "no such policy yet");
                for (Map.Entry<Integer, String> e : refusals.entrySet()) {
                    DeadLetters.Envelope env = dlq.awaitDeadLetter(x -> x.offset() == offsets.get(e.getKey()), WAIT,
                            "record " + e.getKey());
                    assertEquals(topic, env.sourceTopic());
                    assertTrue(env.reason().contains(e.getValue()), env.reason());
                }
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (learner.iteration() < 3 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertEquals(List.of("first", "stale"), learner.learned);
                assertEquals(List.of("nan"), learner.skipped);
                assertEquals(3, learner.iteration(), "three batches accepted, whatever their offsets");
                assertEquals(4, dlq.drain(Duration.ofSeconds(1)).size(), "the four refused records, once each");
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
    void awaitPlanTimesOutNamingTheRunAndCreatesNothing() throws Exception {
        try (PipelineContext ctx = PipelineContext.open(vertx, settings, "never-submitted", "test", metrics)) {
            long t0 = System.nanoTime();
            TimeoutException e = assertThrows(TimeoutException.class, () -> ctx.awaitPlan(Duration.ofSeconds(2)));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 1_900 && ms < 15_000, "waited " + ms + " ms");
            assertTrue(e.getMessage().contains("'never-submitted'"), e.getMessage());
            assertTrue(e.getMessage().contains("dxmi submit"), e.getMessage());
        }
        try (Admin admin = Admin.create(new HashMap<>(settings.adminProperties()))) {
            assertTrue(admin.listTopics().names().get().stream().noneMatch(n -> n.contains("never-submitted")),
                    "a mistyped run name creates no topic");
        }
    }
}
