package io.dxmi.core.job;

// Over 400 lines: the run of one (set, seed), the keys under which its pretrained model, baselines and finished row
// are reused (--reuse-pretrained, --resume) and the table's files all read the same job settings; the documented
// builder is a third of it. Report formatting lives in VectorTableReport, the reuse files in KeyedJson and Baselines.

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dxmi.core.data.CsvDataset;
import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.ToyDatasets;
import io.dxmi.core.data.vector.SyntheticSet;
import io.dxmi.core.data.vector.SyntheticSets;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.diffusion.StepCoefficients;
import io.dxmi.core.dxmi.DxmiConfig;
import io.dxmi.core.dxmi.ModelStore;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.engine.ProgressListener;
import io.dxmi.core.eval.Evaluator;
import io.dxmi.core.eval.ReferenceScore;
import io.dxmi.core.metrics.MeanStd;
import io.dxmi.core.model.ModelDirectory;
import io.dxmi.core.random.Rng;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;

/**
 * The vector benchmark: on the built-in 2D sets and the synthetic vector sets of
 * {@link SyntheticSets} (3 to 8 dimensions, written as CSV files and trained on exactly as a
 * user's file), each run pretrains a 1000-step DDPM, measures it and the T-step sampler derived
 * from it, trains DxMI from it, and sets the energy's AUC beside a reference score's (the true
 * density where known, else a nearest-neighbour distance) on the same points. Writes
 * {@code table.md}, {@code table.json}, {@code metrics.jsonl} and every run's directory.
 */
public final class VectorTableJob {

    /** Rows of every synthetic data set's CSV file. */
    public static final int DATA_ROWS = 20_000;
    /** Where a pretrained model's baselines are kept, so that a rerun with {@code --reuse-pretrained} skips them. */
    static final String BASELINES = "vector-table-baselines.json";
    /** Where a finished run's row is kept, so that {@code --resume} does not run it again. */
    static final String FINISHED = "vector-table-run.json";
    /** Rows drawn to time DxMI's sampler. */
    private static final int TIMED_ROWS = 10_000;

    private final Path output;
    private final List<String> sets;
    private final int seeds;
    private final boolean quick;
    private final DxmiConfig config;
    private final int pretrainIterations;
    private final boolean reusePretrained;
    private final boolean resume;
    /** SW rows, samplings and directions. */
    private final int[] evaluation;
    private final int jobs;
    private final ProgressListener listener;

    private VectorTableJob(Builder b) {
        this.output = b.output;
        this.sets = b.sets;
        this.seeds = b.seeds;
        this.quick = b.quick;
        this.config = b.config.toBuilder().optIterations(b.iterations != null ? b.iterations
                : (b.quick ? 1500 : b.config.iterations())).build();
        this.pretrainIterations = b.pretrainIterations != null ? b.pretrainIterations
                : (b.quick ? 5000 : PretrainConfig.defaults().iterations());
        this.reusePretrained = b.reusePretrained || b.resume;
        this.resume = b.resume;
        this.evaluation = b.evaluation != null ? b.evaluation : quick ? new int[] {5000, 2, 500}
                : new int[] {10_000, 5, 1000};
        this.jobs = b.jobs;
        this.listener = b.listener;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Every data set the table runs by default: the built-in 2D sets, then the synthetic vector sets. */
    public static List<String> defaultSets() {
        List<String> all = new ArrayList<>(ToyDatasets.names());
        SyntheticSets.all().forEach(s -> all.add(s.name()));
        return all;
    }

    private Evaluator evaluator(DataSource data, long seed) {
        // The AUC keeps the default row count: the training job's final evaluation scores the energy on the same points.
        return Evaluator.builder().setData(data).optSeed(seed + 1000).optSamples(evaluation[0])
                .optRepeats(evaluation[1]).optDirections(evaluation[2]).build();
    }

    /** Runs every (set, seed); writes the table files; returns the report. */
    public VectorTableReport run() throws IOException {
        DjlRuntime.configureFromEnvironment();
        Files.createDirectories(output);
        Files.deleteIfExists(output.resolve(TrainJob.METRICS));
        long t0 = System.nanoTime();
        VectorTableReport report = new VectorTableReport(config.samplerSteps(), protocol());
        List<Callable<VectorTableReport.Run>> tasks = new ArrayList<>();
        int total = sets.size() * seeds;
        int[] done = {0};
        try (MetricsLog log = new MetricsLog(output.resolve(TrainJob.METRICS))) {
            ProgressListener runLog = log.progressRecords("vector-table");
            for (String name : sets) {
                report.describe(name, describe(name));
                for (int s = 0; s < seeds; s++) {
                    long seed = s;
                    tasks.add(() -> {
                        // A pool thread starts with PyTorch's grad mode on: off, as on every inference thread.
                        DjlRuntime.noGradientsOnThisThread();
                        VectorTableReport.Run r = runOne(name, seed);
                        report.add(r);
                        log.append(runRecord(r));
                        synchronized (done) {
                            Map<String, Double> m = Map.of("elapsed_s", (System.nanoTime() - t0) / 1e9);
                            listener.onProgress("vector-table runs", ++done[0], total, m);
                            runLog.onProgress("vector-table runs", done[0], total, m);
                        }
                        return r;
                    });
                }
            }
            ExecutorService pool = Executors.newFixedThreadPool(jobs);
            try {
                List<Future<VectorTableReport.Run>> futures;
                try {
                    futures = pool.invokeAll(tasks);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
                for (Future<VectorTableReport.Run> f : futures) {
                    TaskResults.await(f, "a vector-table run");
                }
            } finally {
                pool.shutdownNow();
            }
        }
        write(report, (System.nanoTime() - t0) / 1e9);
        return report;
    }

    private String protocol() {
        Evaluator e = evaluator(ToyDatasets.byName("8gaussians"), 0);
        return "T = " + config.samplerSteps() + ", tau = " + config.tauEntropy()
                + (config.tauVelocity() != config.tauEntropy() ? " / " + config.tauVelocity() : "")
                + "; pretraining " + pretrainIterations + " iterations, DxMI " + config.iterations() + " iterations"
                + (quick ? " (--quick)" : "") + "; seeds 0.." + (seeds - 1) + ". SW in the data's units: "
                + e.describe().replace("[-4, 4]^2", "the evaluation box").replaceAll("AUC:.*", "")
                + " The SW floor is SW between two independent data samples. AUC: score -E, data rows against"
                + " uniform rows of the evaluation box ([-4, 4]^2 for the built-in 2D sets, the data's bounding box"
                + " widened by 10% per side for the others); the reference is the true log density where known,"
                + " else minus the distance to the " + ReferenceScore.NEIGHBOUR + "th nearest of " + ReferenceScore.REFERENCE_ROWS
                + " fresh data rows (columns scaled by the data's std), on the same points. Targets: DxMI's SW at"
                + " most " + VectorTableReport.MAX_SW_RATIO + "x the 1000-step DDPM's and its AUC at most "
                + VectorTableReport.MAX_AUC_GAP + " below the reference's, on every seed.";
    }

    private static String describe(String name) {
        if (ToyDatasets.isBuiltIn(name)) {
            return "built-in 2D set";
        }
        return SyntheticSets.byName(name).description();
    }

    /** The synthetic set's CSV file (written once, the same for every seed) loaded like a user's file. */
    private synchronized CsvDataset materialise(SyntheticSet set) throws IOException {
        Path file = output.resolve("data").resolve(set.name() + ".csv");
        if (!Files.isRegularFile(file)) {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(set.name() + ".csv.tmp");
            CsvDataset.write(tmp, set.sample(DATA_ROWS, new Rng(SyntheticSets.DATA_SEED)), set.dimension(),
                    DataPreparation.columnNames(set.dimension()));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        }
        return CsvDataset.load(file);
    }

    private VectorTableReport.Run runOne(String name, long seed) throws IOException {
        SyntheticSet synthetic = ToyDatasets.isBuiltIn(name) ? null : SyntheticSets.byName(name);
        DataSource data = synthetic == null ? ToyDatasets.byName(name) : materialise(synthetic);
        Path dir = output.resolve(name).resolve("seed" + seed);
        Evaluator ev = evaluator(data, seed);
        String runKey = runKey(data, ev);
        if (resume) {
            VectorTableReport.Run finished = KeyedJson.read(dir.resolve(FINISHED), runKey, VectorTableReport.Run.class);
            if (finished != null) {
                listener.onProgress(name + " seed " + seed + " finished before (--resume)", 1, 1, Map.of());
                return finished;
            }
        }
        PretrainConfig pc = PretrainConfig.defaults().withIterations(pretrainIterations).withSeed(seed);
        Path ddpmDir = dir.resolve("ddpm-1000");
        ProgressListener phase = phase(name + " seed " + seed);
        long p0 = System.nanoTime();
        boolean[] reused = {false};
        Baselines base;
        double pretrainSeconds;
        try (DdpmModel ddpm = pretrained(data, pc, ddpmDir, phase, reused)) {
            pretrainSeconds = reused[0] ? 0 : (System.nanoTime() - p0) / 1e9;
            Path cache = ddpmDir.resolve(BASELINES);
            // Uniform baselines keep their old key, so tables measured before quadratic steps stay readable.
            String key = ev.describe() + " T=" + config.samplerSteps()
                    + (config.stepSpacing() == StepCoefficients.Spacing.UNIFORM ? "" : " " + config.stepSpacing());
            base = reused[0] ? Baselines.read(cache, key) : null;
            if (base == null) {
                base = baselines(data, synthetic, seed, ev, ddpm);
                Baselines.write(cache, key, base);
            }
        }
        DxmiConfig cfg = config.toBuilder().optSeed(seed).build();
        TrainJob.Builder tb = TrainJob.builder().setData(data).setConfig(cfg).setOutput(dir.resolve("dxmi"))
                .optPretrained(ddpmDir).optEvalEvery(quick ? 0 : 1000).optCheckpointEvery(0).optListener(phase)
                .optPretrainConfig(pc);
        tb.optEvaluation(evaluation[0], evaluation[1], evaluation[2]);
        RunResult result = tb.build().run();
        RunResult.Quality r = result.quality();
        double trainSeconds = result.timing() != null && result.timing().trainSeconds() != null
                ? result.timing().trainSeconds() : Double.NaN;
        double[] msDxmi = new double[2];
        try (var trained = ModelStore.loadDxmi(dir.resolve("dxmi")).model()) {
            timed(trained::sample, msDxmi).apply(TIMED_ROWS, new Rng(seed));
        }
        VectorTableReport.Run run = new VectorTableReport.Run(name, data.dimension(), seed, base.floor(), base.ddpm(),
                base.derived(), r.sw(), r.auc(), r.aucRaw(), base.aucReference(), base.reference(), pretrainSeconds,
                trainSeconds, base.msPer1000Ddpm(), base.msPer1000Derived(), perThousand(msDxmi));
        KeyedJson.write(dir.resolve(FINISHED), runKey, run);
        return run;
    }

    /** Everything a run's row depends on: the data, DxMI's and the pretraining's settings, the evaluation. */
    private String runKey(DataSource data, Evaluator ev) throws IOException {
        return data.contentHash() + " " + ModelDirectory.json().writeValueAsString(config) + " pretrain "
                + pretrainIterations + " " + ev.describe();
    }

    /** What a run measures before DxMI: the floor, the two DDPM samplers, the reference score. */
    private Baselines baselines(DataSource data, SyntheticSet synthetic, long seed, Evaluator ev, DdpmModel ddpm) {
        MeanStd floor = ev.slicedWasserstein(data::sample);
        ReferenceScore reference = ReferenceScore.of(data, synthetic, seed);
        double aucReference = ev.scoreAuc(reference.score());
        double[] msDdpm = new double[2];
        double[] msDerived = new double[2];
        int full = ddpm.schedule().steps();
        MeanStd swDdpm = ev.slicedWasserstein(timed((n, r) -> ddpm.sample(n, full, r), msDdpm));
        // The derived sampler DxMI starts from: the T steps spaced as its configuration spaces them.
        StepCoefficients derived = StepCoefficients.of(ddpm.schedule(), config.samplerSteps(), config.stepSpacing());
        MeanStd swDerived = ev.slicedWasserstein(timed((n, r) -> ddpm.sample(n, derived, r), msDerived));
        return new Baselines(floor, swDdpm, swDerived, aucReference, reference.name(), perThousand(msDdpm),
                perThousand(msDerived));
    }

    /**
     * Loads a matching pretrained DDPM when asked to and one exists (setting reused[0]), else
     * pretrains and saves one.
     */
    private DdpmModel pretrained(DataSource data, PretrainConfig pc, Path dir, ProgressListener phase,
            boolean[] reused) throws IOException {
        if (reusePretrained && Files.isRegularFile(dir.resolve(ModelDirectory.MANIFEST))) {
            ObjectNode m = (ObjectNode) ModelDirectory.json().readTree(dir.resolve(ModelDirectory.MANIFEST).toFile());
            boolean sameData = data.contentHash().equals(m.path("provenance").path("dataHash").asText());
            // Compared as records: as JSON trees a float setting read back (a double node) never equals the same
            // setting written (a float node).
            boolean sameConfig = pc.equals(ModelDirectory.json().treeToValue(m.path("pretrainConfig"),
                    PretrainConfig.class));
            if (sameData && sameConfig) {
                reused[0] = true;
                return ModelStore.loadDdpm(dir);
            }
        }
        return PretrainJob.builder().setData(data).setConfig(pc).optOutput(dir).optListener(phase).build().run();
    }

    /** Wraps a generator so that its wall time and rows add up in acc[0] (ms) and acc[1] (rows). */
    private static BiFunction<Integer, Rng, float[]> timed(BiFunction<Integer, Rng, float[]> g, double[] acc) {
        return (n, r) -> {
            long t = System.nanoTime();
            float[] out = g.apply(n, r);
            acc[0] += (System.nanoTime() - t) / 1e6;
            acc[1] += n;
            return out;
        };
    }

    private static double perThousand(double[] acc) {
        return acc[1] > 0 ? acc[0] * 1000 / acc[1] : Double.NaN;
    }

    private ProgressListener phase(String name) {
        return (p, d, total, metrics) -> listener.onProgress(name + " " + p, d, total, metrics);
    }

    private static ObjectNode runRecord(VectorTableReport.Run r) {
        ObjectNode rec = MetricsLog.record("vector-table");
        rec.setAll((ObjectNode) ModelDirectory.json().valueToTree(r));
        rec.put("sw_ratio", r.swRatio());
        rec.put("auc_gap", r.aucGap());
        rec.put("passes", r.passes());
        return rec;
    }

    private void write(VectorTableReport report, double wallSeconds) throws IOException {
        Files.writeString(output.resolve("table.md"), report.toMarkdown(), StandardCharsets.UTF_8);
        ObjectNode json = ModelDirectory.json().createObjectNode();
        ArrayNode rows = json.putArray("runs");
        report.runs().forEach(r -> rows.add(runRecord(r)));
        json.put("protocol", report.protocol());
        json.put("all_targets_met", report.allPass());
        json.set("config", ModelDirectory.json().valueToTree(config));
        json.put("pretrain_iterations", pretrainIterations);
        json.put("quick", quick);
        json.put("wall_seconds", wallSeconds);
        json.put("peak_rss_mib", ResourceUsage.peakResidentMiB());
        ModelDirectory.writeJson(output.resolve("table.json"), json);
    }

    /** Builder: {@code setOutput} is required. */
    public static final class Builder {
        private Path output;
        private List<String> sets = defaultSets();
        private int seeds = 1;
        private boolean quick;
        private DxmiConfig config = DxmiConfig.defaults();
        private Integer iterations;
        private Integer pretrainIterations;
        private boolean reusePretrained;
        private boolean resume;
        private int[] evaluation;
        private int jobs = 1;
        private ProgressListener listener = ProgressListener.NONE;

        public Builder setOutput(Path output) {
            this.output = output;
            return this;
        }

        /** The data sets to run, by name (built-in or synthetic); default all of them. */
        public Builder optSets(List<String> sets) {
            this.sets = List.copyOf(sets);
            return this;
        }

        /** Seeds 0 … n−1; default 1. */
        public Builder optSeeds(int seeds) {
            this.seeds = seeds;
            return this;
        }

        /** Shorter runs (5,000 pretraining and 1,500 DxMI iterations) and a lighter evaluation. */
        public Builder optQuick(boolean quick) {
            this.quick = quick;
            return this;
        }

        /** DxMI's settings (its iterations unless overridden); default {@link DxmiConfig#defaults()}. */
        public Builder optConfig(DxmiConfig config) {
            this.config = config;
            return this;
        }

        /** DxMI iterations, overriding the configuration's and --quick's. */
        public Builder optIterations(Integer iterations) {
            this.iterations = iterations;
            return this;
        }

        /** Pretraining iterations, overriding the default and --quick's. */
        public Builder optPretrainIterations(Integer pretrainIterations) {
            this.pretrainIterations = pretrainIterations;
            return this;
        }

        /** Load a pretrained DDPM already in the output directory when its data and settings match. */
        public Builder optReusePretrained(boolean reusePretrained) {
            this.reusePretrained = reusePretrained;
            return this;
        }

        /**
         * Continue an interrupted table: a (set, seed) that finished before in the output directory with the
         * same data and settings is read back instead of run again (implies {@link #optReusePretrained}).
         */
        public Builder optResume(boolean resume) {
            this.resume = resume;
            return this;
        }

        /** The SW's rows, samplings and directions (default: the full protocol, or --quick's). */
        public Builder optEvaluation(int samples, int repeats, int directions) {
            this.evaluation = new int[] {samples, repeats, directions};
            return this;
        }

        /** Runs at a time, each on its own thread (default 1). */
        public Builder optJobs(int jobs) {
            this.jobs = jobs;
            return this;
        }

        public Builder optListener(ProgressListener listener) {
            this.listener = listener;
            return this;
        }

        public VectorTableJob build() {
            if (output == null) {
                throw new IllegalStateException("VectorTableJob needs setOutput");
            }
            if (seeds < 1) {
                throw new IllegalArgumentException("seeds must be at least 1, got " + seeds);
            }
            if (jobs < 1) {
                throw new IllegalArgumentException("jobs must be at least 1, got " + jobs);
            }
            for (String s : sets) {
                if (!ToyDatasets.isBuiltIn(s) && !SyntheticSets.names().contains(s)) {
                    throw new IllegalArgumentException("unknown data set '" + s + "'; the table's sets: "
                            + String.join(", ", defaultSets()));
                }
            }
            return new VectorTableJob(this);
        }
    }
}
