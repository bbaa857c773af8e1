package io.dxmi.pipeline;

import static io.dxmi.pipeline.PipelineTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.ToyDatasets;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.diffusion.DdpmPretrainer;
import io.dxmi.core.dxmi.DxmiConfig;
import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.dxmi.DxmiTrainer;
import io.dxmi.core.dxmi.ValueSharing;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.engine.ProgressListener;
import io.dxmi.core.model.DataInfo;
import io.dxmi.core.model.Normalization;
import io.dxmi.platform.checkpoint.StateDirectoryConflict;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.metrics.Metrics;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** The run plan through the spec topic, submission, and a learner's checkpoints. */
@Tag("integration")
class PlanAndCheckpointTest extends BrokerTestBase {

    static DataSource ds;
    static DdpmModel pretrained;

    @BeforeAll
    static void start() {
        DjlRuntime.configure(1);
        ds = ToyDatasets.byName("8gaussians");
        pretrained = new DdpmPretrainer(PipelineTestSupport.tinyPretrain(), ProgressListener.NONE)
                .train(2, Normalization.identity(2), ds::sample);
    }

    @AfterAll
    static void stop() throws Exception {
        if (pretrained != null) {
            pretrained.close();
        }
    }

    private static RunPlan plan(String run, String mode, int staleness) {
        return Submission.plan(run, PipelineTestSupport.tinyConfig(), pretrained, ds, "8gaussians", mode, staleness,
                10, 10);
    }

    private static void assertSamePlan(RunPlan expected, RunPlan actual) {
        assertEquals(expected.spec().runId(), actual.spec().runId());
        assertEquals(expected.spec().config(), actual.spec().config());
        assertEquals(expected.spec().samplerConfig(), actual.spec().samplerConfig());
        assertEquals(expected.spec().dataSource(), actual.spec().dataSource());
        assertArrayEquals(expected.spec().shift(), actual.spec().shift());
        assertArrayEquals(expected.spec().scale(), actual.spec().scale());
        DataInfo a = expected.spec().data();
        DataInfo b = actual.spec().data();
        assertEquals(a.name(), b.name());
        assertEquals(a.dimension(), b.dimension());
        assertEquals(a.contentHash(), b.contentHash());
        assertArrayEquals(a.boxLo(), b.boxLo());
        assertArrayEquals(a.boxHi(), b.boxHi());
        assertEquals(expected.mode(), actual.mode());
        assertEquals(expected.maxStaleness(), actual.maxStaleness());
        assertEquals(expected.checkpointEvery(), actual.checkpointEvery());
        assertEquals(expected.evalEvery(), actual.evalEvery());
        assertEquals(expected.iterations(), actual.iterations());
    }

    @Test
    void planRoundTripsAndNewestWins() throws Exception {
        try (PipelineContext ctx = PipelineContext.open(vertx, settings, "planned", "submit", metrics)) {
            RunPlan first = plan("planned", "sync", 7);
            PipelineTestSupport.createTopics(ctx, first);
            assertEquals(ValueSharing.SEPARATE, first.spec().config().valueSharing());
            // even when the configuration submitted asks for one shared network
            DxmiConfig shared = PipelineTestSupport.tinyConfig().toBuilder().optValueSharing(ValueSharing.SHARED).build();
            assertEquals(ValueSharing.SEPARATE, Submission.plan("planned", shared, pretrained, ds, "8gaussians", "sync",
                    0, 10, 10).spec().config().valueSharing());
            assertEquals(0, first.maxStaleness(), "sync runs in lockstep");
            // The wire form alone round-trips.
            assertSamePlan(first, RunPlan.decode(first.encode()));

            await(ctx.publishPlan(first));
            RunPlan got = ctx.awaitPlan(Duration.ofSeconds(20));
            assertSamePlan(first, got);
            assertTrue(got.sync());

            RunPlan second = plan("planned", "async", 3);
            await(ctx.publishPlan(second));
            RunPlan newer = ctx.awaitPlan(Duration.ofSeconds(20));
            assertSamePlan(second, newer);
            assertEquals("async", newer.mode());
            assertEquals(3, newer.maxStaleness());
            // The data the plan names opens locally and is the same data.
            assertEquals(ds.contentHash(), PipelineContext.openData(newer).contentHash());
        }
    }

    @Test
    void thePolicyGateTravelsInThePlan() {
        DxmiConfig gated = PipelineTestSupport.tinyConfig().toBuilder().optPolicyGate(0.25f).build();
        RunPlan p = Submission.plan("gated", gated, pretrained, ds, "8gaussians", "sync", 0, 10, 0);
        assertEquals(0.25f, p.spec().config().policyGate());
    }

    @Test
    void theTopicsDiskBoundIsWhatEachKeepsPlusTheSegmentItWrites() {
        RunPlan p = plan("sized", "sync", 0); // checkpoints every 10 iterations
        long mib = 1L << 20;
        Map<String, Map<String, String>> c = new RunTopics("sized").configs(p, 100_000,
                Map.of(RunTopics.POLICY, 4 * mib, RunTopics.EBM, mib, RunTopics.EMA, mib, RunTopics.VALUE, mib));
        // trajectories keep 2·(10 + 64) batches = 14.8 MB (segments of 3.7 MB); the policy 8 versions (32 MiB, segments
        // of 8 MiB); the other snapshots 8 MiB (2 MiB segments) each; evaluations and dead letters 64 MiB (16 MiB
        // segments) each; the compacted spec two 1 MiB segments.
        long trajectories = 2 * (10 + 64) * 100_000L;
        long expected = trajectories + trajectories / 4 + 40 * mib + 3 * 10 * mib + 2 * 80 * mib + 2 * mib;
        assertEquals(expected, RunTopics.diskBound(c));
    }

    @Test
    void evaluationEveryZeroMeansOnlyAtTheEndAndNegativeIsRefused() {
        RunPlan p = plan("intervals", "sync", 0);
        RunPlan endOnly = new RunPlan(p.spec(), p.mode(), p.maxStaleness(), p.checkpointEvery(), 0);
        assertEquals(0, RunPlan.decode(endOnly.encode()).evalEvery());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RunPlan(p.spec(), p.mode(), p.maxStaleness(), p.checkpointEvery(), -1));
        assertTrue(e.getMessage().contains("evaluation interval"), e.getMessage());
    }

    @Test
    void theContextsProducerSendsWithoutLingerUnlessTheUserChoseOne() throws Exception {
        // Sync mode is a chain of produce/fetch round trips: a 5 ms linger per send cost ~15 ms an iteration.
        try (PipelineContext ctx = PipelineContext.open(vertx, settings, "latency", "test", metrics)) {
            assertEquals("0", ctx.producer().properties().get("linger.ms"));
        }
        KafkaSettings chosen = KafkaSettings.builder().setBootstrapServers(settings.bootstrapServers())
                .optProperty("producer.linger.ms", "20").build();
        try (PipelineContext ctx = PipelineContext.open(vertx, chosen, "latency", "test", metrics)) {
            assertEquals("20", ctx.producer().properties().get("linger.ms"));
        }
    }

    @Test
    void aMalformedPlanIsSetAsideAndTheGoodOneUsed() throws Exception {
        // The ebm-learner reports the spec topic's bad records.
        try (PipelineContext ctx = PipelineContext.open(vertx, settings, "garbled", "ebm-learner", metrics)) {
            PipelineTestSupport.createTopics(ctx, plan("garbled", "sync", 0));
            // A bad plan first (a service must not die on it), then a good one.
            await(ctx.producer().send(ctx.topics().spec(), RunPlan.KEY, "{not a plan".getBytes()));
            RunPlan good = plan("garbled", "sync", 0);
            await(ctx.publishPlan(good));
            assertSamePlan(good, ctx.awaitPlan(Duration.ofSeconds(20)));
            try (PipelineTestSupport.TopicReader dead = new PipelineTestSupport.TopicReader(settings,
                    ctx.topics().deadLetters())) {
                var envelope = dead.awaitDeadLetter(e -> e.reason().contains("malformed run plan"),
                        Duration.ofSeconds(20), "the bad plan's dead letter");
                assertEquals(ctx.topics().spec(), envelope.sourceTopic());
            }
        }
    }

    @Test
    void submissionPublishesPlanAndInitialPolicy() throws Exception {
        RunPlan plan = plan("submitted", "sync", 0);
        try (PipelineContext ctx = PipelineContext.open(vertx, settings, "submitted", "submit", metrics)) {
            Submission.submit(ctx, plan, pretrained);
            assertSamePlan(plan, ctx.awaitPlan(Duration.ofSeconds(20)));
            try (SnapshotFollower f = SnapshotFollower.builder().setContext(ctx).setModels(Set.of(RunTopics.POLICY))
                    .optPlan(plan).build().start()) {
                SnapshotFollower.Versioned v0 = f.await(RunTopics.POLICY, 0).get(30, TimeUnit.SECONDS);
                assertEquals(0, v0.version());
                assertEquals(-1L, v0.meta().getProvenance().getParentVersion());
                assertEquals(0L, v0.meta().getNextTrajectoryOffset(), "actors may roll out the first batch");
                assertEquals(plan.hash(), v0.meta().getProvenance().getConfigHash());
                Map<String, float[]> expected = Submission.initialPolicy(plan, pretrained);
                assertEquals(expected.keySet(), v0.weights().keySet());
                expected.forEach((k, w) -> assertArrayEquals(w, v0.weights().get(k), k));
            }
        }
    }

    @Test
    void checkpointRestoresTrainerExactly() throws Exception {
        RunPlan plan = plan("checkpointed", "sync", 0);
        Path dir = dataDir.resolve("checkpoints");
        Map<String, float[]> saved;
        LearnerCheckpoints.Position position = new LearnerCheckpoints.Position(17, 3, 2, List.of("b-1", "b-2"));
        try (LearnerCheckpoints checkpoints = new LearnerCheckpoints(dir, "ebm-learner", plan, "test")) {
            try (DxmiModel fresh = plan.spec().newModel()) {
                assertEquals(Optional.empty(), checkpoints.restore(new DxmiTrainer(fresh, ds::sample)),
                        "no checkpoint yet");
            }
            try (DxmiModel model = plan.spec().newModel()) {
                DxmiTrainer trainer = new DxmiTrainer(model, ds::sample);
                for (int i = 0; i < 3; i++) {
                    trainer.step();
                }
                assertEquals(3, trainer.iteration());
                checkpoints.save(trainer, DataInfo.of(ds), position);
                saved = model.weights();
            }
            // Fenced: a second instance of the learner on the same state refuses to start, naming the first.
            StateDirectoryConflict locked = assertThrows(StateDirectoryConflict.class,
                    () -> new LearnerCheckpoints(dir, "ebm-learner", plan, "second"));
            assertTrue(locked.getMessage().contains("in use by another instance (test"), locked.getMessage());
        }

        try (DxmiModel model = plan.spec().newModel();
                LearnerCheckpoints checkpoints = new LearnerCheckpoints(dir, "ebm-learner", plan, "test")) {
            DxmiTrainer trainer = new DxmiTrainer(model, ds::sample);
            assertEquals(0, trainer.iteration());
            assertTrue(differs(saved, model.weights()), "training moved the weights away from the initial ones");
            Optional<LearnerCheckpoints.Position> restored = checkpoints.restore(trainer);
            assertEquals(Optional.of(position), restored);
            assertEquals(3, trainer.iteration());
            Map<String, float[]> back = model.weights();
            assertEquals(saved.keySet(), back.keySet());
            saved.forEach((k, w) -> {
                float[] b = back.get(k);
                assertEquals(w.length, b.length, k);
                for (int i = 0; i < w.length; i++) {
                    assertEquals(Float.floatToRawIntBits(w[i]), Float.floatToRawIntBits(b[i]), k + "[" + i + "]");
                }
            });
        }
    }

    @Test
    void aDamagedNewestCheckpointIsSetAsideAndTheOlderOneRestored() throws Exception {
        RunPlan plan = plan("damaged", "sync", 0);
        Path dir = dataDir.resolve("damaged");
        Map<String, float[]> older;
        try (DxmiModel model = plan.spec().newModel();
                LearnerCheckpoints checkpoints = new LearnerCheckpoints(dir, "ebm-learner", plan, "test")) {
            DxmiTrainer trainer = new DxmiTrainer(model, ds::sample);
            trainer.step();
            checkpoints.save(trainer, DataInfo.of(ds), new LearnerCheckpoints.Position(1, 1, -1, List.of()));
            older = model.weights();
            trainer.step();
            checkpoints.save(trainer, DataInfo.of(ds), new LearnerCheckpoints.Position(2, 2, -1, List.of()));
        }
        // One flipped byte in the newest checkpoint's weights: its SHA-256 no longer matches.
        Path weights = dir.resolve("damaged").resolve("ebm-learner").resolve("ckpt-0000000000000000002")
                .resolve("model").resolve("weights.dxt");
        byte[] bytes = Files.readAllBytes(weights);
        bytes[bytes.length / 2] ^= (byte) 0xFF;
        Files.write(weights, bytes);

        Metrics metrics = Metrics.create("damaged-test");
        try (DxmiModel model = plan.spec().newModel();
                LearnerCheckpoints checkpoints = new LearnerCheckpoints(dir, "ebm-learner", plan, "test", metrics)) {
            DxmiTrainer trainer = new DxmiTrainer(model, ds::sample);
            assertEquals(Optional.of(new LearnerCheckpoints.Position(1, 1, -1, List.of())), checkpoints.restore(trainer));
            assertEquals(1, trainer.iteration());
            assertFalse(differs(older, model.weights()), "the older checkpoint's weights");
            assertTrue(Files.isDirectory(checkpoints.dir().resolve("damaged-ckpt-0000000000000000002")),
                    "the damaged checkpoint is kept aside");
            assertEquals(1.0, metrics.registry().scrape().stream()
                    .filter(m -> m.getMetadata().getPrometheusName().equals("dxmi_checkpoint_damaged"))
                    .flatMap(m -> ((CounterSnapshot) m).getDataPoints().stream())
                    .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue).sum());
        }

        // The last one damaged too: one clear error, nothing restored.
        Path position = dir.resolve("damaged").resolve("ebm-learner").resolve("ckpt-0000000000000000001")
                .resolve("position.json");
        Files.writeString(position, "{ not json");
        try (DxmiModel model = plan.spec().newModel();
                LearnerCheckpoints checkpoints = new LearnerCheckpoints(dir, "ebm-learner", plan, "test")) {
            IOException e = assertThrows(IOException.class, () -> checkpoints.restore(new DxmiTrainer(model,
                    ds::sample)));
            assertTrue(e.getMessage().contains("every checkpoint") && e.getMessage().contains("damaged"),
                    e.getMessage());
        }
    }

    @Test
    void aReusedStateDirectoryIsRefusedForAnotherPlanOfTheRun() throws Exception {
        Path dir = dataDir.resolve("reused");
        RunPlan first = plan("reused", "sync", 0);
        try (DxmiModel model = first.spec().newModel();
                LearnerCheckpoints checkpoints = new LearnerCheckpoints(dir, "value-learner", first, "test")) {
            checkpoints.save(new DxmiTrainer(model, ds::sample), DataInfo.of(ds),
                    new LearnerCheckpoints.Position(0, 0, -1, List.of()));
        }
        // The same run name submitted again with other settings: its learners must not resume the old state.
        RunPlan second = new RunPlan(first.spec(), "sync", 0, first.checkpointEvery() + 1, first.evalEvery());
        try (DxmiModel model = second.spec().newModel();
                LearnerCheckpoints checkpoints = new LearnerCheckpoints(dir, "value-learner", second, "test")) {
            StateDirectoryConflict e = assertThrows(StateDirectoryConflict.class,
                    () -> checkpoints.restore(new DxmiTrainer(model, ds::sample)));
            assertTrue(e.getMessage().contains("belongs to run 'reused' (plan " + first.hash() + "), not to run"
                    + " 'reused' (plan " + second.hash() + ")"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
        // Another run in the same state directory starts afresh beside it.
        RunPlan other = plan("other-run", "sync", 0);
        try (DxmiModel model = other.spec().newModel();
                LearnerCheckpoints checkpoints = new LearnerCheckpoints(dir, "value-learner", other, "test")) {
            assertEquals(Optional.empty(), checkpoints.restore(new DxmiTrainer(model, ds::sample)));
        }
    }

    private static boolean differs(Map<String, float[]> a, Map<String, float[]> b) {
        for (Map.Entry<String, float[]> e : a.entrySet()) {
            if (!Arrays.equals(e.getValue(), b.get(e.getKey()))) {
                return true;
            }
        }
        return false;
    }
}
