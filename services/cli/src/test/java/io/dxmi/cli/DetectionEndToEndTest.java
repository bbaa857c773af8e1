package io.dxmi.cli;

import static io.dxmi.cli.CommandLineTest.dxmi;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dxmi.core.metrics.RocAuc;
import io.dxmi.platform.broker.EmbeddedKafkaBroker;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Detection end to end, as a user runs it, through a real broker: an energy trained on one MNIST digit (1, at
 * 8 × 8) by {@code dxmi oneclass}, calibrated with labelled anomalies of another digit (0), the anomaly-scorer
 * service (its own process) scoring held-out 28 × 28 test frames of both digits replayed by {@code dxmi camera},
 * and the committed scores read back with {@code dxmi scores}. Every frame is scored exactly once, every score
 * names the model and the calibration, and the energy separates the two digits on the stream (AUROC of energy
 * against label) as well as it does offline. Seed 0 throughout; the bound comes from what seeds 0–2 measured (see
 * the constant). About 2 minutes on 2 cores, most of it the training.
 */
@Tag("integration")
class DetectionEndToEndTest {

    /**
     * Measured with these settings (digit 1 against digit 0, calibrate's energy AUROC on the whole test split):
     * 0.963, 0.887 and 0.959 for seeds 0, 1 and 2, against 0.043 after a single DxMI iteration (the untrained
     * energy prefers more ink, so it ranks the other way round); 60 iterations instead of 150 were not enough
     * for seed 1 (0.010). 0.8 is below every seed measured and far from both chance and the untrained energy.
     * Seed 0 with oneclass's shape negatives without 180° turns (the default since they became a setting): 0.961;
     * scored by a density of the energy's last map: 0.983, the stream 0.981; by the density over the last map and
     * blocks 2 and 4: 0.9997, the stream 1.000; by the six maps' densities standardised and summed (oneclass's
     * default since): 0.9996, the stream 1.000; with them read in the image's three default views (turns) as well:
     * 0.9996, the stream 1.000. The test trains 150 iterations, as measured above, not the
     * quick default's 450 (added since; a third of the time).
     */
    private static final double MIN_AUROC = 0.8;
    private static final int CAMERAS = 2;
    private static final int FRAMES_PER_CAMERA = 150;

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void anEnergyTrainedOnOneDigitFlagsAnotherOnTheStream() throws Exception {
        Path oneclass = tmp.resolve("oc");
        CommandLineTest.Run trained = dxmi("oneclass", "--data", "mnist", "--image-size", "8", "--classes", "1",
                "--quick", "--pretrain-iterations", "100", "--iterations", "150", "--defects", "0", "--seed", "0",
                "--out", oneclass.toString(), "--quiet");
        assertEquals(0, trained.code(), trained.err());
        Path model = oneclass.resolve("class-1");
        // oneclass fitted a feature density on the class's training images; the command fits the same one again.
        String fitted = new ObjectMapper().readTree(model.resolve("feature-density.json").toFile()).get("id").asText();
        CommandLineTest.Run refit = dxmi("feature-density", "--model", model.toString(), "--normal", "mnist:train",
                "--classes", "1", "--image-size", "8");
        assertEquals(0, refit.code(), refit.err());
        assertTrue(refit.out().contains("fitted feature density " + fitted), refit.out());
        // At 8 x 8 the second block's map is 4 x 4, pooled with a 1 x 1 window towards 3 x 3 and 7 x 7 alike: five maps.
        // Read in the image and in its three default views (turned by 90, 180 and 270 degrees).
        assertTrue(refit.out().contains("(5 maps of the image and of its views rot90,rot180,rot270, "),
                refit.out());

        CommandLineTest.Run calibrated = dxmi("calibrate", "--model", model.toString(), "--normal", "mnist:test",
                "--classes", "1", "--anomalous", "mnist:test", "--anomalous-classes", "0", "--image-size", "8");
        assertEquals(0, calibrated.code(), calibrated.err());
        JsonNode calibration = new ObjectMapper().readTree(model.resolve("calibration.json").toFile());
        assertEquals("balanced-f1", calibration.get("method").asText());
        String thresholdId = calibration.get("id").asText();
        // The scorer names a model by its directory, the start of its weights' SHA-256 and its feature density
        // (oneclass fits one by default).
        String densityId = new ObjectMapper().readTree(model.resolve("feature-density.json").toFile()).get("id").asText();
        String modelVersion = "class-1@" + calibration.get("modelWeightsSha256").asText().substring(0, 12)
                + "+density-" + densityId;
        double threshold = calibration.get("threshold").asDouble();

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().setDataDir(tmp.resolve("kafka")).build()
                .start();
                DxmiProcess scorer = DxmiProcess.start(tmp.resolve("scorer.log"), "service", "anomaly-scorer",
                        "--bootstrap", broker.bootstrapServers(), "--model", model.toString(), "--instance-id", "e2e",
                        "--partitions", "2", "--metrics-port", "0", "--http-port", "-1")) {
            assertTrue(scorer.awaitOutput("scoring dxmi.frames", 300), scorer.output());

            // Held-out 28 x 28 frames (the scorer resizes them to the model's 8 x 8): digit 1 normal, digit 0 the
            // anomalies, half of each, from two cameras.
            CommandLineTest.Run camera = dxmi("camera", "--bootstrap", broker.bootstrapServers(), "--data",
                    "mnist:test", "--classes", "1", "--anomalous-classes", "0", "--anomaly-rate", "0.5", "--cameras",
                    String.valueOf(CAMERAS), "--fps", "100", "--frames", String.valueOf(FRAMES_PER_CAMERA),
                    "--seed", "0");
            assertEquals(0, camera.code(), camera.err());
            Matcher sent = Pattern.compile("sent (\\d+) frames \\((\\d+) anomalous\\)").matcher(camera.out());
            assertTrue(sent.find(), camera.out());
            int frames = Integer.parseInt(sent.group(1));
            assertEquals(CAMERAS * FRAMES_PER_CAMERA, frames);

            List<JsonNode> scores = committedScores(broker.bootstrapServers(), frames, scorer);
            Thread.sleep(2000); // a frame scored twice would be committed by now
            scores = committedScores(broker.bootstrapServers(), frames, scorer);
            assertEquals(frames, scores.size(), "committed scores");

            Set<String> seen = new HashSet<>();
            List<Double> normal = new ArrayList<>();
            List<Double> anomalous = new ArrayList<>();
            for (JsonNode s : scores) {
                assertTrue(seen.add(s.get("camera_id").asText() + "/" + s.get("frame_id").asLong()),
                        "scored twice: " + s);
                assertEquals(modelVersion, s.get("model_version").asText(), s.toString());
                assertEquals(thresholdId, s.get("threshold_id").asText(), s.toString());
                assertEquals(threshold, s.get("threshold").asDouble(), 1e-9 * Math.max(1, Math.abs(threshold)));
                double energy = s.get("energy").asDouble();
                assertEquals(energy > threshold, s.get("anomalous").asBoolean(), s.toString());
                (s.get("label").asInt() == 1 ? anomalous : normal).add(energy);
            }
            for (int c = 0; c < CAMERAS; c++) {
                for (int f = 0; f < FRAMES_PER_CAMERA; f++) {
                    assertTrue(seen.contains("cam-" + c + "/" + f), "lost: cam-" + c + "/" + f);
                }
            }
            assertEquals(Integer.parseInt(sent.group(2)), anomalous.size(), "labelled anomalies on the stream");
            double auroc = RocAuc.auc(anomalous.stream().mapToDouble(Double::doubleValue).toArray(),
                    normal.stream().mapToDouble(Double::doubleValue).toArray());
            System.out.printf("detection end to end: %d frames (%d anomalous), stream AUROC %.4f, calibration %s%n",
                    frames, anomalous.size(), auroc, calibrated.out().strip());
            assertTrue(auroc >= MIN_AUROC, "stream AUROC " + auroc + " below " + MIN_AUROC);
            // The stream (8-bit 28 x 28 frames, decoded and resized by the scorer) ranks as the offline energies of
            // the same test images do; the stream draws 300 of them, so the two differ by sampling noise only.
            double offline = calibration.path("achieved").path("auroc").asDouble();
            assertEquals(offline, auroc, 0.05, "stream AUROC against calibrate's on the whole test split");
        }
    }

    /** The committed scores, read with {@code dxmi scores} until {@code expected} are there (or 5 minutes pass). */
    private List<JsonNode> committedScores(String bootstrap, int expected, DxmiProcess scorer) throws Exception {
        Path file = tmp.resolve("scores.jsonl");
        ObjectMapper json = new ObjectMapper();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        List<JsonNode> scores = new ArrayList<>();
        do {
            CommandLineTest.Run read = dxmi("scores", "--bootstrap", bootstrap, "--out", file.toString());
            assertEquals(0, read.code(), read.err());
            scores.clear();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                scores.add(json.readTree(line));
            }
            if (scores.size() >= expected) {
                return scores;
            }
            assertTrue(scorer.isAlive(), "the scorer died: " + scorer.output());
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        return scores;
    }
}
