package io.dxmi.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.ToyDatasets;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.diffusion.DdpmPretrainer;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.dxmi.DxmiConfig;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.engine.ProgressListener;
import io.dxmi.core.model.Normalization;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.ebmlearner.EbmLearnerVerticle;
import io.dxmi.pipeline.PipelineContext;
import io.dxmi.pipeline.RunPlan;
import io.dxmi.pipeline.RunTopics;
import io.dxmi.pipeline.ServiceOptions;
import io.dxmi.pipeline.SnapshotFollower;
import io.dxmi.pipeline.Submission;
import io.dxmi.platform.broker.EmbeddedKafkaBroker;
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

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kill -9} of a learner in the middle of a run: it runs as its own process
 * ({@code dxmi service value-learner} or {@code ebm-learner}); after SIGKILL a new process
 * resumes from its checkpoint and the run finishes. Actors and evaluators hold no state.
 */
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
        DjlRuntime.configure(1);
        DataSource data = ToyDatasets.byName("8gaussians");
        int total = 60;
        DxmiConfig cfg = DxmiConfig.builder().optSamplerSteps(3).optBatchSize(32).optIterations(total)
                .optNetwork(new NetworkConfig(16, 2, 16)).optSeed(4).build();
        Vertx vertx = Vertx.vertx();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().setDataDir(tmp.resolve("kafka")).build()
                .start();
                // Closed before the broker (resources close in reverse): services stop while it still answers.
                AutoCloseable stopServices = () -> vertx.close().toCompletionStage().toCompletableFuture()
                        .get(30, TimeUnit.SECONDS);
                DdpmModel ddpm = new DdpmPretrainer(new PretrainConfig(1000, 1e-4, 0.02, 100, 64, 2e-3f, true,
                        new NetworkConfig(16, 2, 16), 1L), ProgressListener.NONE)
                        .train(2, Normalization.identity(2), data::sample)) {
            KafkaSettings kafka = KafkaSettings.builder().setBootstrapServers(broker.bootstrapServers()).build();
            RunPlan plan = Submission.plan("killed", cfg, ddpm, data, "8gaussians", mode, 1, 10, 1000);
            try (PipelineContext ctx = PipelineContext.open(vertx, kafka, "killed", "submit", Metrics.create("t"))) {
                Submission.submit(ctx, plan, ddpm);
            }
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

            try (SnapshotFollower policies = new SnapshotFollower(kafka, new RunTopics("killed"),
                    Set.of(RunTopics.POLICY), (t, p, o, k, v, r) -> Future.succeededFuture(), Metrics.create("f"))
                    .start()) {
                Path log1 = tmp.resolve(killed + "-1.log");
                Process first = learner(killed, broker.bootstrapServers(), state, log1);
                policies.await(RunTopics.POLICY, 25).get(3, TimeUnit.MINUTES);
                first.destroyForcibly(); // SIGKILL: no shutdown hook, no final checkpoint
                assertTrue(first.waitFor(30, TimeUnit.SECONDS));
                assertTrue(first.exitValue() != 0, "killed, not exited");

                Path log2 = tmp.resolve(killed + "-2.log");
                Process second = learner(killed, broker.bootstrapServers(), state, log2);
                boolean ended = second.waitFor(4, TimeUnit.MINUTES);
                if (!ended) {
                    second.destroyForcibly();
                }
                assertTrue(ended, "the restarted learner finishes the run: " + Files.readString(log2)
                        + " / policy v" + policies.newest(RunTopics.POLICY).version() + ", other " + other.iteration()
                        + ", actor " + actor.produced());
                String out = Files.readString(log2, StandardCharsets.UTF_8);
                assertEquals(0, second.exitValue(), out);
                assertTrue(out.contains("resumed at iteration 20") || out.contains("resumed at iteration 30")
                        || out.contains("resumed at iteration 10"), out);
                assertTrue(out.contains("the run is done"), out);
                assertEquals(total, policies.await(RunTopics.POLICY, total).get(1, TimeUnit.MINUTES).version());
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
        }
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
    }
}
