package io.dxmi.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dxmi.ebmlearner.EbmLearnerVerticle;
import io.dxmi.pipeline.RunTopics;
import io.dxmi.pipeline.ServiceOptions;
import io.dxmi.pipeline.SnapshotFollower;
import io.dxmi.core.diffusion.StepCoefficients;
import io.dxmi.core.dxmi.DxmiConfig;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.metrics.Metrics;
import io.dxmi.sampleractor.SamplerActorVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.dxmi.pipeline.TrajectoryLearner;
import io.dxmi.valuelearner.ValueLearnerVerticle;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Tag;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kill -9} of a learner in the middle of a run: it runs as its own process
 * ({@code dxmi service value-learner} or {@code ebm-learner}); after SIGKILL a new process
 * resumes from its checkpoint and the run finishes. Actors and evaluators hold no state. In the
 * synchronous mode the resumed run ends with exactly the weights of a run never killed: both
 * learners resume bit-exactly (the value-learner replays its batches with the very EBM versions
 * they were learned with).
 */
@Tag("integration")
class KillAndResumeTest {

    @TempDir
    Path tmp;


    private Process learner(String role, String bootstrap, Path stateDir, Path log) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-Dai.djl.pytorch.num_threads=1");
        cmd.add("-Dai.djl.pytorch.num_interop_threads=1");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(DxmiCommand.class.getName());
        cmd.addAll(List.of("service", role, "--bootstrap", bootstrap, "--run", "killed", "--state-dir",
                stateDir.toString(), "--metrics-port", "0", "--plan-timeout", "60"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        return pb.start();
    }

    @ParameterizedTest
    @CsvSource({"value-learner, sync", "ebm-learner, sync", "value-learner, async"})
    void aKilledLearnerResumesFromItsCheckpointAndTheRunFinishes(String killed, String mode) throws Exception {
        int total = 60;
        try (TinyRun fixture = TinyRun.start(tmp, 100)) {
            Vertx vertx = fixture.vertx();
            KafkaSettings kafka = fixture.kafka();
            fixture.submit("killed", config(total, mode), mode, 1, 10, 1000);
            try (SnapshotHistory history = SnapshotHistory.record(kafka, "killed", RunTopics.POLICY);
                    SnapshotHistory ebmHistory = SnapshotHistory.record(kafka, "killed", RunTopics.EBM)) {
                Path state = tmp.resolve("state");
                // The other learner runs in this JVM; the killed one as its own process.
                ServiceOptions inJvm = new ServiceOptions(kafka, "killed", "0", state, Metrics.create("other"),
                        Duration.ofMinutes(1));
                TrajectoryLearner<?, ?> other = killed.equals("value-learner") ? new EbmLearnerVerticle(inJvm)
                        : new ValueLearnerVerticle(inJvm);
                SamplerActorVerticle actor = new SamplerActorVerticle(new ServiceOptions(kafka, "killed", "0", state,
                        Metrics.create("actor"), Duration.ofMinutes(1)));
                await(vertx.deployVerticle(other));
                await(vertx.deployVerticle(actor));

                Map<String, float[]> finalPolicy;
                try (SnapshotFollower policies = SnapshotFollower.builder().setKafka(kafka, new RunTopics("killed"),
                        Metrics.create("f")).setModels(Set.of(RunTopics.POLICY)).build().start()) {
                    Path log1 = tmp.resolve(killed + "-1.log");
                    Process first = learner(killed, fixture.bootstrap(), state, log1);
                    // Held mid-run: once the learner's second checkpoint is on disk it cannot write another (see
                    // UnwritableCheckpoints), and the kill lands while it waits there, its step done but neither
                    // checkpointed nor published: never after the run's end, however fast the machine.
                    Path checkpoints = state.resolve("killed").resolve(killed);
                    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                    while (UnwritableCheckpoints.newest(checkpoints) < 20) {
                        assertTrue(first.isAlive() && System.nanoTime() < deadline, "no second checkpoint: "
                                + Files.readString(log1));
                        Thread.sleep(10);
                    }
                    long resumeAt;
                    try (UnwritableCheckpoints held = UnwritableCheckpoints.of(checkpoints)) {
                        while (!Files.readString(log1).contains("cannot write its checkpoint of iteration")) {
                            assertTrue(first.isAlive() && System.nanoTime() < deadline, "not held: "
                                    + Files.readString(log1));
                            Thread.sleep(50);
                        }
                        first.destroyForcibly(); // SIGKILL: no shutdown hook, no final checkpoint
                        assertTrue(first.waitFor(30, TimeUnit.SECONDS));
                        assertTrue(first.exitValue() != 0, "killed, not exited");
                        resumeAt = held.newest();
                    }
                    assertTrue(resumeAt >= 20 && resumeAt < total, "killed mid-run, after checkpoint " + resumeAt);

                    Path log2 = tmp.resolve(killed + "-2.log");
                    Process second = learner(killed, fixture.bootstrap(), state, log2);
                    boolean ended = second.waitFor(4, TimeUnit.MINUTES);
                    if (!ended) {
                        second.destroyForcibly();
                    }
                    assertTrue(ended, "the restarted learner finishes the run: " + Files.readString(log2)
                            + " / policy v" + policies.newest(RunTopics.POLICY).version() + ", other "
                            + other.iteration()
                            + ", actor " + actor.produced());
                    String out = Files.readString(log2, StandardCharsets.UTF_8);
                    assertEquals(0, second.exitValue(), out);
                    assertTrue(out.contains("resumed at iteration " + resumeAt + " ("), out);
                    assertTrue(out.contains("the run is done"), out);
                    if (killed.equals("value-learner")) {
                        // The ebm-learner never restarted, so it published every version: each iteration gets its
                        // own (two batches in flight, asynchronous, once lost the older one's version).
                        String both = Files.readString(log1) + out;
                        assertFalse(both.contains("was asked for but the topic holds"), both);
                    }
                    SnapshotFollower.Versioned last = policies.await(RunTopics.POLICY, total).get(1, TimeUnit.MINUTES);
                    assertEquals(total, last.version());
                    finalPolicy = last.weights();
                    other.finished().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
                    actor.finished().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
                }
                // Nothing lost, nothing doubled: every checkpoint (before the kill, after the restart, of
                // both learners) has applied exactly the batches before its next offset, one per iteration.
                List<Path> positions;
                try (var files = Files.walk(state)) {
                    positions = files.filter(f -> f.getFileName().toString().equals("position.json")).toList();
                }
                assertTrue(positions.size() >= 2, positions.toString());
                for (Path f : positions) {
                    JsonNode n = new ObjectMapper().readTree(f.toFile());
                    assertEquals(n.get("iteration").asLong(), n.get("nextOffset").asLong(), f + ": " + n);
                }
                if (mode.equals("sync")) {
                    // The same plan, never killed, all in this JVM: the very same final policy, to the bit.
                    Map<String, float[]> undisturbed = undisturbed(fixture, total);
                    assertEquals(undisturbed.keySet(), finalPolicy.keySet());
                    // On a mismatch, what the killed learner did before and after its kill (a rare failure is
                    // otherwise undiagnosable: its logs live in the test's temporary directory).
                    String logs = "\n--- before the kill ---\n" + Files.readString(tmp.resolve(killed + "-1.log"))
                            + "\n--- resumed ---\n" + Files.readString(tmp.resolve(killed + "-2.log"));
                    undisturbed.forEach((k, w) -> assertArrayEquals(w, finalPolicy.get(k), 0f, () -> k + ": "
                            + SnapshotHistory.firstDifference(history, undisturbedHistory) + "; "
                            + SnapshotHistory.firstDifference(ebmHistory, undisturbedEbmHistory) + logs));
                }
            }
        }
    }

    /**
     * The plan: in sync mode with the policy gate, so that a restarted value-learner must replay the gaps of its
     * journal and a restarted ebm-learner republish its energy with the gap its checkpoint holds (the undisturbed run
     * checks that the margin opens the gate on some iterations and closes it on others).
     */
    private static DxmiConfig config(int total, String mode) {
        DxmiConfig plain = TinyRun.config(total, 4);
        // Uniform steps and the entropy in the value (the vector defaults the margin was chosen on): from the
        // quadratic steps' better start the gaps stay below it and the gate never opens.
        return mode.equals("sync") ? plain.toBuilder().optPolicyGate(GATE_MARGIN)
                .optStepSpacing(StepCoefficients.Spacing.UNIFORM).optEntropyInValue(true).build() : plain;
    }

    /** The plan's energy gaps fall from about 11 to 1 while its policy learns: this margin splits them. */
    private static final float GATE_MARGIN = 3f;

    /** The final policy of the plan run never killed (the same for both synchronous cases: computed once). */
    private static Map<String, float[]> undisturbedPolicy;
    /** Its policy versions, for a mismatch's report (where the killed run parted from it). */
    private static SnapshotHistory undisturbedHistory;
    /** Its EBM versions (which learner parted first: the EBM's step comes before the policy's). */
    private static SnapshotHistory undisturbedEbmHistory;

    private Map<String, float[]> undisturbed(TinyRun fixture, int total) throws Exception {
        if (undisturbedPolicy != null) {
            return undisturbedPolicy;
        }
        Vertx vertx = fixture.vertx();
        KafkaSettings kafka = fixture.kafka();
        fixture.submit("undisturbed", config(total, "sync"), "sync", 1, 10, 1000);
        SnapshotHistory history = SnapshotHistory.record(kafka, "undisturbed", RunTopics.POLICY);
        SnapshotHistory ebmHistory = SnapshotHistory.record(kafka, "undisturbed", RunTopics.EBM);
        Path state = tmp.resolve("state-undisturbed");
        ServiceOptions options = new ServiceOptions(kafka, "undisturbed", "0", state, Metrics.create("u"),
                Duration.ofMinutes(1));
        EbmLearnerVerticle ebm = new EbmLearnerVerticle(options);
        ValueLearnerVerticle value = new ValueLearnerVerticle(options);
        SamplerActorVerticle actor = new SamplerActorVerticle(options);
        await(vertx.deployVerticle(ebm));
        await(vertx.deployVerticle(value));
        await(vertx.deployVerticle(actor));
        value.finished().toCompletionStage().toCompletableFuture().get(3, TimeUnit.MINUTES);
        DxmiConfig cfg = config(total, "sync");
        long policySteps = LongStream.range(0, total).filter(i -> !cfg.policyHeldAt(i)).count();
        long closed = value.policyGateClosed();
        assertTrue(closed > 0 && closed < policySteps, "the gate closed " + closed + " of " + policySteps + " times");
        try (SnapshotFollower policies = SnapshotFollower.builder().setKafka(kafka, new RunTopics("undisturbed"),
                Metrics.create("u-f")).setModels(Set.of(RunTopics.POLICY)).build().start()) {
            undisturbedPolicy = policies.await(RunTopics.POLICY, total).get(1, TimeUnit.MINUTES).weights();
        }
        history.awaitVersion(total, Duration.ofMinutes(1));
        ebmHistory.awaitVersion(total, Duration.ofMinutes(1));
        history.close();
        ebmHistory.close();
        undisturbedHistory = history;
        undisturbedEbmHistory = ebmHistory;
        return undisturbedPolicy;
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
    }
}
