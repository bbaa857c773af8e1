package io.dxmi.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.engine.ProgressListener;
import io.dxmi.core.job.PretrainJob;
import io.dxmi.core.model.TensorArchive;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.core.dxmi.DxmiConfig;
import io.dxmi.pipeline.RunCatalog;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.valuelearner.ValueLearnerVerticle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dxmi run --resume}: an embedded run stopped in the middle ({@code dxmi runs stop}) continues from its
 * broker data and the learners' checkpoints, as separate services do after a restart, and ends where the same
 * run never stopped ends (sync mode: the same weights and figures, to the bit).
 */
@Tag("integration")
class EmbeddedResumeTest {

    private static final String RUN = "resumable";
    private static final int CHECKPOINT_EVERY = 10;

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void aStoppedEmbeddedRunResumesToTheResultOfOneNeverStopped() throws Exception {
        DjlRuntime.configure(1);
        Path pretrained = tmp.resolve("pretrained");
        try (DdpmModel m = PretrainJob.builder().setData(PipelineIntegrationTest.DATA)
                .setConfig(PipelineIntegrationTest.pretrainConfig()).optOutput(pretrained).build().run()) {
            assertEquals(2, m.dimension());
        }
        DxmiConfig config = DxmiConfig.builder().optSamplerSteps(3).optTau(0.1f).optBatchSize(32).optIterations(100)
                .optNetwork(new NetworkConfig(16, 2, 32)).optSeed(5).build();

        Path whole = tmp.resolve("whole");
        run(whole, config, false, new PrintStream(ByteArrayOutputStream.nullOutputStream()));

        // The same run, stopped in the middle. The run notices a stop mark within seconds, and on a fast machine
        // a run can finish in seconds too: so the test holds the run before it can end. Once the value-learner's
        // second checkpoint is on disk (checked on the file system, with nothing in between), its checkpoint
        // directory becomes a file: its next checkpoint (at the latest the third, far before the end) cannot
        // be written and it waits there, as on a full disk. The stop then lands mid-run however fast the
        // machine; the directory comes back before the resume.
        Path stopped = tmp.resolve("stopped");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        AtomicReference<Throwable> ended = new AtomicReference<>();
        Thread runner = new Thread(() -> {
            try {
                run(stopped, config, false, new PrintStream(log, true, StandardCharsets.UTF_8));
                ended.set(new AssertionError("the run finished before it was stopped"));
            } catch (EmbeddedRun.RunStopped e) {
                ended.set(e);
            } catch (Throwable t) {
                ended.set(t);
            }
        });
        runner.start();
        String bootstrap = awaitBroker(log);
        Path checkpoints = stopped.resolve(EmbeddedRun.STATE).resolve(RUN).resolve(ValueLearnerVerticle.ROLE);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (UnwritableCheckpoints.newest(checkpoints) < 2 * CHECKPOINT_EVERY) {
            assertTrue(runner.isAlive() && System.nanoTime() < deadline, "no second checkpoint: " + ended.get());
            Thread.sleep(10);
        }
        try (UnwritableCheckpoints held = UnwritableCheckpoints.of(checkpoints);
                RunCatalog catalog = new RunCatalog(KafkaSettings.builder().setBootstrapServers(bootstrap).build(),
                        Duration.ofSeconds(30))) {
            catalog.stop(RUN, "test stop");
            runner.join(TimeUnit.MINUTES.toMillis(3));
            assertTrue(ended.get() instanceof EmbeddedRun.RunStopped, String.valueOf(ended.get()));
            assertTrue(held.newest() < config.iterations(), "stopped mid-run, after checkpoint " + held.newest());
        }

        // As a user continues it: the run directory records the run's name and data.
        CommandLineTest.Run resumed = CommandLineTest.dxmi("run", "--resume", "--out", stopped.toString(),
                "--no-dashboard", "--quiet");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.err().contains("run '" + RUN + "' had been stopped; continuing it"), resumed.err());
        // The actor continues its rollout stream after its newest batch (without that the run drifted).
        assertTrue(resumed.err().contains("sampler-actor 0 continues after its batch at offset"), resumed.err());

        ObjectMapper json = new ObjectMapper();
        JsonNode a = json.readTree(whole.resolve("result.json").toFile());
        JsonNode b = json.readTree(stopped.resolve("result.json").toFile());
        assertEquals(config.iterations(), b.get("iterations").asLong());
        assertTrue(b.get("iterations_this_run").asLong() < config.iterations(), b.toString());
        // Exactly the run never stopped: every figure (the sampler's SW, the energy's EMA and last iterate) and
        // every final weight, to the bit.
        for (String f : List.of("sw_mean", "sw_std", "auc", "auc_raw", "sigmas", "ebm_iterations", "policy_version",
                "ebm_version", "value_version", "staleness_max")) {
            assertEquals(a.get(f), b.get(f), f);
        }
        Map<String, float[]> wa = TensorArchive.read(whole.resolve("weights.dxt")).tensors();
        Map<String, float[]> wb = TensorArchive.read(stopped.resolve("weights.dxt")).tensors();
        assertEquals(wa.keySet(), wb.keySet());
        assertTrue(wa.keySet().stream().anyMatch(k -> k.startsWith("sampler.")), wa.keySet().toString());
        wa.forEach((k, w) -> assertArrayEquals(w, wb.get(k), 0f, k));
    }

    private static void run(Path out, DxmiConfig config, boolean resume, PrintStream log) throws Exception {
        EmbeddedRun.Settings s = new EmbeddedRun.Settings(PipelineIntegrationTest.DATA, "8gaussians", out,
                out.getParent().resolve("pretrained"), config, null, "sync", 1, 0, CHECKPOINT_EVERY, 20, RUN,
                resume);
        new EmbeddedRun(s, ProgressListener.NONE, log).run();
    }

    private static String awaitBroker(ByteArrayOutputStream log) throws InterruptedException {
        Pattern p = Pattern.compile("broker: (\\S+) ");
        for (int i = 0; i < 600; i++) {
            Matcher m = p.matcher(log.toString(StandardCharsets.UTF_8));
            if (m.find()) {
                return m.group(1);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the embedded broker did not start: " + log);
    }
}
