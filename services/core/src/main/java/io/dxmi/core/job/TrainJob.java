package io.dxmi.core.job;

// Over 400 lines: the job's builder (every documented option with its default) is a third of it, and a new run, a
// resumed one and a checkpoint of the same job continued share the training loop; the evaluation already lives in
// RunEvaluation and the result in RunResult.

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.dxmi.DxmiConfig;
import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.dxmi.DxmiTrainer;
import io.dxmi.core.dxmi.IterationStats;
import io.dxmi.core.dxmi.ModelStore;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.engine.ProgressListener;
import io.dxmi.core.eval.MetricHistory;
import io.dxmi.core.metrics.SlicedWasserstein;
import io.dxmi.core.model.DataInfo;
import io.dxmi.core.model.ModelDirectory;
import io.dxmi.core.random.Rng;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DxMI training from the command line's point of view: obtain a starting sampler (load a
 * pretrained DDPM, pretrain one, or start untrained), run Algorithm 1 with periodic evaluation
 * and checkpoints, evaluate with the full protocol, and write the run directory:
 * {@code result.json}, {@code samples.csv}, {@code metrics.jsonl} and the model
 * ({@code model.json}, {@code weights.dxt}), which is also the checkpoint that
 * {@link #resume} continues from. The {@link EvaluationListener} (the command line's figures)
 * is called at every periodic evaluation.
 */
public final class TrainJob {

    private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);

    public static final String RESULT = "result.json";
    public static final String SAMPLES = "samples.csv";

    /** The samples file of a run on data of {@code shape}: {@value #SAMPLES} for vectors, samples.idx.gz for images. */
    public static String samplesFile(SampleShape shape) {
        return shape.isImage() ? ImageRunEvaluation.SAMPLES : SAMPLES;
    }
    public static final String METRICS = "metrics.jsonl";
    public static final String PRETRAINED = "pretrained";

    /** The paper's Table 1 figures for DxMI T=5 τ=0.1 on 8 Gaussians. */
    public static final double TARGET_SW = 0.068;
    public static final double TARGET_AUC = 0.898;

    private static final ObjectMapper JSON = ModelDirectory.json();

    private final DataSource data;
    private final DxmiConfig config;
    private final PretrainConfig pretrainConfig;
    private final Path pretrained;
    private final boolean pretrain;
    private final Path output;
    private final int evalEvery;
    private final int checkpointEvery;
    private final int sampleCount;
    private final RunEvaluation.Settings evaluationSettings;
    private final ProgressListener listener;
    private final EvaluationListener evaluationListener;

    private TrainJob(Builder b) {
        this.data = b.data;
        this.config = b.config;
        this.pretrainConfig = b.pretrainConfig;
        this.pretrained = b.pretrained;
        this.pretrain = b.pretrain;
        this.output = b.output;
        this.evalEvery = b.evalEvery;
        this.checkpointEvery = b.checkpointEvery;
        this.sampleCount = b.sampleCount;
        this.listener = b.listener;
        this.evaluationListener = b.evaluationListener;
        this.evaluationSettings = new RunEvaluation.Settings(b.evalSamples, b.evalRepeats, b.evalDirections,
                b.sampleCount, b.periodicSamples, b.classifier, config.seed());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Runs a new job from the start. */
    public RunResult run() throws IOException {
        DjlRuntime.configureFromEnvironment();
        long t0 = System.nanoTime();
        Files.createDirectories(output);
        Map<String, Object> notes = new LinkedHashMap<>();
        DxmiModel model;
        String parentHash = null;
        double pretrainSeconds = 0;
        if (pretrained != null) {
            try (DdpmModel ddpm = ModelStore.loadDdpm(pretrained)) {
                if (ddpm.dimension() != data.dimension()) {
                    throw new IllegalArgumentException("the pretrained model " + pretrained + " has dimension "
                            + ddpm.dimension() + " but the data has " + data.dimension());
                }
                model = DxmiModel.fromPretrained(config, ddpm, new Rng(config.seed()), data::sample);
            }
            parentHash = ModelDirectory.sha256(pretrained.resolve(ModelDirectory.WEIGHTS));
            notes.put("pretrained", pretrained.toAbsolutePath().toString());
        } else if (pretrain) {
            long p0 = System.nanoTime();
            Path dir = output.resolve(PRETRAINED);
            try (DdpmModel ddpm = PretrainJob.builder().setData(data).setConfig(pretrainConfig).optOutput(dir)
                    .optListener(listener).build().run()) {
                model = DxmiModel.fromPretrained(config, ddpm, new Rng(config.seed()), data::sample);
            }
            pretrainSeconds = (System.nanoTime() - p0) / 1e9;
            parentHash = ModelDirectory.sha256(dir.resolve(ModelDirectory.WEIGHTS));
            notes.put("pretrained", dir.toAbsolutePath().toString());
        } else {
            model = DxmiModel.untrained(config, pretrainConfig, data.dimension(),
                    DataPreparation.normalizationFor(data), new Rng(config.seed()));
            notes.put("pretrained", "none: the sampler starts from random weights");
        }
        try {
            DxmiTrainer trainer = new DxmiTrainer(model, data::sample);
            return train(trainer, parentHash, t0, pretrainSeconds, 0, notes);
        } finally {
            model.close();
        }
    }

    /**
     * Continues the checkpoint in the output directory when it is this very job's (the same configuration, data and
     * pretrained weights), so that a long image run stopped part-way is not trained again from the start; otherwise
     * (no checkpoint, another job's, or one that does not load) {@link #run}.
     */
    public RunResult runOrContinue() throws IOException {
        DjlRuntime.configureFromEnvironment();
        long t0 = System.nanoTime();
        ModelStore.LoadedDxmi loaded = sameJobCheckpoint();
        if (loaded == null) {
            return run();
        }
        LOG.info("continuing {} from its checkpoint at iteration {}", output, loaded.state().iteration());
        Map<String, Object> notes = new LinkedHashMap<>();
        notes.put("pretrained", pretrained.toAbsolutePath().toString());
        return continueFrom(loaded, t0, notes);
    }

    /** The checkpoint in the output directory when it is this very job's (loaded), else null. */
    private ModelStore.LoadedDxmi sameJobCheckpoint() throws IOException {
        if (pretrained == null || !Files.isRegularFile(output.resolve(ModelDirectory.MANIFEST))) {
            return null;
        }
        ModelStore.LoadedDxmi loaded;
        try {
            loaded = ModelStore.loadDxmi(output);
        } catch (IOException | RuntimeException e) {
            LOG.warn("the checkpoint in {} does not load ({}); training from the start", output, e.toString());
            return null;
        }
        boolean same = false;
        try {
            same = loaded.state() != null && loaded.data().contentHash().equals(data.contentHash())
                    && JSON.valueToTree(loaded.model().config()).equals(JSON.valueToTree(config))
                    && ModelDirectory.sha256(pretrained.resolve(ModelDirectory.WEIGHTS)).equals(parentOf(loaded));
        } finally {
            if (!same) {
                loaded.model().close();
            }
        }
        return same ? loaded : null;
    }

    /**
     * Continues the job saved in {@code dir} (its model and training state) up to
     * {@code iterations} in total (or the saved configuration's count when ≤ 0), evaluating every
     * {@code evalEvery} and checkpointing every {@code checkpointEvery} iterations (0 = never) as the
     * first run would have.
     */
    public static RunResult resume(Path dir, DataSource data, int iterations, int evalEvery, int checkpointEvery,
            ProgressListener listener, EvaluationListener evaluationListener) throws IOException {
        DjlRuntime.configureFromEnvironment();
        long t0 = System.nanoTime();
        ModelStore.LoadedDxmi loaded = ModelStore.loadDxmi(dir,
                saved -> ResumeTotal.continuedTo(saved, iterations, dir));
        TrainJob job;
        try {
            if (loaded.state() == null) {
                throw new ResumeTotal.NotResumable(dir + " holds a model without training state (assembled from a"
                        + " distributed run's snapshots): it cannot be resumed");
            }
            if (!loaded.data().contentHash().equals(data.contentHash())) {
                throw new ResumeTotal.NotResumable("the run in " + dir + " was trained on '" + loaded.data().name()
                        + "' (hash " + loaded.data().contentHash().substring(0, 12) + "…), not on '" + data.name()
                        + "'");
            }
            DxmiConfig cfg = loaded.model().config();
            job = builder().setData(data).setConfig(cfg).setOutput(dir).optListener(listener)
                    .optEvalEvery(evalEvery).optCheckpointEvery(checkpointEvery)
                    .optEvaluationListener(evaluationListener).optPretrainConfig(loaded.model().samplerConfig()).build();
        } catch (RuntimeException e) {
            loaded.model().close();
            throw e;
        }
        return job.continueFrom(loaded, t0, new LinkedHashMap<>());
    }

    /** Trains on from a loaded checkpoint, whose model it closes; the notes say where it resumed. */
    private RunResult continueFrom(ModelStore.LoadedDxmi loaded, long t0, Map<String, Object> notes)
            throws IOException {
        try (DxmiModel model = loaded.model()) {
            DxmiTrainer trainer = new DxmiTrainer(model, data::sample);
            trainer.restoreState(loaded.state());
            notes.put("resumedFromIteration", loaded.state().iteration());
            double before = loaded.trainSeconds();
            if (Double.isNaN(before)) {
                // An older checkpoint did not record it: the time reported is this continuation's alone.
                notes.put("trainSecondsBeforeResume", "unknown (the checkpoint does not record it)");
                before = 0;
            } else {
                notes.put("trainSecondsBeforeResume", before);
            }
            return train(trainer, parentOf(loaded), t0, 0, before, notes);
        }
    }

    private static String parentOf(ModelStore.LoadedDxmi loaded) {
        return loaded.manifest().path("provenance").path("parentWeightsSha256").asText(null);
    }

    /**
     * @param trainSecondsBefore the training time of the iterations before this one's first (a resumed job's), counted
     *     in the reported and saved training time; the rates are this call's own
     */
    private RunResult train(DxmiTrainer trainer, String parentHash, long t0, double pretrainSeconds,
            double trainSecondsBefore, Map<String, Object> notes) throws IOException {
        DxmiModel model = trainer.model();
        DataInfo dataInfo = DataInfo.of(data);
        double trainSeconds = 0; // this call's
        double evalSeconds = 0;
        Double timeToTarget = null;
        Map<String, Double> lastEval = Map.of();
        boolean checkTarget = "8gaussians".equals(data.name()) && config.samplerSteps() == 5;
        long total = config.iterations();
        long startIteration = trainer.iteration();
        MetricHistory history = previousEvaluations(output.resolve(METRICS), startIteration);
        double figureSeconds = 0;
        boolean figuresCurrent = false;
        try (MetricsLog log = new MetricsLog(output.resolve(METRICS));
                RunEvaluation evaluation = RunEvaluation.forData(data, evaluationSettings, listener)) {
            ObjectNode start = MetricsLog.record("start");
            start.set("config", JSON.valueToTree(config));
            start.put("from_iteration", startIteration);
            log.append(start);
            int reportEvery = (int) Math.max(1, Math.min(50, total / 100));
            while (trainer.iteration() < total) {
                long s0 = System.nanoTime();
                IterationStats stats = trainer.step();
                trainSeconds += (System.nanoTime() - s0) / 1e9;
                long it = trainer.iteration();
                boolean evalNow = evalEvery > 0 && (it % evalEvery == 0 || it == total);
                if (evalNow) {
                    long e0 = System.nanoTime();
                    lastEval = evaluation.periodic(model);
                    evalSeconds += (System.nanoTime() - e0) / 1e9;
                    if (checkTarget && timeToTarget == null && lastEval.get(MetricHistory.SW) <= TARGET_SW
                            && lastEval.get(MetricHistory.AUC) >= TARGET_AUC) {
                        timeToTarget = pretrainSeconds + trainSecondsBefore + trainSeconds;
                    }
                    ObjectNode ev = MetricsLog.evalRecord(it, lastEval);
                    ev.put("train_seconds", trainSecondsBefore + trainSeconds);
                    Map<String, Double> point = new LinkedHashMap<>(lastEval);
                    point.put(MetricHistory.ENERGY_LOSS, stats.energyLoss());
                    point.put(MetricHistory.VALUE_LOSS, stats.valueLoss());
                    point.put(MetricHistory.POLICY_LOSS, stats.policyLoss());
                    history.add(it, point);
                    long millis = writeFigures(model, history);
                    figureSeconds += millis / 1e3;
                    figuresCurrent = it == total;
                    ev.put("figure_millis", millis);
                    log.append(ev);
                }
                if (it % reportEvery == 0 || evalNow || it == total) {
                    ObjectNode rec = MetricsLog.trainRecord(it,
                            (it - startIteration) / Math.max(trainSeconds, 1e-9), stats, stats);
                    rec.put("skipped_updates", trainer.skippedUpdates());
                    rec.put("recoveries", trainer.recoveries());
                    log.append(rec);
                    Map<String, Double> m = new LinkedHashMap<>();
                    m.put("E", stats.energyLoss());
                    m.put("V", stats.valueLoss());
                    m.put("pi", stats.policyLoss());
                    m.put("sigma_T", stats.lastDrawnSigma());
                    m.putAll(lastEval);
                    listener.onProgress("train", it, total, m);
                }
                if (checkpointEvery > 0 && it % checkpointEvery == 0 && it < total) {
                    ModelStore.saveDxmi(output, trainer, dataInfo, parentHash, trainSecondsBefore + trainSeconds);
                }
            }
            ModelStore.saveDxmi(output, trainer, dataInfo, parentHash, trainSecondsBefore + trainSeconds);
            if (!figuresCurrent) {
                figureSeconds += writeFigures(model, history) / 1e3;
            }

            long e0 = System.nanoTime();
            RunResult result = RunResult.of(evaluation.complete(model, output), model, data);
            evalSeconds += (System.nanoTime() - e0) / 1e9;
            double wall = (System.nanoTime() - t0) / 1e9;
            long done = trainer.iteration() - startIteration;
            result = result.withTiming(new RunResult.Timing(trainer.iteration(), done, wall, pretrainSeconds,
                    trainSecondsBefore + trainSeconds, evalSeconds, figureSeconds, done / Math.max(trainSeconds, 1e-9),
                    trainer.skippedUpdates(), trainer.recoveries())).withNotes(notes);
            if (checkTarget) {
                result = result.withTarget(new RunResult.Target(timeToTarget, "SW <= " + TARGET_SW + " and AUC >= "
                        + TARGET_AUC + " at a periodic evaluation (5,000 samples, 500 directions, 1 sampling)"));
            }
            result = result.write(output);
            log.append(MetricsLog.finalRecord(result));
            return result;
        }
    }

    /** The periodic evaluations up to {@code upTo} already in the metrics log (a resumed run's curves start there). */
    private static MetricHistory previousEvaluations(Path metrics, long upTo) throws IOException {
        MetricHistory history = new MetricHistory();
        if (upTo <= 0 || !Files.isRegularFile(metrics)) {
            return history;
        }
        for (String line : Files.readAllLines(metrics)) {
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                continue; // a line cut short by a crash
            }
            long it = n.path("iteration").asLong(-1);
            if ("eval".equals(n.path("kind").asText()) && it >= 0 && it <= upTo) {
                Map<String, Double> values = new LinkedHashMap<>(); // vectors: sw and auc; images: fd and more
                for (String key : new String[] {MetricHistory.SW, MetricHistory.AUC, MetricHistory.FD, "precision",
                    "recall", "class_gap"}) {
                    if (n.path(key).isNumber()) {
                        values.put(key, n.get(key).asDouble());
                    }
                }
                history.add(it, values);
            }
        }
        return history;
    }

    /**
     * Calls the evaluation listener (the figures); returns the milliseconds taken. A figure that
     * cannot be written is logged, not fatal: the training run matters more than its pictures.
     */
    private long writeFigures(DxmiModel model, MetricHistory history) {
        long t0 = System.nanoTime();
        try {
            evaluationListener.evaluated(output, model, history);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not write the figures of {}: {}", output, e.toString());
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** Builder: {@code setData}, {@code setConfig} and {@code setOutput} are required. */
    public static final class Builder {
        private DataSource data;
        private DxmiConfig config;
        private PretrainConfig pretrainConfig = PretrainConfig.defaults();
        private Path pretrained;
        private boolean pretrain = true;
        private Path output;
        private int evalEvery = 500;
        private int checkpointEvery = 1000;
        private int sampleCount = 10_000;
        private int evalSamples = SlicedWasserstein.DEFAULT_SAMPLES;
        private int evalRepeats = SlicedWasserstein.DEFAULT_REPEATS;
        private int evalDirections = SlicedWasserstein.DEFAULT_DIRECTIONS;
        private int periodicSamples = 1000;
        private Path classifier;
        private ProgressListener listener = ProgressListener.NONE;
        private EvaluationListener evaluationListener = EvaluationListener.NONE;

        public Builder setData(DataSource data) {
            this.data = data;
            return this;
        }

        public Builder setConfig(DxmiConfig config) {
            this.config = config;
            return this;
        }

        public Builder setOutput(Path output) {
            this.output = output;
            return this;
        }

        /** Pretraining settings when no pretrained model is given (also the untrained sampler's shape). */
        public Builder optPretrainConfig(PretrainConfig pretrainConfig) {
            this.pretrainConfig = pretrainConfig;
            return this;
        }

        /** Start from this pretrained DDPM directory instead of pretraining. */
        public Builder optPretrained(Path pretrained) {
            this.pretrained = pretrained;
            return this;
        }

        /** false: start from an untrained sampler (Table 1's "no pretraining" row). Default true. */
        public Builder optPretrain(boolean pretrain) {
            this.pretrain = pretrain;
            return this;
        }

        /** Iterations between quick evaluations (0 = none); default 500. */
        public Builder optEvalEvery(int evalEvery) {
            this.evalEvery = evalEvery;
            return this;
        }

        /** Iterations between checkpoints (0 = only at the end); default 1000. */
        public Builder optCheckpointEvery(int checkpointEvery) {
            this.checkpointEvery = checkpointEvery;
            return this;
        }

        /** Samples written to the samples file (samples.csv, samples.idx.gz); default 10,000. */
        public Builder optSampleCount(int sampleCount) {
            this.sampleCount = sampleCount;
            return this;
        }

        /** Final evaluation protocol; defaults are the paper's (10,000, 5, 1,000). */
        public Builder optEvaluation(int samples, int repeats, int directions) {
            this.evalSamples = samples;
            this.evalRepeats = repeats;
            this.evalDirections = directions;
            return this;
        }

        /** Images: samples of the periodic FD evaluations (default 1,000; the final one uses the protocol's count). */
        public Builder optPeriodicSamples(int samples) {
            this.periodicSamples = samples;
            return this;
        }

        /** Images: the classifier whose features the FD uses (default: the cached one, trained on first use). */
        public Builder optClassifier(Path classifierDir) {
            this.classifier = classifierDir;
            return this;
        }

        public Builder optListener(ProgressListener listener) {
            this.listener = listener;
            return this;
        }

        /** Called at every periodic evaluation and at the end (the command line draws the figures there). */
        public Builder optEvaluationListener(EvaluationListener evaluationListener) {
            this.evaluationListener = evaluationListener;
            return this;
        }

        public TrainJob build() {
            if (data == null || config == null || output == null) {
                throw new IllegalStateException("TrainJob needs setData, setConfig and setOutput");
            }
            if (pretrained != null && !pretrain) {
                throw new IllegalArgumentException("a pretrained model and 'no pretraining' exclude each other");
            }
            return new TrainJob(this);
        }
    }
}
