package io.dxmi.pipeline;

import static io.dxmi.pipeline.PipelineTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.schemas.WeightSnapshot;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Snapshots through a real broker: large payloads, late starters, versions that only move forward. */
@Tag("integration")
class SnapshotTransportTest extends BrokerTestBase {

    private static Map<String, float[]> small(float base) {
        Map<String, float[]> w = new LinkedHashMap<>();
        w.put("net.w", new float[] {base, base + 1, -base, Float.MIN_VALUE});
        w.put("log_sigma", new float[] {base / 7});
        return w;
    }

    private static SnapshotFollower follower(PipelineContext ctx, RunPlan plan) {
        return SnapshotFollower.builder().setContext(ctx).setModels(Set.of(RunTopics.POLICY)).optPlan(plan).build()
                .start();
    }

    private static SnapshotFollower ebmInSequence(PipelineContext ctx, RunPlan plan) {
        return SnapshotFollower.builder().setContext(ctx).setModels(Set.of(RunTopics.EBM)).optPlan(plan)
                .optSequence(RunTopics.EBM, -1).build().start();
    }

    @Test
    void largeSnapshotArrivesIntact() throws Exception {
        RunPlan plan = PipelineTestSupport.planWithoutPretraining("big");
        try (PipelineContext ctx = PipelineContext.open(vertx, settings, "big", "test-learner", metrics)) {
            ctx.createTopics(plan, 4096, Map.of(RunTopics.POLICY, 60L << 20, RunTopics.EBM, 1L << 20,
                    RunTopics.VALUE, 1L << 20));
            SnapshotFollower follower = follower(ctx, plan);
            int n = 13_500_000; // 54 MB
            float[] big = new float[n];
            for (int i = 0; i < n; i++) {
                big[i] = (i % 1000) * 0.001f - (i % 7) + i * 1e-7f;
            }
            big[0] = Float.MAX_VALUE;
            big[n - 1] = -0.0f;
            float[] tiny = {1.5f, -2.25f, 3e-38f};
            Map<String, float[]> weights = new LinkedHashMap<>();
            weights.put("big", big);
            weights.put("tiny", tiny);
            byte[] payload = WeightBlobs.encode(weights);
            long size = payload.length;
            assertTrue(size >= 50_000_000L, "payload " + size);
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload));
            payload = null;

            CompletableFuture<SnapshotFollower.Versioned> got = follower.await(RunTopics.POLICY, 1);
            await(ctx.snapshots(plan).publish(RunTopics.POLICY, 1, 1, 0, weights));
            SnapshotFollower.Versioned v = got.get(60, TimeUnit.SECONDS);

            assertEquals(1, v.version());
            assertEquals(Set.of("big", "tiny"), v.weights().keySet());
            float[] bigBack = v.weights().get("big");
            assertEquals(n, bigBack.length);
            for (int i = 0; i < n; i++) {
                if (Float.floatToRawIntBits(big[i]) != Float.floatToRawIntBits(bigBack[i])) {
                    throw new AssertionError("float " + i + " differs: " + big[i] + " vs " + bigBack[i]);
                }
            }
            assertArrayEquals(tiny, v.weights().get("tiny"));

            WeightSnapshot meta = v.meta();
            assertEquals("policy", meta.getModel());
            assertEquals(1L, meta.getVersion());
            assertEquals(1L, meta.getStep());
            assertEquals("big", meta.getRunId());
            assertEquals(size, meta.getSizeBytes());
            assertEquals(sha, meta.getSha256());
            assertEquals(0L, meta.getProvenance().getParentVersion());
            assertEquals("test-learner", meta.getProvenance().getProducer());
            assertEquals(plan.spec().data().contentHash(), meta.getProvenance().getDataHash());
            assertEquals(plan.hash(), meta.getProvenance().getConfigHash());
            assertEquals((size + (512 << 10) - 1) / (512 << 10), meta.getChunkCount(), "54 MB travel as 512 KiB chunks");
            follower.close();
        }
    }

    @Test
    void lateStarterGetsNewestThenLiveVersions() throws Exception {
        RunPlan plan = PipelineTestSupport.planWithoutPretraining("late");
        try (PipelineContext ctx = PipelineContext.open(vertx, settings, "late", "test-learner", metrics)) {
            PipelineTestSupport.createTopics(ctx, plan);
            Snapshots snapshots = ctx.snapshots(plan);
            for (int v = 1; v <= 3; v++) {
                await(snapshots.publish(RunTopics.POLICY, v, v, v - 1, small(v)));
            }
            try (SnapshotFollower follower = follower(ctx, plan)) {
                SnapshotFollower.Versioned first = follower.await(RunTopics.POLICY, 0).get(30, TimeUnit.SECONDS);
                assertEquals(3, first.version(), "a late starter's first version is the newest");
                assertArrayEquals(small(3).get("net.w"), first.weights().get("net.w"));
                assertEquals(3, follower.newest(RunTopics.POLICY).version());

                CompletableFuture<SnapshotFollower.Versioned> live = follower.await(RunTopics.POLICY, 4);
                await(snapshots.publish(RunTopics.POLICY, 4, 4, 3, small(4)));
                SnapshotFollower.Versioned v4 = live.get(30, TimeUnit.SECONDS);
                assertEquals(4, v4.version());
                assertEquals(4L, v4.meta().getVersion());
                assertArrayEquals(small(4).get("log_sigma"), v4.weights().get("log_sigma"));
                assertSame(v4, follower.newest(RunTopics.POLICY));
            }
        }
    }

    @Test
    void versionsOnlyMoveForward() throws Exception {
        RunPlan plan = PipelineTestSupport.planWithoutPretraining("forward");
        try (PipelineContext ctx = PipelineContext.open(vertx, settings, "forward", "test-learner", metrics)) {
            PipelineTestSupport.createTopics(ctx, plan);
            SnapshotFollower follower = follower(ctx, plan);
            Snapshots snapshots = ctx.snapshots(plan);
            await(snapshots.publish(RunTopics.POLICY, 5, 5, 4, small(5)));
            assertEquals(5, follower.await(RunTopics.POLICY, 5).get(30, TimeUnit.SECONDS).version());
            // A restarted producer republishes an older number, then a newer one follows.
            await(snapshots.publish(RunTopics.POLICY, 2, 2, 1, small(2)));
            CompletableFuture<SnapshotFollower.Versioned> six = follower.await(RunTopics.POLICY, 6);
            Thread.sleep(1000);
            assertEquals(5, follower.newest(RunTopics.POLICY).version(), "v2 after v5 must not replace v5");
            assertArrayEquals(small(5).get("net.w"), follower.newest(RunTopics.POLICY).weights().get("net.w"));
            assertTrue(!six.isDone());
            await(snapshots.publish(RunTopics.POLICY, 6, 6, 5, small(6)));
            assertEquals(6, six.get(30, TimeUnit.SECONDS).version());

            // A follower started now also ends at the newest, whatever the order on the topic.
            try (SnapshotFollower late = follower(ctx, plan)) {
                assertEquals(6, late.await(RunTopics.POLICY, 0).get(30, TimeUnit.SECONDS).version());
                assertNotNull(late.newest(RunTopics.POLICY));
            }
            follower.close();
        }
    }

    @Test
    void aSequenceSkipsOlderVersionsRepublishedAfterTheOneAwaited() throws Exception {
        RunPlan plan = PipelineTestSupport.planWithoutPretraining("replay");
        try (PipelineContext ctx = PipelineContext.open(vertx, settings, "replay", "test-learner", metrics)) {
            PipelineTestSupport.createTopics(ctx, plan);
            Snapshots snapshots = ctx.snapshots(plan);
            try (SnapshotFollower sequence = ebmInSequence(ctx, plan)) {
                for (int v = 0; v <= 3; v++) {
                    await(snapshots.publish(RunTopics.EBM, v, v, v - 1, small(v)));
                }
                assertEquals(3, sequence.version(RunTopics.EBM, 3).get(30, TimeUnit.SECONDS).version());
                // The version after the one taken is awaited while a restarted publisher republishes from far
                // back, more versions than the sequence holds (64), each older than the one awaited.
                CompletableFuture<SnapshotFollower.Versioned> next = sequence.version(RunTopics.EBM, 80);
                for (int v = 0; v < 80; v++) {
                    await(snapshots.publish(RunTopics.EBM, v, v, v - 1, small(v + 0.5f)));
                }
                assertTrue(!next.isDone());
                await(snapshots.publish(RunTopics.EBM, 80, 80, 79, small(80)));
                SnapshotFollower.Versioned v80 = next.get(30, TimeUnit.SECONDS);
                assertEquals(80, v80.version());
                assertArrayEquals(small(80).get("net.w"), v80.weights().get("net.w"));
                // A republished copy of an older version is never handed out later either.
                await(snapshots.publish(RunTopics.EBM, 79, 79, 78, small(79)));
                await(snapshots.publish(RunTopics.EBM, 81, 81, 80, small(81)));
                assertEquals(81, sequence.version(RunTopics.EBM, 81).get(30, TimeUnit.SECONDS).version());
            }
        }
    }

    @Test
    void anEnergyVersionCarriesItsEnergyGap() throws Exception {
        RunPlan plan = PipelineTestSupport.planWithoutPretraining("gap");
        try (PipelineContext ctx = PipelineContext.open(vertx, settings, "gap", "test-learner", metrics)) {
            PipelineTestSupport.createTopics(ctx, plan);
            Snapshots snapshots = ctx.snapshots(plan);
            try (SnapshotFollower sequence = ebmInSequence(ctx, plan)) {
                await(snapshots.publishEnergy(RunTopics.EBM, 1, small(1), -0.0625));
                await(snapshots.publishEnergy(RunTopics.EBM, 2, small(2), Double.NaN)); // a skipped energy step
                await(snapshots.publish(RunTopics.EBM, 3, 3, 2, small(3)));
                SnapshotFollower.Versioned v1 = sequence.version(RunTopics.EBM, 1).get(30, TimeUnit.SECONDS);
                assertEquals(-0.0625, v1.meta().getEnergyGap());
                assertEquals(0L, v1.meta().getProvenance().getParentVersion());
                assertTrue(sequence.version(RunTopics.EBM, 2).get(30, TimeUnit.SECONDS).meta().getEnergyGap().isNaN());
                assertEquals(null, sequence.version(RunTopics.EBM, 3).get(30, TimeUnit.SECONDS).meta().getEnergyGap());
            }
        }
    }

    /** The asynchronous value-learner has two batches in flight: both versions are asked for before either exists. */
    @Test
    void aSequenceHandsOutEachVersionWhenTwoAreAwaitedAtOnce() throws Exception {
        RunPlan plan = PipelineTestSupport.planWithoutPretraining("inflight");
        try (PipelineContext ctx = PipelineContext.open(vertx, settings, "inflight", "test-learner", metrics)) {
            PipelineTestSupport.createTopics(ctx, plan);
            Snapshots snapshots = ctx.snapshots(plan);
            try (SnapshotFollower sequence = ebmInSequence(ctx, plan)) {
                for (int round = 0; round < 5; round++) {
                    long a = 1 + 2L * round;
                    CompletableFuture<SnapshotFollower.Versioned> first = sequence.version(RunTopics.EBM, a);
                    CompletableFuture<SnapshotFollower.Versioned> second = sequence.version(RunTopics.EBM, a + 1);
                    await(snapshots.publish(RunTopics.EBM, a, a, a - 1, small(a)));
                    await(snapshots.publish(RunTopics.EBM, a + 1, a + 1, a, small(a + 1)));
                    SnapshotFollower.Versioned got = first.get(30, TimeUnit.SECONDS);
                    assertEquals(a, got.version(), "the older of two awaited versions is not skipped");
                    assertArrayEquals(small(a).get("net.w"), got.weights().get("net.w"));
                    assertEquals(a + 1, second.get(30, TimeUnit.SECONDS).version());
                }
            }
        }
    }
}
