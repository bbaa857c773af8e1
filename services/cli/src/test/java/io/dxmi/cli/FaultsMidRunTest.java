package io.dxmi.cli;

import io.dxmi.ebmlearner.EbmLearnerVerticle;
import io.dxmi.pipeline.PipelineContext;
import io.dxmi.pipeline.RunPlan;
import io.dxmi.pipeline.RunTopics;
import io.dxmi.pipeline.ServiceOptions;
import io.dxmi.pipeline.SnapshotFollower;
import io.dxmi.cli.chaos.BadRecords;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.messaging.DeadLetters;
import io.dxmi.platform.metrics.Metrics;
import io.dxmi.sampleractor.SamplerActorVerticle;
import io.dxmi.valuelearner.ValueLearnerVerticle;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults in the middle of a run: bad records of every kind on every topic the services read
 * (sync and async), a checkpoint directory that cannot be written, a broker outage longer than
 * the producers' delivery timeout. The run finishes every time; each bad record is dead-lettered
 * once; nothing is lost.
 */
@Tag("integration")
class FaultsMidRunTest {

    /** How long the broker stays down: longer than the producers' delivery timeout (4 s, below). */
    private static final Duration OUTAGE = Duration.ofSeconds(8);

    @TempDir
    Path tmp;

    private record Services(EbmLearnerVerticle ebm, ValueLearnerVerticle value, List<SamplerActorVerticle> actors,
            Metrics ebmMetrics, Metrics valueMetrics, Metrics actorMetrics) {}

    private static Services deploy(Vertx vertx, KafkaSettings kafka, String run, Path state, int actors)
            throws Exception {
        Metrics em = Metrics.create("ebm");
        Metrics vm = Metrics.create("value");
        EbmLearnerVerticle ebm = new EbmLearnerVerticle(new ServiceOptions(kafka, run, "0", state, em,
                Duration.ofMinutes(1)));
        ValueLearnerVerticle value = new ValueLearnerVerticle(new ServiceOptions(kafka, run, "0", state, vm,
                Duration.ofMinutes(1)));
        await(vertx.deployVerticle(ebm));
        await(vertx.deployVerticle(value));
        List<SamplerActorVerticle> list = new ArrayList<>();
        Metrics am = Metrics.create("actors");
        for (int i = 0; i < actors; i++) {
            SamplerActorVerticle a = new SamplerActorVerticle(new ServiceOptions(kafka, run, Integer.toString(i), state,
                    am, Duration.ofMinutes(1)));
            await(vertx.deployVerticle(a));
            list.add(a);
        }
        return new Services(ebm, value, list, em, vm, am);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sync", "async"})
    void badRecordsOfEveryKindMidRunAreDeadLetteredOnceAndTheRunFinishes(String mode) throws Exception {
        // More iterations than offsets up to the last injected record: the learners must read every one of them
        // (bad records are not iterations; NaN batches are, as skipped ones). The run is held while they are
        // injected (at checkpoints 20 and 30), so they always lie well before its end.
        int total = 100;
        String run = "bad-" + mode;
        try (TinyRun fixture = TinyRun.start(tmp, 100)) {
            KafkaSettings kafka = fixture.kafka();
            RunPlan plan = fixture.submit(run, TinyRun.config(total, 5), mode, 1, 10, 1000);
            Services s = deploy(fixture.vertx(), kafka, run, tmp.resolve("state"), mode.equals("sync") ? 1 : 2);
            List<BadRecords.Injected> injected = new ArrayList<>();
            try (SnapshotFollower policies = policies(kafka, plan);
                    PipelineContext chaos = PipelineContext.open(fixture.vertx(), kafka, run, "chaos",
                            Metrics.create("chaos"))) {
                Path checkpoints = tmp.resolve("state").resolve(run).resolve(ValueLearnerVerticle.ROLE);
                policies.await(RunTopics.POLICY, 10).get(2, TimeUnit.MINUTES);
                injected.addAll(injectWhileHeld(s, checkpoints, new BadRecords(chaos, plan, 1), total));
                policies.await(RunTopics.POLICY, 22).get(2, TimeUnit.MINUTES);
                injected.addAll(injectWhileHeld(s, checkpoints, new BadRecords(chaos, plan, 2), total));
                s.value().finished().toCompletionStage().toCompletableFuture().get(4, TimeUnit.MINUTES);
                assertEquals(total, policies.await(RunTopics.POLICY, total).get(1, TimeUnit.MINUTES).version());
                for (SamplerActorVerticle a : s.actors()) {
                    a.finished().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
                }
                s.ebm().finished().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
            }
            // Every refused record dead-lettered exactly once (though two learners, or an actor and the
            // ebm-learner's audit, refused it); the non-finite batches became skipped iterations. In async mode
            // the actors run ahead, so records injected on the trajectory topic may lie beyond the last batch
            // the learners needed: those may go unread, but never dead-lettered twice.
            String trajectories = new RunTopics(run).trajectories();
            boolean async = mode.equals("async");
            Map<String, Integer> letters = deadLetters(kafka, new RunTopics(run).deadLetters());
            List<String> expected = new ArrayList<>();
            for (BadRecords.Injected i : injected) {
                String key = DeadLetters.keyOf(i.topic(), 0, i.offset());
                int n = letters.getOrDefault(key, 0);
                if (i.deadLettered()) {
                    if (async && i.topic().equals(trajectories)) {
                        assertTrue(n <= 1, i.kind() + " at " + key + " dead-lettered " + n + " times");
                    } else {
                        assertEquals(1, n, i.kind() + " at " + key + ": " + letters);
                    }
                    if (n > 0) {
                        expected.add(key);
                    }
                } else {
                    assertEquals(0, n, i.kind() + " is no dead letter");
                }
            }
            assertEquals(Set.copyOf(expected), letters.keySet(), "no other dead letters");
            assertTrue(expected.size() >= (async ? 30 : 2 * 30), "kinds injected: " + injected.size());
            if (!async) {
                long nan = injected.stream().filter(i -> !i.deadLettered()).count();
                assertTrue(value(s.ebmMetrics(), "dxmi_skipped_updates_total") >= nan, "skipped energy updates");
                assertTrue(value(s.valueMetrics(), "dxmi_skipped_updates_total") >= nan, "skipped policy updates");
            }
            assertEquals(1.0, value(s.valueMetrics(), "dxmi_blob_reader_up"), "the EBM reader never stopped");
        }
    }

    /**
     * Injects every kind of bad record while the value-learner waits at its next checkpoint (its directory held
     * unwritable), so that the run cannot end before its services have read them, however fast the machine. The
     * records then lie among the run's own, as when they arrive while it flows.
     */
    @SuppressWarnings("try") // resources held for a block that does not use them
    private static List<BadRecords.Injected> injectWhileHeld(Services s, Path checkpoints, BadRecords bad, int total)
            throws Exception {
        try (UnwritableCheckpoints held = UnwritableCheckpoints.of(checkpoints)) {
            waitFor(() -> value(s.valueMetrics(), "dxmi_checkpoint_failing") == 1, "the run held at a checkpoint");
            assertTrue(s.value().iteration() < total, "held mid-run, at iteration " + s.value().iteration());
            return bad.injectAll();
        }
    }

    @Test
    @SuppressWarnings("try") // resources held for a block that does not use them
    void anUnwritableCheckpointAndABrokerOutageStopTheRunWithoutLosingAnything() throws Exception {
        int total = 100;
        String run = "outage";
        try (TinyRun fixture = TinyRun.start(tmp, 100)) {
            // Producers give a record up after 4 s: the outage below (at least 8 s) is longer.
            KafkaSettings kafka = KafkaSettings.builder().setBootstrapServers(fixture.bootstrap())
                    .optProperty("producer." + ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "4000")
                    .optProperty("producer." + ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000")
                    .optProperty("producer." + ProducerConfig.MAX_BLOCK_MS_CONFIG, "3000").build();
            RunPlan plan = fixture.submit(run, TinyRun.config(total, 6), "sync", 0, 5, 1000);
            Path state = tmp.resolve("state");
            Services s = deploy(fixture.vertx(), kafka, run, state, 1);
            try (SnapshotFollower policies = policies(kafka, plan)) {
                policies.await(RunTopics.POLICY, 12).get(2, TimeUnit.MINUTES);
                // The value-learner's checkpoint directory becomes a file: writes fail.
                long down;
                try (UnwritableCheckpoints unwritable = UnwritableCheckpoints.of(state.resolve(run)
                        .resolve(ValueLearnerVerticle.ROLE))) {
                    waitFor(() -> value(s.valueMetrics(), "dxmi_checkpoint_failing") == 1,
                            "the failing checkpoint seen");
                    long stuck = s.value().iteration();
                    assertTrue(stuck < total, "stalled mid-run, at iteration " + stuck);
                    Thread.sleep(2000);
                    assertEquals(stuck, s.value().iteration(),
                            "learning stopped while the checkpoint cannot be written");
                    assertTrue(value(s.valueMetrics(), "dxmi_checkpoint_failures_total") >= 1);
                    // The policy of the stalled iteration goes out only after its checkpoint, and in sync mode
                    // the actor and the ebm-learner wait for it: the broker goes down now (the directory comes
                    // back after it), so that this publication meets the outage whatever the machine's speed.
                    down = System.nanoTime();
                    fixture.stopBroker();
                }
                waitFor(() -> value(s.valueMetrics(), "dxmi_checkpoint_failing") == 0, "the checkpoint written");
                waitFor(() -> value(s.valueMetrics(), "dxmi_publish_retries_total") > 0,
                        "the policy's publication retried while the broker is down");
                assertTrue(value(s.valueMetrics(), "dxmi_publish_failing") >= 1, "the failing publication seen");
                long left = OUTAGE.toNanos() - (System.nanoTime() - down);
                if (left > 0) {
                    TimeUnit.NANOSECONDS.sleep(left);
                }
                fixture.startBroker();

                s.value().finished().toCompletionStage().toCompletableFuture().get(4, TimeUnit.MINUTES);
                assertEquals(total, policies.await(RunTopics.POLICY, total).get(2, TimeUnit.MINUTES).version());
                s.actors().get(0).finished().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
                s.ebm().finished().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
            }
            // A send retried after an acknowledgement that the outage swallowed may land twice: the copy is
            // refused as a batch sent twice. Nothing else is dead-lettered.
            for (String reason : deadLetterReasons(kafka, new RunTopics(run).deadLetters())) {
                assertTrue(reason.contains("sent twice"), reason);
            }
            // The policy retried through the outage went out (the run could not have finished without it).
            assertEquals(0.0, value(s.valueMetrics(), "dxmi_publish_failing"), "the failing publication recovered");
        }
    }

    /** The test's own follower checks versions against the plan, as the services do (a forged v1e9 is refused). */
    private static SnapshotFollower policies(KafkaSettings kafka, RunPlan plan) {
        return SnapshotFollower.builder().setKafka(kafka, new RunTopics(plan.spec().runId()), Metrics.create("f"))
                .setModels(Set.of(RunTopics.POLICY)).optPlan(plan).build().start();
    }

    /** Dead letters by key (the source record's coordinates). */
    private static Map<String, Integer> deadLetters(KafkaSettings kafka, String topic) {
        Map<String, Integer> out = new HashMap<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(new HashMap<>(kafka.consumerProperties(null)),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (c.position(tp) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.merge(r.key(), 1, Integer::sum);
                }
            }
        }
        return out;
    }

    private static List<String> deadLetterReasons(KafkaSettings kafka, String topic) throws Exception {
        List<String> reasons = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(new HashMap<>(kafka.consumerProperties(null)),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (c.position(tp) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    reasons.add(DeadLetters.decode(r.value()).reason());
                }
            }
        }
        return reasons;
    }

    /** A metric's value summed over its series; NaN when it has none. */
    static double value(Metrics m, String name) {
        double sum = Double.NaN;
        for (MetricSnapshot snap : m.registry().scrape()) {
            String n = snap.getMetadata().getPrometheusName();
            if (!name.equals(n) && !name.equals(n + "_total")) {
                continue;
            }
            for (DataPointSnapshot p : snap.getDataPoints()) {
                double v = p instanceof CounterSnapshot.CounterDataPointSnapshot c ? c.getValue()
                        : p instanceof GaugeSnapshot.GaugeDataPointSnapshot g ? g.getValue() : Double.NaN;
                sum = Double.isNaN(sum) ? v : sum + v;
            }
        }
        return sum;
    }

    private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
    }
}
