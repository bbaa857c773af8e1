package io.dxmi.core.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.dxmi.core.data.ToyDatasets;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.dxmi.DxmiConfig;
import io.dxmi.core.model.DataInfo;
import io.dxmi.core.model.ModelDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** result.json as every command writes it: one flat snake_case object, the parts that do not apply left out. */
class RunResultTest {

    @TempDir
    Path tmp;

    private static RunResult base() {
        DxmiConfig c = DxmiConfig.builder().optTaus(0.1f, 0.2f).optIterations(6000).build();
        return new RunResult(new RunResult.Quality(0.06, 0.01, 0.89, 0.88, "EMA", "conv", "protocol", "box"),
                new RunResult.Method(5, null, 0.1f, 0.2f, 7, new float[] {1f, 0.5f}, DataInfo.of(
                        ToyDatasets.byName("8gaussians")), c, PretrainConfig.defaults(), "engine"),
                null, null, null, null, null, null, null);
    }

    @Test
    void aTrainResultIsFlatAndLeavesOutWhatDoesNotApply() throws Exception {
        RunResult r = base().withTiming(new RunResult.Timing(6000, 6000L, 230.0, 80.0, 140.0, 10.0, 1.0, 42.8, 0L,
                0L)).withTarget(new RunResult.Target(null, "SW <= 0.068")).withNotes(Map.of("pretrained", "dir"))
                .write(tmp);
        JsonNode j = ModelDirectory.json().readTree(tmp.resolve(TrainJob.RESULT).toFile());
        assertEquals(0.06, j.get("sw_mean").asDouble());
        assertEquals(0.88, j.get("auc_raw").asDouble());
        assertEquals(6000, j.get("iterations").asLong());
        assertEquals(42.8, j.get("iterations_per_second").asDouble());
        assertTrue(j.has("seconds_to_target") && j.get("seconds_to_target").isNull(), j.toString());
        assertFalse(j.has("tau"), "tau is left out when the two temperatures differ: " + j);
        assertEquals(0.2, j.get("tau_velocity").asDouble(), 1e-6);
        assertEquals(6000, j.get("config").get("iterations").asInt(), "the configuration keeps its own names");
        assertTrue(j.get("peak_rss_mib").asDouble() > 0);
        for (String absent : List.of("mode", "staleness_max", "policy_version", "trainer")) {
            assertFalse(j.has(absent), absent + " does not apply to a single-process run: " + j);
        }
        assertTrue(r.headline().startsWith("SW 0.0600 ± 0.0100  AUC 0.8900 (raw 0.8800)  6000 iterations at 42.8 it/s"),
                r.headline());
    }

    @Test
    void aPipelineResultFromSnapshotsSaysWhereItsWeightsCameFrom() {
        RunResult r = base().withPipeline(new RunResult.Pipeline("sync", 1, 0, 30L, 30L, Map.of("a.step", 1.5), 0L,
                0.0, 0L, 30L)).withSource(new RunResult.Source("r1", 20, 21, null, false, "dxmi export"));
        JsonNode j = r.toJson();
        assertEquals("sync", j.get("mode").asText());
        assertEquals(1.5, j.get("time_breakdown_ms").get("a.step").asDouble());
        assertEquals(20, j.get("policy_version").asLong());
        assertFalse(j.get("run_finished").asBoolean());
        assertFalse(j.has("value_version"));
        assertTrue(r.headline().contains("policy v20, energy v21: the run is not finished"), r.headline());
    }
}
