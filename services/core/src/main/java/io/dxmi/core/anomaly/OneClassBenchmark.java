package io.dxmi.core.anomaly;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.dxmi.DxmiConfig;
import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.dxmi.DxmiTrainer;
import io.dxmi.core.dxmi.IterationStats;
import io.dxmi.core.dxmi.ModelStore;
import io.dxmi.core.dxmi.ShapeTransform;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.engine.ProgressListener;
import io.dxmi.core.job.PretrainJob;
import io.dxmi.core.metrics.RocAuc;
import io.dxmi.core.model.DataInfo;
import io.dxmi.core.model.ModelDirectory;
import io.dxmi.core.random.Rng;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one-class benchmark: for each normal class K, a DDPM is pretrained on class K's training
 * images and DxMI fine-tunes it with its energy (the detection configuration the caller passes);
 * the energy then scores the whole test set (class K normal, every other class anomalous) for
 * the image AUROC, and synthetic defects on class K's test images give the localisation's pixel
 * AUROC per defect kind ({@link DefectEvaluation}).
 *
 * <p>Resumable per class: {@code OUT/oneclass.json} is rewritten after each class with every
 * finished class; a rerun skips those, and a class interrupted mid-way continues from its saved
 * state (pretraining from {@code OUT/class-K/pretrained}, DxMI from the checkpoint that
 * {@code OUT/class-K} holds, a model directory that {@code dxmi energy} loads). A rerun with other
 * settings or data is refused rather than mixed into the same table.
 */
public final class OneClassBenchmark {

    /** The report file in the output directory. */
    public static final String REPORT = "oneclass.json";

    private final String dataName;
    private final List<String> classNames;
    private final LabelledImages train;
    private final LabelledImages test;
    private final int[] classes;
    private final Path output;
    private final PretrainConfig pretrainConfig;
    private final DxmiConfig config;
    private final int defectsPerKind;
    private final int checkpointEvery;
    private final ProgressListener listener;
    private final double densityShrinkage;
    private final List<ShapeTransform> densityViews;

    private OneClassBenchmark(Builder b) {
        this.dataName = b.dataName;
        this.classNames = b.classNames;
        this.train = b.train;
        this.test = b.test;
        this.classes = b.classes;
        this.output = b.output;
        this.pretrainConfig = b.pretrainConfig;
        this.config = b.config;
        this.defectsPerKind = b.defectsPerKind;
        this.checkpointEvery = b.checkpointEvery;
        this.listener = b.listener;
        this.densityShrinkage = b.densityShrinkage;
        this.densityViews = b.densityViews;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Trains and evaluates every class not yet finished; returns the report of all finished classes. */
    public OneClassReport run() throws IOException {
        DjlRuntime.configureFromEnvironment();
        Files.createDirectories(output);
        String settings = settingsHash();
        OneClassReport report = OneClassReport.read(output.resolve(REPORT)).orElse(null);
        if (report != null && !report.settingsHash().equals(settings)) {
            throw new IllegalArgumentException(output + " holds a one-class run with other settings or data ("
                    + report.data() + "); give another --out");
        }
        if (report == null) {
            report = OneClassReport.empty(dataName, settings, JSON.valueToTree(config), JSON.valueToTree(pretrainConfig));
        }
        for (int k : classes) {
            if (report.hasClass(k)) {
                continue;
            }
            long t0 = System.nanoTime();
            Path dir = output.resolve("class-" + k);
            NormalImages normal = new NormalImages(dataName + "/class-" + k, train.shape(), train.ofClass(k));
            if (normal.count() == 0) {
                throw new IllegalArgumentException(dataName + " has no training images of class " + k);
            }
            try (DxmiModel model = trainClass(k, normal, dir)) {
                if (densityShrinkage > 0) {
                    ModelStore.fitFeatureDensity(dir, model, normal.rows(), normal.name(), normal.contentHash(),
                            densityShrinkage, densityViews);
                }
                double trainSeconds = (System.nanoTime() - t0) / 1e9;
                report = report.with(evaluate(k, model, trainSeconds, normal.count()));
            }
            report.write(output.resolve(REPORT));
        }
        return report;
    }

    private DxmiModel trainClass(int k, NormalImages normal, Path dir) throws IOException {
        String phase = "class " + label(k);
        DxmiConfig cfg = config.toBuilder().optSeed(config.seed() + k).build();
        DxmiModel model;
        String parent;
        DxmiTrainer trainer;
        if (Files.isRegularFile(dir.resolve(ModelDirectory.MANIFEST))) {
            ModelStore.LoadedDxmi loaded = ModelStore.loadDxmi(dir);
            model = loaded.model();
            trainer = new DxmiTrainer(model, normal::sample);
            trainer.restoreState(loaded.state());
            parent = loaded.manifest().path("provenance").path("parentWeightsSha256").asText(null);
        } else {
            Path pre = dir.resolve("pretrained");
            try (DdpmModel ddpm = pretrain(normal, pre, phase)) {
                model = DxmiModel.fromPretrained(cfg, ddpm, new Rng(cfg.seed()));
            }
            parent = ModelDirectory.sha256(pre.resolve(ModelDirectory.WEIGHTS));
            trainer = new DxmiTrainer(model, normal::sample);
        }
        try {
            DataInfo info = DataInfo.of(normal);
            long total = cfg.iterations();
            while (trainer.iteration() < total) {
                IterationStats s = trainer.step();
                long it = trainer.iteration();
                if (it % checkpointEvery == 0 || it == total) {
                    ModelStore.saveDxmi(dir, trainer, info, parent);
                }
                Map<String, Double> m = new LinkedHashMap<>();
                m.put("energyLoss", s.energyLoss());
                m.put("valueLoss", s.valueLoss());
                listener.onProgress(phase + " dxmi", it, total, m);
            }
            if (total == 0) {
                ModelStore.saveDxmi(dir, trainer, info, parent);
            }
            return model;
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** A finished pretraining is loaded; an interrupted one continues; otherwise it starts. */
    private DdpmModel pretrain(NormalImages normal, Path dir, String phase) throws IOException {
        if (Files.isRegularFile(dir.resolve(ModelDirectory.MANIFEST))) {
            return ModelStore.loadDdpm(dir);
        }
        boolean resume = Files.isRegularFile(dir.resolve(ModelStore.PRETRAIN_STATE));
        ProgressListener named = (p, done, total, metrics) -> listener.onProgress(phase + " " + p, done, total, metrics);
        return PretrainJob.builder().setData(normal).setConfig(pretrainConfig).optOutput(dir).optResume(resume)
                .optCheckpointEvery(checkpointEvery).optListener(named).build().run();
    }

    private OneClassReport.ClassResult evaluate(int k, DxmiModel model, double trainSeconds, int trainCount) {
        if (test.countOf(k) == 0 || test.countOf(k) == test.count()) {
            throw new IllegalArgumentException("the test set needs images of class " + k + " and of other classes");
        }
        double auroc = aurocOf(model.energy(test.pixels()), k);
        Double headAuroc = model.featureDensityId() == null ? null
                : aurocOf(model.energy(test.pixels(), model.evaluationValues()), k);
        List<DefectEvaluation.KindResult> defects = defectsPerKind == 0 ? List.of()
                : DefectEvaluation.evaluate(model, test.ofClass(k), defectsPerKind, config.seed() + k, train.ofClass(k));
        return new OneClassReport.ClassResult(k, label(k), auroc, trainCount, test.countOf(k),
                test.count() - test.countOf(k), trainSeconds,
                OneClassReport.DefectResult.of(defects), MeanImageReference.auroc(train.ofClass(k), test, k),
                headAuroc);
    }

    /** AUROC of {@code scores} on the test set, class {@code k} normal. */
    private double aurocOf(float[] scores, int k) {
        int normalCount = test.countOf(k);
        float[] normal = new float[normalCount];
        float[] anomalous = new float[test.count() - normalCount];
        int n = 0;
        int a = 0;
        for (int i = 0; i < test.count(); i++) {
            if (test.labels()[i] == k) {
                normal[n++] = scores[i];
            } else {
                anomalous[a++] = scores[i];
            }
        }
        return RocAuc.auc(anomalous, normal);
    }

    private String label(int k) {
        return classNames != null && k < classNames.size() ? k + " (" + classNames.get(k) + ")" : Integer.toString(k);
    }

    /** Identifies the settings and data of a run: a rerun with other ones is refused. */
    private String settingsHash() throws IOException {
        MessageDigest d = sha256();
        d.update(JSON.writeValueAsBytes(config));
        d.update(JSON.writeValueAsBytes(pretrainConfig));
        d.update(Integer.toString(defectsPerKind).getBytes(StandardCharsets.UTF_8));
        if (densityShrinkage > 0) {
            // Only when on, so that runs from before the density resume as they were.
            d.update(("featureDensity=" + densityShrinkage).getBytes(StandardCharsets.UTF_8));
            if (!densityViews.isEmpty()) {
                d.update(("views=" + densityViews).getBytes(StandardCharsets.UTF_8));
            }
        }
        for (LabelledImages split : List.of(train, test)) {
            ByteBuffer b = ByteBuffer.allocate(split.pixels().length * 4 + split.labels().length * 4)
                    .order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(split.pixels());
            b.position(split.pixels().length * 4);
            b.asIntBuffer().put(split.labels());
            d.update(b.array());
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }

    private static final ObjectMapper JSON = ModelDirectory.json();

    /** Builder: {@code setTrain}, {@code setTest}, {@code setClasses}, {@code setOutput}, {@code setPretrainConfig} and {@code setConfig} are required. */
    public static final class Builder {
        private String dataName = "images";
        private List<String> classNames;
        private LabelledImages train;
        private LabelledImages test;
        private int[] classes;
        private Path output;
        private PretrainConfig pretrainConfig;
        private DxmiConfig config;
        private int defectsPerKind = 100;
        private int checkpointEvery = 250;
        private ProgressListener listener = ProgressListener.NONE;
        private double densityShrinkage;
        private List<ShapeTransform> densityViews = List.of();

        private Builder() {}

        public Builder setTrain(LabelledImages train) {
            this.train = train;
            return this;
        }

        public Builder setTest(LabelledImages test) {
            this.test = test;
            return this;
        }

        /** The normal classes to run, in order. */
        public Builder setClasses(int... classes) {
            this.classes = classes.clone();
            return this;
        }

        public Builder setOutput(Path output) {
            this.output = output;
            return this;
        }

        /** How each class's DDPM is pretrained. */
        public Builder setPretrainConfig(PretrainConfig c) {
            this.pretrainConfig = c;
            return this;
        }

        /** DxMI's settings (the detection configuration); class K trains with seed + K. */
        public Builder setConfig(DxmiConfig c) {
            this.config = c;
            return this;
        }

        /** The data set's name, for the report (default "images"). */
        public Builder optDataName(String name) {
            this.dataName = name;
            return this;
        }

        /** Class names by label, for the report. */
        public Builder optClassNames(List<String> names) {
            this.classNames = List.copyOf(names);
            return this;
        }

        /** Synthetic defects per kind for the localisation AUROC (default 100; 0 = none). */
        public Builder optDefectsPerKind(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("defects per kind must be >= 0, got " + n);
            }
            this.defectsPerKind = n;
            return this;
        }

        /** Iterations between saved states of pretraining and DxMI (default 250). */
        public Builder optCheckpointEvery(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("the checkpoint interval must be >= 1, got " + n);
            }
            this.checkpointEvery = n;
            return this;
        }

        /**
         * Fit a feature density ({@code FeatureDensity}) with this shrinkage on each class's training images
         * after DxMI, and score with it (default 0: off, the energy's own head scores).
         */
        public Builder optFeatureDensity(double shrinkage) {
            if (!(shrinkage >= 0 && Double.isFinite(shrinkage))) {
                throw new IllegalArgumentException("the feature density's shrinkage must be >= 0, got " + shrinkage);
            }
            this.densityShrinkage = shrinkage;
            return this;
        }

        /**
         * The layouts the feature density reads besides each image ({@code FeatureDensity#views()}; default none);
         * only with {@link #optFeatureDensity}.
         */
        public Builder optDensityViews(List<ShapeTransform> views) {
            if (views.stream().distinct().count() != views.size()) {
                throw new IllegalArgumentException("the feature density's views must be distinct, got " + views);
            }
            this.densityViews = List.copyOf(views);
            return this;
        }

        public Builder optListener(ProgressListener l) {
            this.listener = l;
            return this;
        }

        public OneClassBenchmark build() {
            if (train == null || test == null || classes == null || output == null || pretrainConfig == null
                    || config == null) {
                throw new IllegalStateException("OneClassBenchmark needs setTrain, setTest, setClasses, setOutput, "
                        + "setPretrainConfig and setConfig");
            }
            if (!train.shape().equals(test.shape())) {
                throw new IllegalArgumentException("train images are " + train.shape() + ", test images "
                        + test.shape());
            }
            if (classes.length == 0) {
                throw new IllegalArgumentException("give at least one class");
            }
            ShapeTransform.requireFit(densityViews, train.shape().height(), train.shape().width());
            return new OneClassBenchmark(this);
        }
    }
}
