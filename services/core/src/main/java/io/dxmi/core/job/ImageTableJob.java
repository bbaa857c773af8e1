package io.dxmi.core.job;

// Over 400 lines: the documented builder is a third of it, and the rows, the keys under which a finished pretraining
// and finished rows are reused (--resume) all read the same job settings. Formatting lives in ImageTableReport, the
// reuse files in KeyedJson, --quick's settings in ImageTableQuick, the 1000-step row's kept chunks in
// ResumableDdpmSampling, the wait for that row's thread in TaskResults. The few-step
// rows' FD at the 1000-step row's image count stays here: it samples from the same samplers with the same keys.

import com.sun.management.OperatingSystemMXBean;
import io.dxmi.core.classifier.TrainedClassifier;
import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.image.ImageDataSource;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.diffusion.StepCoefficients;
import io.dxmi.core.dxmi.DxmiConfig;
import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.dxmi.ModelStore;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.engine.ProgressListener;
import io.dxmi.core.eval.FdNoise;
import io.dxmi.core.eval.ImageEvaluation;
import io.dxmi.core.eval.ImageEvaluator;
import io.dxmi.core.eval.ImageFidelity;
import io.dxmi.core.model.ModelDirectory;
import io.dxmi.core.random.Rng;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;

/**
 * The image benchmark (the paper's image table at a CPU's scale): pretrains a 1000-step DDPM (or
 * takes one), measures it, the T-step samplers derived from it before any DxMI training (T = 10
 * and 4, the image default step spacing, exactly where DxMI starts), and DxMI trained from it at
 * the same T: FD, precision and recall on the project classifier's features against the test
 * images, with the FD's noise at each row's sample count, and images per second. Writes
 * {@code table.md}, {@code table.json}, the models ({@code pretrained/}, {@code dxmi-T10/},
 * {@code dxmi-T4/}) and each finished row under {@code rows/}, which {@code --resume} reads back.
 */
public final class ImageTableJob {

    /** The sampler step counts of the derived and DxMI rows, as in the paper's image tables (T = 10) and fewer. */
    public static final List<Integer> STEPS = List.of(10, 4);
    /** Where each finished row is kept, so that {@code --resume} does not measure it again. */
    public static final String ROWS_DIR = "rows";
    static final String PRETRAINED = "pretrained";
    /** Images per progress report of a few-step row: the samplers' own chunk of images (DDPM and few-step alike). */
    private static final int PROGRESS_CHUNK = DdpmModel.IMAGE_CHUNK;

    private final ImageDataSource data;
    private final Path output;
    private final boolean quick;
    private final long seed;
    private final Path pretrained;
    private final boolean resume;
    private final PretrainConfig pretrainConfig;
    private final DxmiConfig config;
    /** --quick with the table's own settings: the long rows take {@link ImageTableQuick#quickConfig(int)}'s gate. */
    private final boolean quickDefaults;
    private final int samples;
    private final int ddpmSamples;
    private final List<Integer> steps;
    private final int jobs;
    private final Path classifier;
    private final Map<String, Object> provenance;
    private final ProgressListener listener;
    /** Pretraining seconds of this run (0 when the model was given or reused). */
    private double lastPretrainSeconds;

    private ImageTableJob(Builder b) {
        this.data = (ImageDataSource) b.data;
        this.output = b.output;
        this.quick = b.quick;
        this.seed = b.seed;
        this.pretrained = b.pretrained;
        this.resume = b.resume;
        PretrainConfig pc = b.pretrainConfig != null ? b.pretrainConfig : quick ? ImageTableQuick.quickPretrain() : PretrainConfig.imageDefaults();
        if (b.pretrainIterations != null) {
            pc = pc.withIterations(b.pretrainIterations);
        }
        this.pretrainConfig = pc.withSeed(seed);
        this.quickDefaults = quick && b.config == null;
        DxmiConfig c = b.config != null ? b.config : quick ? ImageTableQuick.quickConfig() : DxmiConfig.imageBuilder().build();
        if (b.iterations != null) {
            c = c.toBuilder().optIterations(b.iterations).build();
        }
        this.config = c.toBuilder().optSeed(seed).build();
        this.samples = b.samples != null ? b.samples : quick ? 5000 : 10_000;
        this.ddpmSamples = b.ddpmSamples != null ? b.ddpmSamples : quick ? 500 : 1000;
        this.steps = b.steps;
        this.jobs = b.jobs;
        this.classifier = b.classifier;
        this.provenance = b.provenance;
        // Two rows may report at once (--jobs 2): one report at a time reaches the listener.
        ProgressListener given = b.listener;
        this.listener = b.jobs > 1 ? (p, d, total, m) -> {
            synchronized (given) {
                given.onProgress(p, d, total, m);
            }
        } : given;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The DxMI settings of the row at T: the table's, gated in --quick without given settings. */
    private DxmiConfig dxmiRowConfig(int t) {
        DxmiConfig cfg = config.toBuilder().optSamplerSteps(t).build();
        return quickDefaults ? ImageTableQuick.withQuickGate(cfg) : cfg;
    }

    /** Runs every row that is not finished yet, writes the table files and returns the report. */
    public ImageTableReport run() throws IOException {
        DjlRuntime.configureFromEnvironment();
        Files.createDirectories(output.resolve(ROWS_DIR));
        long t0 = System.nanoTime();
        long cpu0 = processCpuNanos();
        ImageTableReport report = new ImageTableReport(title());
        Path ddpmDir = pretrained != null ? pretrained : output.resolve(PRETRAINED);
        try (ImageFidelity fidelity = ImageFidelity.open(data.dataset(), classifier, phase("classifier"))) {
            ImageEvaluator ev = fidelity.evaluator();
            String evKey = ev.describe();
            double pretrainSeconds;
            String ddpmHash;
            try (DdpmModel ddpm = pretrainedModel(ddpmDir)) {
                pretrainSeconds = lastPretrainSeconds;
                ddpmHash = ModelDirectory.sha256(ddpmDir.resolve(ModelDirectory.WEIGHTS));
                int full = ddpm.schedule().steps();
                String ddpmKey = ddpmHash + " " + evKey + " n=" + ddpmSamples;
                RowMeasurement ddpmRow = () -> row(ImageTableReport.DDPM, full, ddpmKey,
                        () -> measure(ImageTableReport.DDPM, full, ddpmSamples, ev,
                                (n, rng) -> ddpmImages(ddpm, full, n, rng, ddpmKey), ddpmDir));
                // The 1000-step row is the longest and trains nothing: with a second job it is drawn on its own
                // thread (and core) while the few-step rows train on this one.
                ExecutorService side = jobs > 1 ? Executors.newSingleThreadExecutor(ImageTableJob::sideThread) : null;
                try {
                    Future<ImageTableReport.Row> ddpmDone = side == null
                            ? CompletableFuture.completedFuture(ddpmRow.measure())
                            : side.submit(() -> {
                                DjlRuntime.noGradientsOnThisThread(); // a new thread records by default
                                return ddpmRow.measure();
                            });
                    List<ImageTableReport.Row> fewStep = new ArrayList<>();
                    List<String> fewStepKeys = new ArrayList<>();
                    for (int t : steps) {
                        DxmiConfig cfg = config.toBuilder().optSamplerSteps(t).build();
                        String key = ddpmHash + " " + configKey(cfg) + " " + evKey + " n=" + samples;
                        fewStepKeys.add(key);
                        fewStep.add(row(ImageTableReport.DERIVED, t, key, () -> {
                            try (DxmiModel start = derivedSampler(cfg, ddpm)) {
                                return measure(ImageTableReport.DERIVED, t, samples, ev,
                                        timed(inChunks(start, "derived T=" + t)), ddpmDir);
                            }
                        }));
                    }
                    for (int t : steps) {
                        DxmiConfig cfg = dxmiRowConfig(t);
                        String key = ddpmHash + " " + configKey(cfg) + " " + evKey + " n=" + samples;
                        fewStepKeys.add(key);
                        fewStep.add(row(ImageTableReport.DXMI, t, key, () -> trainDxmi(cfg, ddpmDir, ev)));
                    }
                    report.add(TaskResults.await(ddpmDone, "the 1000-step row"));
                    fewStep.forEach(report::add);
                    if (ddpmSamples < samples) {
                        for (int i = 0; i < fewStep.size(); i++) {
                            ImageTableReport.Row r = fewStep.get(i);
                            report.putFdAtDdpmCount(r.method(), r.steps(),
                                    fdAtDdpmCount(r, fewStepKeys.get(i), ddpm, ev));
                        }
                    }
                } finally {
                    if (side != null) {
                        side.shutdownNow();
                    }
                }
            }
            TrainedClassifier c = fidelity.classifier();
            report.put("evaluation", evKey);
            report.put("classifier_accuracy", c.testAccuracy());
            report.put("classifier_weights_sha256", c.weightsSha256());
            report.put("data", data.name());
            report.put("data_hash", data.contentHash());
            report.put("image_shape", data.shape().toString());
            report.put("seed", seed);
            report.put("quick", quick);
            report.put("pretrained", pretrained != null ? pretrained.toAbsolutePath().toString() : PRETRAINED);
            report.put("pretrained_weights_sha256", ddpmHash);
            report.put("pretrain_config", ModelDirectory.json().readTree(ddpmDir.resolve(ModelDirectory.MANIFEST)
                    .toFile()).path("pretrainConfig"));
            report.put("pretrain_seconds", pretrainSeconds);
        }
        report.put("dxmi_config", config);
        if (quickDefaults && steps.stream().anyMatch(t -> t >= ImageTableQuick.QUICK_GATED_STEPS)) {
            report.put("dxmi_config_from_T" + ImageTableQuick.QUICK_GATED_STEPS, "policyGate=0.0, tauVelocity="
                    + ImageTableQuick.QUICK_GATED_TAU_VELOCITY);
        }
        report.put("wall_seconds", (System.nanoTime() - t0) / 1e9);
        report.put("cpu_seconds", (processCpuNanos() - cpu0) / 1e9);
        report.put("peak_rss_mib", ResourceUsage.peakResidentMiB());
        report.put("engine", DjlRuntime.engineVersion());
        report.put("provenance", provenance);
        Files.writeString(output.resolve("table.md"), report.toMarkdown(), StandardCharsets.UTF_8);
        ModelDirectory.writeJson(output.resolve("table.json"), report.toJson());
        return report;
    }

    private String title() {
        return "Image table on " + data.name() + " (" + data.shape() + ", seed " + seed + (quick ? ", --quick" : "")
                + "): DDPM " + pretrainConfig.diffusionSteps() + " steps, derived T-step samplers and DxMI at T = "
                + steps;
    }

    /**
     * The pretrained DDPM: the one given, or the finished one in DIR/pretrained when its data and settings match
     * (--resume), or a pretraining continued from its last checkpoint there (--resume), or a new one.
     */
    private DdpmModel pretrainedModel(Path dir) throws IOException {
        lastPretrainSeconds = 0;
        if (pretrained != null) {
            return ModelStore.loadDdpm(dir);
        }
        if (resume && Files.isRegularFile(dir.resolve(ModelDirectory.MANIFEST))) {
            var m = ModelDirectory.json().readTree(dir.resolve(ModelDirectory.MANIFEST).toFile());
            boolean sameData = data.contentHash().equals(m.path("provenance").path("dataHash").asText());
            // Compared as records: a float setting read back as a double node never equals the one written.
            boolean sameConfig = pretrainConfig.equals(ModelDirectory.json().treeToValue(m.path("pretrainConfig"),
                    PretrainConfig.class));
            if (sameData && sameConfig) {
                listener.onProgress("pretrained DDPM finished before (--resume)", 1, 1, Map.of());
                return ModelStore.loadDdpm(dir);
            }
        }
        boolean continuing = resume && Files.isRegularFile(dir.resolve(ModelStore.PRETRAIN_STATE));
        long p0 = System.nanoTime();
        DdpmModel model = PretrainJob.builder().setData(data).setConfig(pretrainConfig).optOutput(dir)
                .optResume(continuing).optListener(phase("pretrain")).build().run();
        lastPretrainSeconds = (System.nanoTime() - p0) / 1e9;
        return model;
    }

    /** Samples n images (timed), evaluates them and the FD's noise at n. */
    private ImageTableReport.Row measure(String method, int steps, int n, ImageEvaluator ev, ImageDraw draw,
            Path modelDir) throws IOException {
        long t0 = System.nanoTime();
        ResumableDdpmSampling.Sampled s = draw.draw(n, new Rng(seed + 1000));
        ImageEvaluation e = ev.evaluate(s.images());
        FdNoise noise = ev.noiseAt(n, 3, seed + 3000);
        return new ImageTableReport.Row(method, steps, e.samples(), e.fd(), noise.mean(), noise.std(), e.precision(),
                e.recall(), n / Math.max(s.seconds(), 1e-9), 0, (System.nanoTime() - t0) / 1e9,
                relative(modelDir), e.classShareGap());
    }

    /** Draws n images from a generator and the seconds they took. */
    @FunctionalInterface
    private interface ImageDraw {
        ResumableDdpmSampling.Sampled draw(int n, Rng rng) throws IOException;
    }

    private static ImageDraw timed(BiFunction<Integer, Rng, float[]> generator) {
        return (n, rng) -> {
            long t0 = System.nanoTime();
            float[] images = generator.apply(n, rng);
            return new ResumableDdpmSampling.Sampled(images, (System.nanoTime() - t0) / 1e9);
        };
    }

    private DxmiModel derivedSampler(DxmiConfig cfg, DdpmModel ddpm) {
        return DxmiModel.fromPretrained(cfg, ddpm, new Rng(cfg.seed()), data::sample);
    }

    /**
     * A few-step row's FD on as many images as the 1000-step row has, drawn afresh from the row's sampler (with the
     * generator seed the rows sample with): an FD falls as the image count grows, so only an FD at the same count
     * compares with that row's. Kept in DIR/rows, like the rows, for --resume.
     */
    private double fdAtDdpmCount(ImageTableReport.Row r, String key, DdpmModel ddpm, ImageEvaluator ev)
            throws IOException {
        Path file = output.resolve(ROWS_DIR).resolve("at-ddpm-count-" + r.method() + "-" + r.steps() + ".json");
        // The row's own FD in the key: a row measured again (its model trained again) is measured again here too.
        String fullKey = data.contentHash() + " " + key + " seed=" + seed + " row fd=" + r.fd() + " at n=" + ddpmSamples;
        if (resume) {
            Double done = KeyedJson.read(file, fullKey, Double.class);
            if (done != null) {
                return done;
            }
        }
        String phase = r.label() + " at " + ddpmSamples + " images";
        double fd;
        try (DxmiModel m = ImageTableReport.DERIVED.equals(r.method())
                ? derivedSampler(config.toBuilder().optSamplerSteps(r.steps()).build(), ddpm)
                : ModelStore.loadDxmi(output.resolve(r.modelDir())).model()) {
            fd = ev.evaluate(inChunks(m, phase).apply(ddpmSamples, new Rng(seed + 1000))).fd();
        }
        KeyedJson.write(file, fullKey, fd);
        return fd;
    }

    /**
     * The 1000-step row's images, reporting every step: at 28 × 28 a chunk of 250 images takes half an hour, so each
     * finished chunk is kept in DIR/ddpm-1000-chunks and --resume continues from the last one.
     */
    private ResumableDdpmSampling.Sampled ddpmImages(DdpmModel ddpm, int steps, int n, Rng rng, String key)
            throws IOException {
        StepCoefficients c = StepCoefficients.ancestral(ddpm.schedule(), steps);
        String phase = "DDPM " + steps + " sampling (image-steps)";
        String name = ImageTableReport.DDPM + "-" + steps;
        return ResumableDdpmSampling.draw(ddpm, c, n, rng, output.resolve(name + "-chunks"), name,
                data.contentHash() + " " + key + " seed=" + seed, resume,
                (done, total) -> listener.onProgress(phase, done, total, Map.of()));
    }

    /**
     * A few-step sampler drawn {@value #PROGRESS_CHUNK} images at a time with a report after each. The sampler
     * draws in chunks of that size itself, so the images are those of one call with the same generator.
     */
    private BiFunction<Integer, Rng, float[]> inChunks(DxmiModel model, String phase) {
        return (n, rng) -> {
            float[] out = new float[n * model.dimension()];
            for (int start = 0; start < n; start += PROGRESS_CHUNK) {
                int m = Math.min(PROGRESS_CHUNK, n - start);
                System.arraycopy(model.sample(m, rng), 0, out, start * model.dimension(), m * model.dimension());
                listener.onProgress(phase + " sampling", start + m, n, Map.of());
            }
            return out;
        };
    }

    /**
     * DxMI at T from the pretrained DDPM with TrainJob; its model directory is DIR/dxmi-T{T}, checkpointed every 200
     * iterations (not in --quick), from which --resume continues a row stopped part-way.
     */
    private ImageTableReport.Row trainDxmi(DxmiConfig cfg, Path ddpmDir, ImageEvaluator ev) throws IOException {
        long t0 = System.nanoTime();
        Path dir = output.resolve("dxmi-T" + cfg.samplerSteps());
        TrainJob job = TrainJob.builder().setData(data).setConfig(cfg).setOutput(dir).optPretrained(ddpmDir)
                .optEvalEvery(quick ? 0 : 500).optCheckpointEvery(quick ? 0 : 200)
                .optEvaluation(samples, 1, 1).optSampleCount(Math.min(samples, 1000)).optClassifier(classifier)
                .optListener(phase("DxMI T=" + cfg.samplerSteps())).build();
        RunResult result = resume ? job.runOrContinue() : job.run();
        RunResult.Quality q = result.quality();
        double train = result.timing() != null && result.timing().trainSeconds() != null
                ? result.timing().trainSeconds() : Double.NaN;
        FdNoise noise = ev.noiseAt(samples, 3, seed + 3000);
        return new ImageTableReport.Row(ImageTableReport.DXMI, cfg.samplerSteps(), q.fdSamples(), q.fd(),
                noise.mean(), noise.std(), q.precision(), q.recall(), q.imagesPerSecond(), train,
                (System.nanoTime() - t0) / 1e9, relative(dir), q.classShareGap());
    }

    /** A row's measurement, read back from DIR/rows when --resume and it finished with the same key. */
    private ImageTableReport.Row row(String method, int steps, String key, RowMeasurement measurement)
            throws IOException {
        Path file = output.resolve(ROWS_DIR).resolve(method + "-" + steps + ".json");
        String fullKey = data.contentHash() + " " + key + " seed=" + seed;
        if (resume) {
            ImageTableReport.Row done = KeyedJson.read(file, fullKey, ImageTableReport.Row.class);
            if (done != null) {
                listener.onProgress(done.label() + " finished before (--resume)", 1, 1, Map.of());
                return done;
            }
        }
        ImageTableReport.Row r = measurement.measure();
        KeyedJson.write(file, fullKey, r);
        listener.onProgress(r.label() + " done", 1, 1, Map.of("fd", r.fd()));
        return r;
    }

    private static Thread sideThread(Runnable r) {
        Thread t = new Thread(r, "image-table-ddpm-row");
        t.setDaemon(true); // a failed table must not wait for it to exit
        return t;
    }

    @FunctionalInterface
    private interface RowMeasurement {
        ImageTableReport.Row measure() throws IOException;
    }

    private static String configKey(DxmiConfig cfg) throws IOException {
        return ModelDirectory.json().writeValueAsString(cfg);
    }

    private String relative(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        Path base = output.toAbsolutePath().normalize();
        return abs.startsWith(base) ? base.relativize(abs).toString() : abs.toString();
    }

    private ProgressListener phase(String name) {
        return (p, d, total, metrics) -> listener.onProgress(name + " " + p, d, total, metrics);
    }

    /** This process's CPU time so far (every thread), or NaN where the JVM does not say. */
    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    /** Builder: {@code setData} (an image data set) and {@code setOutput} are required. */
    public static final class Builder {
        private DataSource data;
        private Path output;
        private boolean quick;
        private long seed;
        private Path pretrained;
        private boolean resume;
        private PretrainConfig pretrainConfig;
        private Integer pretrainIterations;
        private DxmiConfig config;
        private Integer iterations;
        private Integer samples;
        private Integer ddpmSamples;
        private List<Integer> steps = STEPS;
        private int jobs = 1;
        private Path classifier;
        private Map<String, Object> provenance = Map.of();
        private ProgressListener listener = ProgressListener.NONE;

        /** The image data set (at the size the table runs at: --quick's is {@link ImageTableQuick#QUICK_IMAGE_SIZE}). */
        public Builder setData(DataSource data) {
            this.data = data;
            return this;
        }

        public Builder setOutput(Path output) {
            this.output = output;
            return this;
        }

        /** {@link ImageTableQuick#quickPretrain()}, {@link ImageTableQuick#quickConfig()}, 5,000 samples per few-step row and 500 for the DDPM's. */
        public Builder optQuick(boolean quick) {
            this.quick = quick;
            return this;
        }

        /** Seed of the pretraining, DxMI and every evaluation draw (default 0). */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** A pretrained DDPM directory to start from instead of pretraining. */
        public Builder optPretrained(Path pretrained) {
            this.pretrained = pretrained;
            return this;
        }

        /** Reuse a finished pretraining (or continue a stopped one) and finished rows in the output directory. */
        public Builder optResume(boolean resume) {
            this.resume = resume;
            return this;
        }

        /** Pretraining settings (default: the image defaults, or --quick's); the seed is the job's. */
        public Builder optPretrainConfig(PretrainConfig pretrainConfig) {
            this.pretrainConfig = pretrainConfig;
            return this;
        }

        public Builder optPretrainIterations(Integer pretrainIterations) {
            this.pretrainIterations = pretrainIterations;
            return this;
        }

        /** DxMI settings (its steps are each row's T; default: the image defaults, or --quick's). */
        public Builder optConfig(DxmiConfig config) {
            this.config = config;
            return this;
        }

        public Builder optIterations(Integer iterations) {
            this.iterations = iterations;
            return this;
        }

        /** Generated images per few-step row (default 10,000; --quick 5,000). */
        public Builder optSamples(Integer samples) {
            this.samples = samples;
            return this;
        }

        /** Generated images of the 1000-step row (default 1,000; --quick 500): hours per 10,000 on a CPU. */
        public Builder optDdpmSamples(Integer ddpmSamples) {
            this.ddpmSamples = ddpmSamples;
            return this;
        }

        /** The T of the derived and DxMI rows (default {@link #STEPS}: 10 and 4), each at least 1, no repeats. */
        public Builder optSteps(List<Integer> steps) {
            this.steps = List.copyOf(steps);
            return this;
        }

        /**
         * Threads (default 1): with 2, the 1000-step row is drawn on a second thread while the few-step rows train
         * (one PyTorch thread each); the rows' numbers are those of one thread.
         */
        public Builder optJobs(int jobs) {
            this.jobs = jobs;
            return this;
        }

        /** A classifier model directory for the FD's features (default: the cached one, trained on first use). */
        public Builder optClassifier(Path classifier) {
            this.classifier = classifier;
            return this;
        }

        /** Where the numbers came from (commit, command line), written into table.json as it is. */
        public Builder optProvenance(Map<String, Object> provenance) {
            this.provenance = new LinkedHashMap<>(provenance);
            return this;
        }

        public Builder optListener(ProgressListener listener) {
            this.listener = listener;
            return this;
        }

        public ImageTableJob build() {
            if (data == null || output == null) {
                throw new IllegalStateException("ImageTableJob needs setData and setOutput");
            }
            if (!(data instanceof ImageDataSource)) {
                throw new IllegalArgumentException("the image table needs an image data set, got " + data.name());
            }
            if (steps.isEmpty() || steps.stream().anyMatch(t -> t < 1) || steps.stream().distinct().count() != steps.size()) {
                throw new IllegalArgumentException("the table's steps must be distinct and at least 1, got " + steps);
            }
            if (jobs < 1) {
                throw new IllegalArgumentException("jobs must be at least 1, got " + jobs);
            }
            if ((samples != null && samples < 4) || (ddpmSamples != null && ddpmSamples < 4)) {
                throw new IllegalArgumentException("the table needs at least 4 samples per row");
            }
            return new ImageTableJob(this);
        }
    }
}
