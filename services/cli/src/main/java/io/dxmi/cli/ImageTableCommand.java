package io.dxmi.cli;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.DataSpec;
import io.dxmi.core.data.DataSources;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.dxmi.ModelStore;
import io.dxmi.core.job.ImageTableJob;
import io.dxmi.core.job.ImageTableQuick;
import io.dxmi.core.job.ImageTableReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code dxmi image-table}: the DDPM, its derived few-step samplers and DxMI on an image data set, by FD. */
@Command(name = "image-table", mixinStandardHelpOptions = true,
        description = {"Pretrain a DDPM on fashion-mnist or mnist (or take --pretrained), then measure the 1000-step DDPM, "
                + "the T = 10 and T = 4 samplers derived from it and DxMI trained from it at T = 10 and 4: FD, "
                + "precision and recall on the project classifier's features, with the FD's noise at each sample count, "
                + "and images per second.",
            "Prints the table and writes OUT/table.md, OUT/table.json and the models (OUT/pretrained, "
                + "OUT/dxmi-T10, OUT/dxmi-T4)."})
final class ImageTableCommand implements Callable<Integer> {

    private static final List<String> DATA = List.of("fashion-mnist", "mnist");

    @Option(names = "--data", required = true, paramLabel = "fashion-mnist|mnist", description = "The image data set.")
    String data;

    @Option(names = "--out", defaultValue = "runs/image-table", paramLabel = "DIR",
            description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--quick", description = "8 x 8 images, a small UNet and energy, 1,500 pretraining and 400 DxMI"
                + " iterations, 5,000 samples per few-step row and 500 for the 1000-step row: minutes on 2 cores.")
    boolean quick;

    @Option(names = "--pretrained", paramLabel = "DIR", description = "Start from this pretrained DDPM (skips pretraining).")
    Path pretrained;

    @Option(names = "--resume", description = "Continue an interrupted table in --out: a finished pretraining (or its"
                + " last checkpoint) and rows finished with the same settings are reused.")
    boolean resume;

    @Option(names = "--image-size", paramLabel = "N", description = "Resize the images to N x N (default: 28; --quick 8).")
    Integer imageSize;

    @Option(names = "--iterations", paramLabel = "N", description = "DxMI iterations (default: 2,000; --quick 400).")
    Integer iterations;

    @Option(names = "--pretrain-iterations", paramLabel = "N",
            description = "Pretraining steps (default: 20,000; --quick 1,500).")
    Integer pretrainIterations;

    @Option(names = "--samples", paramLabel = "N",
            description = "Generated images per few-step row (default: 10,000; --quick 5,000).")
    Integer samples;

    @Option(names = "--ddpm-samples", paramLabel = "N",
            description = "Generated images of the 1000-step row (default: 1,000; --quick 500).")
    Integer ddpmSamples;

    @Option(names = "--steps", split = ",", paramLabel = "T",
            description = "The T of the derived and DxMI rows (default: 10,4; for example --steps 4 for those rows alone).")
    List<Integer> steps;

    @Option(names = "--jobs", paramLabel = "N", defaultValue = "2",
            description = "Threads (default: ${DEFAULT-VALUE}): with 2, the 1000-step row is drawn on its own thread while"
                    + " the few-step rows train (one PyTorch thread each).")
    int jobs;

    @Option(names = "--classifier", paramLabel = "DIR",
            description = "The feature classifier's model directory (default: the cached one, trained on first use).")
    Path classifier;

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!DATA.contains(data)) {
            throw new UsageError("--data must be fashion-mnist or mnist for the image table, got '" + data + "'");
        }
        Checks.atLeast("--image-size", imageSize, 4);
        Checks.atLeast("--iterations", iterations, 1);
        Checks.atLeast("--pretrain-iterations", pretrainIterations, 1);
        Checks.atLeast("--samples", samples, 4);
        Checks.atLeast("--jobs", jobs, 1);
        Checks.atLeast("--ddpm-samples", ddpmSamples, 4);
        if (steps != null && (steps.stream().anyMatch(t -> t == null || t < 1)
                || steps.stream().distinct().count() != steps.size())) {
            throw new UsageError("--steps must be distinct step counts of at least 1, got " + steps);
        }
        if (pretrained != null && pretrainIterations != null) {
            throw new UsageError("--pretrained and --pretrain-iterations exclude each other: a given model is not"
                    + " pretrained again");
        }
        if (pretrained != null && !Files.isDirectory(pretrained)) {
            throw new UsageError("--pretrained " + pretrained + " is not a directory");
        }
        int size = imageSize != null ? imageSize : quick ? ImageTableQuick.QUICK_IMAGE_SIZE : 0;
        common.configureEngine();
        DataSource source;
        try {
            source = DataSources.resolve(new DataSpec(data, null, size));
        } catch (RuntimeException e) {
            throw new UsageError("--data " + data + ": " + e.getMessage(), e);
        }
        if (pretrained != null) {
            checkPretrained(source);
        }
        if (!resume && Files.isDirectory(out.resolve(ImageTableJob.ROWS_DIR))) {
            throw new UsageError("--out " + out + " holds an image table already: add --resume to continue it, or"
                    + " choose another --out");
        }
        ImageTableReport report = ImageTableJob.builder().setData(source).setOutput(out).optQuick(quick)
                .optSeed(common.seed).optPretrained(pretrained).optResume(resume).optIterations(iterations)
                .optPretrainIterations(pretrainIterations).optSamples(samples).optDdpmSamples(ddpmSamples)
                .optSteps(steps != null ? steps : ImageTableJob.STEPS).optJobs(jobs)
                .optClassifier(classifier).optProvenance(provenance()).optListener(common.progress()).build().run();
        System.out.println(report.toText());
        System.out.println("wrote " + out.resolve("table.md") + " and " + out.resolve("table.json"));
        return ExitCode.OK;
    }

    /** The given DDPM must load (its weights verify) and generate images of the table's shape. */
    private void checkPretrained(DataSource source) {
        try {
            String kind = ModelStore.kindOf(pretrained);
            if (!ModelStore.KIND_DDPM.equals(kind)) {
                throw new UsageError("--pretrained " + pretrained + " holds a '" + kind + "' model, not a pretrained"
                        + " DDPM");
            }
            try (DdpmModel m = ModelStore.loadDdpm(pretrained)) {
                if (!m.shape().equals(source.shape())) {
                    throw new UsageError("--pretrained " + pretrained + " generates " + m.shape() + " images but the"
                            + " table runs on " + source.shape() + " (set --image-size to match)");
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof UsageError u) {
                throw u;
            }
            throw new UsageError("--pretrained " + pretrained + ": " + e.getMessage(), e);
        }
    }

    /** The commit the jar was built from (git, where the jar lies in a checkout) and the command line. */
    private Map<String, Object> provenance() {
        Map<String, Object> p = new LinkedHashMap<>();
        // The parse result's arguments start with the command's own name.
        p.put("command", "dxmi " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        p.put("commit", git("rev-parse", "HEAD"));
        String dirty = git("status", "--porcelain", "--untracked-files=no");
        p.put("uncommitted_changes", dirty == null ? null : !dirty.isBlank());
        return p;
    }

    private static String git(String... args) {
        try {
            Path jar = Path.of(ImageTableCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = Files.isDirectory(jar) ? jar : jar.getParent();
            List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
            cmd.addAll(List.of(args));
            Process proc = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            String text = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return proc.waitFor(10, TimeUnit.SECONDS) && proc.exitValue() == 0 ? text : null;
        } catch (IOException | RuntimeException | URISyntaxException e) {
            return null; // not a checkout, or no git: the table says it does not know
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
