package io.dxmi.core.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.dxmi.core.dxmi.DxmiConfig;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.engine.ProgressListener;
import io.dxmi.core.model.ModelDirectory;
import io.dxmi.core.nn.NetworkConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The vector benchmark on a tiny budget: one synthetic CSV set, its table files, and {@code --resume}: a
 * finished run is read back with the same settings and run again with others.
 */
class VectorTableJobTest {

    @TempDir
    Path out;

    private VectorTableJob job(int iterations, boolean resume, List<String> phases) {
        DxmiConfig config = DxmiConfig.builder().optSamplerSteps(3).optTau(0.1f).optBatchSize(32)
                .optNetwork(new NetworkConfig(16, 2, 32)).build();
        ProgressListener listener = (phase, done, total, metrics) -> phases.add(phase);
        return VectorTableJob.builder().setOutput(out).optSets(List.of("shell6d")).optConfig(config)
                .optIterations(iterations).optPretrainIterations(200).optEvaluation(500, 1, 50).optResume(resume)
                .optListener(listener).build();
    }

    @Test
    void writesTheTableAndResumesFinishedRuns() throws Exception {
        DjlRuntime.configure(1);
        List<String> first = new CopyOnWriteArrayList<>();
        VectorTableReport a = job(20, false, first).run();
        assertEquals(1, a.runs().size());
        VectorTableReport.Run run = a.runs().get(0);
        assertEquals("shell6d", run.set());
        assertEquals(6, run.dimension());
        assertTrue(Double.isFinite(run.swDxmi().mean()) && run.swDxmi().mean() > 0, run.toString());
        assertTrue(run.aucDxmi() >= 0 && run.aucDxmi() <= 1, run.toString());
        assertTrue(Files.readString(out.resolve("table.md")).contains("shell6d"));
        JsonNode json = ModelDirectory.json().readTree(out.resolve("table.json").toFile());
        assertEquals("shell6d", json.path("runs").get(0).path("set").asText());
        assertTrue(first.stream().anyMatch(p -> p.contains("train")), first.toString());

        // The same settings: read back, not trained again.
        List<String> second = new CopyOnWriteArrayList<>();
        VectorTableReport b = job(20, true, second).run();
        assertEquals(run, b.runs().get(0));
        assertTrue(second.stream().anyMatch(p -> p.contains("finished before")), second.toString());
        assertFalse(second.stream().anyMatch(p -> p.contains("train") || p.contains("pretrain")), second.toString());

        // Other settings: the pretrained DDPM and its baselines are reused, DxMI runs again.
        List<String> third = new CopyOnWriteArrayList<>();
        VectorTableReport c = job(21, true, third).run();
        assertTrue(third.stream().anyMatch(p -> p.contains("train")), third.toString());
        assertFalse(third.stream().anyMatch(p -> p.contains("pretrain")), third.toString());
        assertEquals(run.swDerived(), c.runs().get(0).swDerived());
        assertNotEquals(run.swDxmi(), c.runs().get(0).swDxmi());
    }
}
