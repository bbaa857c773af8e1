package io.dxmi.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.data.image.IdxFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dxmi program as a user meets it: exit codes, one-line errors, and a tiny real run. */
@Tag("integration")
class CommandLineTest {

    @TempDir
    static Path tmp;

    static Path model;

    /** Result of one invocation. */
    record Run(int code, String out, String err) {}

    static Run dxmi(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = DxmiCommand.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @BeforeAll
    static void trainTinyModel() {
        model = tmp.resolve("run");
        Run r = dxmi("train", "--data", "8gaussians", "--steps", "3", "--tau", "0.1", "--out", model.toString(),
                "--iterations", "40", "--pretrain-iterations", "200", "--eval-every", "20", "--checkpoint-every", "20",
                "--batch", "64", "--hidden", "32", "--layers", "2", "--quiet");
        assertEquals(0, r.code(), r.err());
    }

    private static void assertOneLineError(Run r, int code, String... fragments) {
        assertEquals(code, r.code(), r.err());
        String err = r.err().strip();
        assertFalse(err.contains("\n"), "one line expected, got: " + err);
        assertFalse(err.contains("Exception"), "no stack trace or exception name expected: " + err);
        for (String f : fragments) {
            assertTrue(err.contains(f), "expected '" + f + "' in: " + err);
        }
    }

    @Test
    void trainWritesTheResultSamplesAndModel() throws Exception {
        JsonNode result = new ObjectMapper().readTree(model.resolve("result.json").toFile());
        for (String field : List.of("sw_mean", "sw_std", "auc", "steps", "tau", "seed", "iterations", "wall_seconds",
                "iterations_per_second", "config")) {
            assertTrue(result.has(field), "result.json lacks " + field);
        }
        assertEquals(3, result.get("steps").asInt());
        assertEquals(40, result.get("iterations").asInt());
        assertEquals(0.1, result.get("tau").asDouble(), 1e-6);
        assertTrue(result.get("sw_mean").asDouble() > 0 && result.get("sw_mean").asDouble() < 5);
        assertTrue(result.get("auc_box").asText().contains("[-4, 4]^2"));
        List<String> samples = Files.readAllLines(model.resolve("samples.csv"));
        assertEquals("x1,x2", samples.get(0));
        assertEquals(10_001, samples.size());
        assertTrue(Files.isRegularFile(model.resolve("model.json")));
        assertTrue(Files.isRegularFile(model.resolve("pretrained/model.json")));
        long evals = Files.readAllLines(model.resolve("metrics.jsonl")).stream()
                .filter(l -> l.contains("\"kind\":\"eval\"")).count();
        assertEquals(2, evals);
        String lastTrain = Files.readAllLines(model.resolve("metrics.jsonl")).stream()
                .filter(l -> l.contains("\"kind\":\"train\"")).reduce((x, y) -> y).orElseThrow();
        assertTrue(lastTrain.contains("\"it_s\":"), lastTrain);
        // Pretraining logs its progress beside the pretrained model.
        assertTrue(Files.readAllLines(model.resolve("pretrained/metrics.jsonl")).stream()
                .anyMatch(l -> l.contains("\"kind\":\"pretrain\"") && l.contains("\"loss\":")));
    }

    @Test
    void trainDrawsTheFourFiguresAsPngFiles() throws Exception {
        Path figures = model.resolve("figures");
        for (String name : List.of("samples-energy.png", "value-steps.png", "energy-true-vs-learned.png",
                "metric-curves.png")) {
            BufferedImage image = ImageIO.read(figures.resolve(name).toFile());
            assertTrue(image != null && image.getWidth() > 300 && image.getHeight() > 300, name);
        }
        try (var files = Files.list(figures)) {
            assertEquals(4, files.count(), "only the four figures, no temp files");
        }
        long drawn = Files.readAllLines(model.resolve("metrics.jsonl")).stream()
                .filter(l -> l.contains("\"figure_millis\"")).count();
        assertEquals(2, drawn, "redrawn at each evaluation");
    }

    @Test
    void sampleAndEnergyComposeThroughStandardOutput() throws Exception {
        Run s = dxmi("sample", "--model", model.toString(), "--n", "7", "--out", "-");
        assertEquals(0, s.code(), s.err());
        List<String> rows = s.out().lines().toList();
        assertEquals("x1,x2", rows.get(0));
        assertEquals(8, rows.size(), s.out());
        assertTrue(s.err().contains("wrote 7 rows to standard output"), s.err());
        assertFalse(Files.exists(Path.of("-")), "no file named '-'");

        // The input's own columns and spelling are kept; the energy is appended in the input's separator.
        Path in = tmp.resolve("semicolons.csv");
        Files.writeString(in, "a;b\n0.50;0\n\n2;2.0\n");
        Run e = dxmi("energy", "--model", model.toString(), "--in", in.toString(), "--out", "-", "--with-input");
        assertEquals(0, e.code(), e.err());
        List<String> lines = e.out().lines().toList();
        assertEquals(3, lines.size(), e.out());
        assertEquals("a;b;energy", lines.get(0));
        assertTrue(lines.get(1).startsWith("0.50;0;"), lines.get(1));
        assertTrue(lines.get(2).startsWith("2;2.0;"), lines.get(2));
        assertTrue(Float.isFinite(Float.parseFloat(lines.get(2).split(";")[2])), lines.get(2));

        Path bare = tmp.resolve("bare.csv");
        Files.writeString(bare, "1,1\n");
        Path out = tmp.resolve("bare-e.csv");
        Run b = dxmi("energy", "--model", model.toString(), "--in", bare.toString(), "--out", out.toString(),
                "--with-input");
        assertEquals(0, b.code(), b.err());
        List<String> written = Files.readAllLines(out);
        assertEquals("x1,x2,energy", written.get(0));
        assertTrue(written.get(1).startsWith("1,1,"), written.get(1));
    }

    @Test
    void sampleAndEnergyWorkFromScripts() throws Exception {
        Path samples = tmp.resolve("s.csv");
        Run s = dxmi("sample", "--model", model.toString(), "--n", "123", "--out", samples.toString());
        assertEquals(0, s.code(), s.err());
        assertEquals(124, Files.readAllLines(samples).size());

        Path in = tmp.resolve("in.csv");
        Files.writeString(in, "0,0\n2,2\n100,100\n");
        Path energies = tmp.resolve("e.csv");
        Run e = dxmi("energy", "--model", model.toString(), "--in", in.toString(), "--out", energies.toString());
        assertEquals(0, e.code(), e.err());
        List<String> lines = Files.readAllLines(energies);
        assertEquals(List.of("energy"), lines.subList(0, 1));
        assertEquals(4, lines.size());
        for (String l : lines.subList(1, 4)) {
            assertTrue(Float.isFinite(Float.parseFloat(l)), l);
        }

        Path pretrainedSamples = tmp.resolve("p.csv");
        Run p = dxmi("sample", "--model", model.resolve("pretrained").toString(), "--n", "10", "--steps", "5",
                "--out", pretrainedSamples.toString());
        assertEquals(0, p.code(), p.err());
        assertEquals(11, Files.readAllLines(pretrainedSamples).size());
    }

    @Test
    void resumeContinuesToTheNewTotal() throws Exception {
        // The vectors' defaults lay the policy's cosine and the box negatives' phase over the run's 40 iterations:
        // another total would stretch that schedule under the iterations already run, so it is refused.
        Path scheduled = tmp.resolve("scheduled");
        Files.createDirectories(scheduled);
        for (String f : List.of("model.json", "weights.dxt")) {
            Files.copy(model.resolve(f), scheduled.resolve(f));
        }
        byte[] manifest = Files.readAllBytes(scheduled.resolve("model.json"));
        assertOneLineError(dxmi("train", "--data", "8gaussians", "--out", scheduled.toString(), "--resume",
                "--iterations", "50", "--quiet"), ExitCode.USAGE, "--resume: the run in", "over its 40 iterations",
                "the policy's cosine decay", "box negatives from iteration 24", "train a new run with --iterations 50");
        assertTrue(Arrays.equals(manifest, Files.readAllBytes(scheduled.resolve("model.json"))), "nothing changed");

        // A run without such a schedule (the images' default) runs on to the new total, and its model says so.
        Path copy = tmp.resolve("resumed");
        Run first = dxmi("train", "--data", "8gaussians", "--steps", "3", "--tau", "0.1", "--out", copy.toString(),
                "--pretrained", model.resolve("pretrained").toString(), "--no-cosine-decay", "--box-negatives", "0",
                "--iterations", "40", "--eval-every", "20", "--batch", "64", "--hidden", "32", "--layers", "2",
                "--quiet");
        assertEquals(0, first.code(), first.err());
        double before = new ObjectMapper().readTree(copy.resolve("model.json").toFile())
                .path("training").path("trainSeconds").asDouble(Double.NaN);
        Run r = dxmi("train", "--data", "8gaussians", "--out", copy.toString(), "--resume", "--iterations", "50",
                "--eval-every", "4", "--quiet");
        assertEquals(0, r.code(), r.err());
        JsonNode result = new ObjectMapper().readTree(copy.resolve("result.json").toFile());
        assertEquals(50, result.get("iterations").asInt());
        assertEquals(10, result.get("iterations_this_run").asInt());
        JsonNode saved = new ObjectMapper().readTree(copy.resolve("model.json").toFile());
        assertEquals(50, saved.path("dxmiConfig").path("iterations").asInt(), "the model states its total");
        assertEquals(50, saved.path("training").path("iteration").asInt());
        // The training time is the whole job's: the checkpoint's 40 iterations and these 10.
        assertTrue(before > 0, "the checkpoint records its training time");
        assertEquals(before, result.path("notes").path("trainSecondsBeforeResume").asDouble(), 1e-9);
        assertTrue(result.get("train_seconds").asDouble() > before, result.toString());
        // The continued iterations keep the command's evaluation cadence (and checkpoint cadence, set the same way).
        List<Integer> evaluated = new ArrayList<>();
        for (String line : Files.readAllLines(copy.resolve("metrics.jsonl"))) {
            JsonNode rec = new ObjectMapper().readTree(line);
            if ("eval".equals(rec.path("kind").asText())) {
                evaluated.add(rec.path("iteration").asInt());
            }
        }
        assertEquals(List.of(20, 40, 44, 48, 50), evaluated);
    }

    @Test
    void userMistakesGiveOneClearLine() throws Exception {
        assertOneLineError(dxmi("train", "--data", "9gaussians", "--steps", "5", "--tau", "0.1", "--out",
                tmp.resolve("x").toString()), 2, "unknown data set '9gaussians'");
        assertOneLineError(dxmi("train", "--data", tmp.resolve("missing.csv").toString(), "--steps", "5", "--tau",
                "0.1", "--out", tmp.resolve("x").toString()), 2, "not found", "missing.csv");
        assertOneLineError(dxmi("train", "--data", "8gaussians", "--steps", "five", "--tau", "0.1", "--out",
                tmp.resolve("x").toString()), 2, "--steps", "five");
        assertOneLineError(dxmi("train", "--data", "8gaussians", "--steps", "0", "--tau", "0.1", "--out",
                tmp.resolve("x").toString()), 2, "--steps must be at least 1");
        assertOneLineError(dxmi("train", "--data", "8gaussians", "--tau", "0.1", "--out",
                tmp.resolve("x").toString()), 2, "--steps and --tau are required");
        assertOneLineError(dxmi("train", "--data", "8gaussians", "--steps", "5", "--tau", "0.1", "--shape-negatives", "1",
                "--out", tmp.resolve("x").toString()), 2, "--shape-negatives breaks the layout of images");
        assertOneLineError(dxmi("train", "--data", "8gaussians", "--steps", "5", "--tau", "0.1", "--shape-transforms",
                "roll", "--out", tmp.resolve("x").toString()), 2, "--shape-transforms", "set --shape-negatives W too");
        assertOneLineError(dxmi("train", "--data", "8gaussians", "--steps", "5", "--tau", "0.1", "--energy-head",
                "flatten", "--out", tmp.resolve("x").toString()), 2, "--energy-head shapes the convolutional energy");
        assertOneLineError(dxmi("train", "--data", "8gaussians", "--steps", "5", "--tau", "0.1", "--energy-hidden", "64",
                "--value-sharing", "shared", "--out", tmp.resolve("x").toString()), 2, "--energy-hidden",
                "--value-sharing shared has none");
        assertOneLineError(dxmi("train", "--data", "8gaussians", "--steps", "5", "--tau", "0.1", "--sigma-hidden", "-1",
                "--out", tmp.resolve("x").toString()), 2, "--sigma-hidden");
        assertOneLineError(dxmi("feature-density", "--model", model.toString()), 2, "--normal is required");
        assertOneLineError(dxmi("feature-density", "--model", model.toString(), "--remove", "--classes", "1"), 2,
                "--classes and --image-size go with --normal");
        assertOneLineError(dxmi("feature-density", "--model", model.toString(), "--normal", "mnist:train",
                "--shrinkage", "0"), 2, "--shrinkage must be a positive number");
        assertOneLineError(dxmi("feature-density", "--model", model.toString(), "--normal", "mnist:train",
                "--density-views", "rot90,rot45"), 2, "--density-views", "unknown shape transformation 'rot45'");
        assertOneLineError(dxmi("feature-density", "--model", model.toString(), "--normal", "mnist:train"), 2,
                "is a vector model", "needs an image model");
        assertFalse(Files.exists(model.resolve("feature-density.json")), "nothing written");
        assertOneLineError(dxmi("train", "--data", "8gaussians", "--steps", "5", "--tau", "0.1", "--energy-head",
                "max", "--out", tmp.resolve("x").toString()), 2, "--energy-head", "max");
        assertOneLineError(dxmi("sample", "--model", tmp.toString(), "--n", "5", "--out",
                tmp.resolve("y.csv").toString()), 2, "is not a model directory");
        assertOneLineError(dxmi("energy", "--model", tmp.resolve("nope").toString(), "--in", "a.csv", "--out",
                "b.csv"), 2, "model directory not found");
        assertOneLineError(dxmi("frobnicate"), 2, "frobnicate");

        Path ragged = tmp.resolve("ragged.csv");
        Files.writeString(ragged, "a,b\n1,2\n3\n");
        assertOneLineError(dxmi("pretrain", "--data", ragged.toString(), "--out", tmp.resolve("z").toString()), 2,
                "line 3", "expected 2 values");
        Path wrongWidth = tmp.resolve("wide.csv");
        Files.writeString(wrongWidth, "1,2,3\n");
        assertOneLineError(dxmi("energy", "--model", model.toString(), "--in", wrongWidth.toString(), "--out",
                tmp.resolve("e2.csv").toString()), 2, "3 columns", "expects 2");
        assertOneLineError(dxmi("sample", "--model", model.resolve("pretrained").toString(), "--n", "0", "--out",
                tmp.resolve("y.csv").toString()), 2, "--n must be at least 1");
        assertOneLineError(dxmi("sample", "--model", model.toString(), "--n", "5", "--out",
                tmp.resolve("y.idx.gz").toString()), 1, "writes images", "vectors of 2 values");
    }

    @Test
    void theScorersNormalImagesGoWithAFollowedRunOnly() throws Exception {
        // Checked before anything connects: no broker runs at this address.
        assertOneLineError(dxmi("service", "anomaly-scorer", "--bootstrap", "127.0.0.1:1", "--model", model.toString(),
                "--normal", "mnist:train"), 2, "--normal goes with --follow-run", "dxmi feature-density");
        assertOneLineError(dxmi("service", "anomaly-scorer", "--bootstrap", "127.0.0.1:1", "--follow-run", "r",
                "--classes", "1"), 2, "--classes and --image-size go with --normal");
        assertOneLineError(dxmi("service", "anomaly-scorer", "--bootstrap", "127.0.0.1:1", "--follow-run", "r",
                "--normal", "points.csv"), 2, "--normal must be an image set");
    }

    @Test
    void anUnknownMapMethodNamesTheFourThereAre() throws Exception {
        // Checked before anything connects: no broker runs at this address.
        assertOneLineError(dxmi("service", "anomaly-scorer", "--bootstrap", "127.0.0.1:1", "--model", model.toString(),
                "--map-method", "occlusion"), 2,
                "--map-method must be gradient-mean, gradient, restoration or combined, got 'occlusion'");
    }

    @Test
    void everyModelCommandAndServiceTakesTheDevice() throws Exception {
        // Checked before anything connects: no broker runs at these addresses.
        assertOneLineError(dxmi("service", "sampler-actor", "--bootstrap", "127.0.0.1:1", "--run", "r", "--device",
                "tpu"), 2, "--device", "unknown device 'tpu'");
        assertOneLineError(dxmi("service", "anomaly-scorer", "--bootstrap", "127.0.0.1:1", "--model", model.toString(),
                "--device", "tpu"), 2, "--device", "unknown device 'tpu'");
        assertOneLineError(dxmi("energy", "--model", model.toString(), "--in", "a.csv", "--out", "b.csv", "--device",
                "tpu"), 2, "--device", "unknown device 'tpu'");
        // This build has CPU natives only: asking for the GPU is one line and exit 1, before any work.
        assertOneLineError(dxmi("sample", "--model", model.toString(), "--n", "5", "--out",
                tmp.resolve("gpu.csv").toString(), "--device", "gpu"), 1, "sees no GPU");
        assertFalse(Files.exists(tmp.resolve("gpu.csv")));
        Path samples = tmp.resolve("cpu.csv");
        Run r = dxmi("sample", "--model", model.toString(), "--n", "5", "--out", samples.toString(), "--device", "cpu");
        assertEquals(0, r.code(), r.err());
        assertEquals(5, Files.readAllLines(samples).stream().filter(l -> !l.isBlank() && !l.startsWith("x")).count());
    }

    @Test
    void energyScoresImageFilesInSortedPathOrder() throws Exception {
        // the tiny model's rows have 2 values: images of 1 x 1 x 2 pixels fit it
        Path dir = tmp.resolve("pics");
        Files.createDirectories(dir.resolve("b"));
        for (String name : List.of("b/x.png", "a.png", "c,d.png")) {
            BufferedImage img = new BufferedImage(2, 1,
                    BufferedImage.TYPE_BYTE_GRAY);
            ImageIO.write(img, "png", dir.resolve(name).toFile());
        }
        Path out = tmp.resolve("pics.csv");
        Run r = dxmi("energy", "--model", model.toString(), "--in", dir.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals("image,energy", lines.get(0));
        assertEquals(List.of("a.png", "b/x.png", "\"c,d.png\""),
                lines.subList(1, 4).stream().map(l -> l.substring(0, l.lastIndexOf(','))).toList());
        assertTrue(Float.isFinite(Float.parseFloat(lines.get(1).substring(lines.get(1).lastIndexOf(',') + 1))));

        Path idx = tmp.resolve("pics.idx.gz");
        IdxFiles.writeImages(idx, new float[] {0, 1, 1, 0, 0.5f, 0.5f},
                SampleShape.image(1, 1, 2));
        Run i = dxmi("energy", "--model", model.toString(), "--in", idx.toString(), "--out", out.toString());
        assertEquals(0, i.code(), i.err());
        assertEquals(List.of("image,energy", "#0", "#1", "#2"), Files.readAllLines(out).stream()
                .map(l -> l.contains("#") ? l.substring(0, l.indexOf(',')) : l).toList());
    }

    @Test
    void helpIsAvailableOnEveryCommand() {
        for (String cmd : List.of("pretrain", "train", "sample", "energy", "table1", "calibrate", "camera", "scores")) {
            Run r = dxmi(cmd, "--help");
            assertEquals(0, r.code(), cmd);
            assertTrue(r.out().contains("Usage: dxmi " + cmd), r.out());
        }
        Run scorer = dxmi("service", "anomaly-scorer", "--help");
        assertEquals(0, scorer.code(), scorer.err());
        assertTrue(scorer.out().contains("Usage: dxmi service anomaly-scorer"), scorer.out());
    }

    @Test
    void calibrateStoresAThresholdBesideTheModel() throws Exception {
        Path copy = tmp.resolve("calibrated");
        Files.createDirectories(copy);
        for (String f : List.of("model.json", "weights.dxt")) {
            Files.copy(model.resolve(f), copy.resolve(f));
        }
        StringBuilder rows = new StringBuilder("x1,x2\n");
        for (int i = 0; i < 200; i++) {
            double a = Math.PI / 4 * (i % 8);
            rows.append(2 * Math.cos(a) + 0.01 * (i % 7)).append(',').append(2 * Math.sin(a)).append('\n');
        }
        Path normal = tmp.resolve("normal.csv");
        Files.writeString(normal, rows);
        Run r = dxmi("calibrate", "--model", copy.toString(), "--normal", normal.toString(), "--fpr", "0.05");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("target FPR 0.05 on 200 normal rows"), r.out());
        JsonNode c = new ObjectMapper().readTree(copy.resolve("calibration.json").toFile());
        assertEquals("fpr", c.get("method").asText());
        assertTrue(c.get("achieved").get("fpr").asDouble() <= 0.05, c.toString());

        assertOneLineError(dxmi("calibrate", "--model", copy.toString(), "--normal", normal.toString(), "--fpr",
                "0.05", "--anomalous", normal.toString()), ExitCode.USAGE, "--fpr and --anomalous exclude each other");
        assertOneLineError(dxmi("calibrate", "--model", copy.toString(), "--normal", "8gaussians"), ExitCode.USAGE,
                "not a finite data set");

        // Labelled anomalies (points near the origin, between the eight modes): the criterion is the method.
        StringBuilder centre = new StringBuilder("x1,x2\n");
        for (int i = 0; i < 20; i++) {
            centre.append(0.05 * (i % 5) - 0.1).append(',').append(0.05 * (i / 5) - 0.1).append('\n');
        }
        Path anomalies = tmp.resolve("centre.csv");
        Files.writeString(anomalies, centre);
        Run youden = dxmi("calibrate", "--model", copy.toString(), "--normal", normal.toString(), "--anomalous",
                anomalies.toString(), "--criterion", "youden");
        assertEquals(0, youden.code(), youden.err());
        assertTrue(youden.out().contains("best youden") && youden.out().contains("on 200 normal and 20 anomalous rows"),
                youden.out());
        JsonNode y = new ObjectMapper().readTree(copy.resolve("calibration.json").toFile());
        assertEquals("youden", y.get("method").asText());
        assertTrue(y.get("achieved").has("auroc") && y.get("achieved").has("objective"), y.toString());
        assertOneLineError(dxmi("calibrate", "--model", copy.toString(), "--normal", normal.toString(), "--anomalous",
                anomalies.toString(), "--criterion", "auc"), ExitCode.USAGE, "unknown threshold criterion 'auc'",
                "balanced-f1, f1, youden");
        assertOneLineError(dxmi("calibrate", "--model", copy.toString(), "--normal", normal.toString(), "--criterion",
                "youden"), ExitCode.USAGE, "--criterion needs labelled anomalies");
    }

    @Test
    void cameraMistakesGiveOneClearLine() throws Exception {
        Path notSquare = tmp.resolve("three.csv");
        Files.writeString(notSquare, "0.1,0.2,0.3\n");
        assertOneLineError(dxmi("camera", "--bootstrap", "127.0.0.1:1", "--data", notSquare.toString(), "--fps", "10",
                "--seconds", "1"), ExitCode.USAGE, "3 columns", "not a flattened square image");
        Path square = tmp.resolve("square.csv");
        Files.writeString(square, "0.1,0.2,0.3,0.4\n");
        assertOneLineError(dxmi("camera", "--bootstrap", "127.0.0.1:1", "--data", square.toString(), "--fps", "10"), ExitCode.USAGE,
                "give --seconds S or --frames N");
        assertOneLineError(dxmi("camera", "--bootstrap", "127.0.0.1:1", "--data", square.toString(), "--fps", "10",
                "--frames", "5", "--anomaly-rate", "0.5"), ExitCode.USAGE, "an anomaly rate needs anomalous images");
        assertOneLineError(dxmi("camera", "--bootstrap", "127.0.0.1:1", "--data", square.toString(), "--fps", "10",
                "--frames", "5", "--encoding", "gif"), ExitCode.USAGE, "raw or png");
    }
}
