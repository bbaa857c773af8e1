package io.dxmi.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.data.image.ImageFiles;
import io.dxmi.core.model.TensorArchive;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images through the whole pipeline: a tiny DDPM pretrained on 8 × 8 MNIST digits, then `dxmi run` (the real
 * broker, every service) trains DxMI on it; trajectories of 1 × 8 × 8 samples cross Kafka, the evaluator
 * assembles an image model, evaluates it by the image protocol (FD on the classifier's features) and writes
 * the samples as an idx file, and `dxmi sample` draws images from the model it wrote. In sync mode the run's
 * weights are bit-identical to `dxmi train` with the same settings, shape negatives included.
 */
@Tag("integration")
class ImagePipelineTest {

    @TempDir
    static Path tmp;

    static Path pretrained;

    @BeforeAll
    static void pretrain() {
        pretrained = tmp.resolve("pretrained");
        CommandLineTest.Run pre = CommandLineTest.dxmi("pretrain", "--data", "mnist", "--image-size", "8",
                "--iterations", "30", "--channels", "16", "--batch", "16", "--out", pretrained.toString(), "--quiet");
        assertEquals(0, pre.code(), pre.err());
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void anImageRunCrossesThePipelineAndEndsWithAnImageModel() throws Exception {
        Path out = tmp.resolve("run");
        CommandLineTest.Run run = CommandLineTest.dxmi("run", "--data", "mnist", "--image-size", "8", "--pretrained",
                pretrained.toString(), "--steps", "2", "--iterations", "4", "--batch", "8", "--eval-every", "2",
                "--checkpoint-every", "2", "--out", out.toString(), "--no-dashboard", "--quiet");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("samples.idx.gz"), run.out());

        JsonNode result = new ObjectMapper().readTree(out.resolve("result.json").toFile());
        double fd = result.get("fd").asDouble();
        assertTrue(Double.isFinite(fd) && fd > 0, "FD " + fd);
        assertTrue(result.get("precision").asDouble() >= 0 && result.get("recall").asDouble() <= 1, result.toString());
        double gap = result.path("class_share_gap").asDouble(-1);
        assertTrue(gap >= 0 && gap <= 1, result.toString());
        assertEquals(10, result.path("class_shares").size(), result.toString());
        assertEquals(4, result.get("iterations").asLong());
        assertEquals(4, result.get("ebm_version").asLong());
        // The periodic evaluations measure images by FD (the fd plug-in), not by the vector metrics.
        List<JsonNode> evals = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            JsonNode rec = new ObjectMapper().readTree(line);
            if ("eval".equals(rec.path("kind").asText())) {
                evals.add(rec);
            }
        }
        assertFalse(evals.isEmpty(), "no eval records in metrics.jsonl");
        for (JsonNode ev : evals) {
            assertTrue(ev.path("fd").isNumber() && ev.get("fd").asDouble() > 0, ev.toString());
            assertTrue(ev.path("fd.recall").isNumber(), ev.toString());
            assertTrue(ev.path("fd.class_gap").isNumber(), ev.toString());
            assertFalse(ev.has("sw") || ev.has("auc"), ev.toString());
        }

        ImageFiles.Images samples = ImageFiles.read(out.resolve("samples.idx.gz"));
        assertEquals(SampleShape.image(1, 8, 8), samples.shape());
        assertEquals(10_000, samples.size());
        for (float p : samples.pixels()) {
            assertTrue(p >= 0f && p <= 1f, "pixel " + p);
        }

        // The image model calibrates on held-out images of the set (its test split, at the model's size).
        CommandLineTest.Run calibrate = CommandLineTest.dxmi("calibrate", "--model", out.toString(), "--normal",
                "mnist:test", "--image-size", "8", "--fpr", "0.1");
        assertEquals(0, calibrate.code(), calibrate.err());
        JsonNode calibration = new ObjectMapper().readTree(out.resolve("calibration.json").toFile());
        assertTrue(calibration.toString().contains("fpr"), calibration.toString());
        assertTrue(calibrate.out().contains("target FPR 0.1 on 2004 normal rows"), calibrate.out());

        Path drawn = tmp.resolve("drawn.idx");
        CommandLineTest.Run sample = CommandLineTest.dxmi("sample", "--model", out.toString(), "--n", "5", "--out",
                drawn.toString());
        assertEquals(0, sample.code(), sample.err());
        assertTrue(Files.size(drawn) > 0);
        ImageFiles.Images five = ImageFiles.read(drawn);
        assertEquals(5, five.size());
        assertEquals(SampleShape.image(1, 8, 8), five.shape());
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void aSyncImageRunWithShapeNegativesIsBitIdenticalToTrain() throws Exception {
        // The separate value network: the pipeline's value-learner owns it, so `train` must use one too.
        String[] settings = {"--data", "mnist", "--image-size", "8", "--pretrained", pretrained.toString(),
            "--steps", "2", "--iterations", "6", "--batch", "8", "--shape-negatives", "1", "--value-sharing",
            "separate", "--eval-every", "0", "--seed", "5", "--quiet"};
        Path single = tmp.resolve("train-sync");
        CommandLineTest.Run train = CommandLineTest.dxmi(concat(new String[] {"train", "--out", single.toString()},
                settings));
        assertEquals(0, train.code(), train.err());
        Path pipeline = tmp.resolve("run-sync");
        CommandLineTest.Run run = CommandLineTest.dxmi(concat(new String[] {"run", "--mode", "sync", "--out",
            pipeline.toString(), "--no-dashboard", "--checkpoint-every", "3"}, settings));
        assertEquals(0, run.code(), run.err());

        JsonNode a = new ObjectMapper().readTree(single.resolve("result.json").toFile());
        JsonNode b = new ObjectMapper().readTree(pipeline.resolve("result.json").toFile());
        assertEquals(a.get("fd").asDouble(), b.get("fd").asDouble(), 0.0);
        assertEquals("sync", b.get("mode").asText());
        // Every trained weight is bit-identical (optimizer moments live in different processes).
        Map<String, float[]> wa = TensorArchive.read(single.resolve("weights.dxt")).tensors();
        Map<String, float[]> wb = TensorArchive.read(pipeline.resolve("weights.dxt")).tensors();
        int compared = 0;
        for (Map.Entry<String, float[]> e : wa.entrySet()) {
            if (!e.getKey().startsWith("opt.")) {
                assertArrayEquals(e.getValue(), wb.get(e.getKey()), 0f, e.getKey());
                compared++;
            }
        }
        assertTrue(compared > 20, "compared " + compared + " tensors");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
