package io.dxmi.core.classifier;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.data.image.ImageDataset;
import io.dxmi.core.data.image.UserCache;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.engine.ProgressListener;
import io.dxmi.core.model.ModelDirectory;
import io.dxmi.core.model.TensorArchive;
import io.dxmi.core.random.Rng;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains, stores and finds the feature classifier of an image data set.
 *
 * <p>A classifier learns every class of the data set at its image size (a class filter does
 * not change it, so FDs of filtered runs use the same features). It is stored as a model
 * directory of kind {@value #KIND} ({@code model.json} with the configuration, the data's name
 * and hash, the test accuracy and training time; {@code weights.dxt} with its SHA-256) and cached
 * under {@code UserCache.root()/classifiers/NAME-SHAPE-KEY}, KEY from the data's hash and the
 * configuration, so it is trained once per data set and reused.
 */
public final class FeatureClassifiers {

    public static final String KIND = "feature-classifier";

    private FeatureClassifiers() {
    }

    /** {@link #obtain(ImageDataset, Path, ClassifierConfig, NDManager, ProgressListener)} with the data's default settings. */
    public static TrainedClassifier obtain(ImageDataset data, Path override, NDManager manager,
            ProgressListener progress) {
        return obtain(data, override, defaultConfig(data), manager, progress);
    }

    /** {@link ClassifierConfig#forTrainingImages} for every class of {@code data}. */
    public static ClassifierConfig defaultConfig(ImageDataset data) {
        return ClassifierConfig.forTrainingImages(data.allClasses().train().size());
    }

    /**
     * The classifier of {@code data}: loaded from {@code override} when given (it must have learned
     * this data), else from the cache, else trained now and cached.
     */
    public static TrainedClassifier obtain(ImageDataset data, Path override, ClassifierConfig config,
            NDManager manager, ProgressListener progress) {
        ImageDataset all = data.allClasses();
        if (override != null) {
            TrainedClassifier c = load(override, manager);
            if (!c.dataHash().equals(all.contentHash())) {
                String shown = c.dataName();
                c.close();
                throw new IllegalArgumentException("classifier " + override + " learned other data (" + shown
                        + ", hash " + abbreviate(c.dataHash()) + ") than " + all.name() + " at " + all.shape()
                        + " (hash " + abbreviate(all.contentHash()) + ")");
            }
            return c;
        }
        Path dir = cacheDir(all, config);
        if (Files.isRegularFile(dir.resolve(ModelDirectory.MANIFEST))) {
            try {
                return load(dir, manager);
            } catch (IllegalArgumentException e) {
                // a damaged cache entry is replaced below
            }
        }
        TrainedClassifier trained = train(all, config, manager, progress, dir);
        try {
            return save(trained, dir);
        } catch (RuntimeException e) {
            trained.close();
            throw e;
        }
    }

    /** Where {@link #obtain} caches the classifier of {@code data} with {@code config}. */
    public static Path cacheDir(ImageDataset data, ClassifierConfig config) {
        ImageDataset all = data.allClasses();
        String key = ModelDirectory.sha256(all.contentHash() + "|" + config).substring(0, 16);
        String name = all.baseName().replaceAll("[^A-Za-z0-9._-]", "_");
        return UserCache.root().resolve("classifiers").resolve(name + "-" + all.shape() + "-" + key);
    }

    /** Trains on every class of {@code data}'s train split and measures accuracy on its test split. */
    public static TrainedClassifier train(ImageDataset data, ClassifierConfig config, NDManager manager,
            ProgressListener progress, Path directory) {
        ImageDataset all = data.allClasses();
        if (!all.isLabelled() || all.classNames().size() < 2) {
            throw new IllegalArgumentException("a feature classifier needs labelled images of at least 2 classes; "
                    + all.name() + " has " + (all.isLabelled() ? "one class" : "no labels"));
        }
        if (all.test().size() == 0) {
            throw new IllegalArgumentException(all.name() + " has no test images to measure the classifier on");
        }
        long start = System.nanoTime();
        FeatureClassifier model = new FeatureClassifier(all.shape(), all.classNames().size(), config, manager,
                new Rng(config.seed()));
        try {
            ClassifierTrainer.train(model, all.train(), progress);
            double accuracy = model.accuracy(all.test().pixels(), all.test().labels());
            double seconds = (System.nanoTime() - start) / 1e9;
            return new TrainedClassifier(model, all.name(), all.contentHash(), accuracy, "", seconds, threads(),
                    directory);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Writes a classifier as a model directory (atomically: into a temporary sibling, then moved);
     * returns it with its weights' SHA-256 filled in.
     */
    public static TrainedClassifier save(TrainedClassifier c, Path dir) {
        FeatureClassifier m = c.model();
        ObjectNode manifest = ModelDirectory.newManifest(KIND);
        manifest.put("shape", m.shape().toString());
        ArrayNode classes = manifest.putArray("classes");
        for (int i = 0; i < m.classes(); i++) {
            classes.add(i);
        }
        ClassifierConfig cfg = m.config();
        ObjectNode conf = manifest.putObject("config");
        conf.put("kernel", cfg.kernel());
        conf.put("conv1", cfg.conv1());
        conf.put("conv2", cfg.conv2());
        conf.put("convs_per_stage", cfg.convsPerStage());
        conf.put("features", cfg.features());
        conf.put("epochs", cfg.epochs());
        conf.put("batch", cfg.batch());
        conf.put("learning_rate", cfg.learningRate());
        conf.put("max_shift", cfg.maxShift());
        conf.put("max_rotation", cfg.maxRotation());
        conf.put("max_scale", cfg.maxScale());
        conf.put("dropout", cfg.dropout());
        conf.put("seed", cfg.seed());
        ObjectNode data = manifest.putObject("data");
        data.put("name", c.dataName());
        data.put("hash", c.dataHash());
        manifest.put("test_accuracy", c.testAccuracy());
        manifest.put("train_seconds", c.trainSeconds());
        manifest.put("threads", c.threads());
        manifest.put("engine", DjlRuntime.engineVersion());
        TensorArchive weights = new TensorArchive();
        m.parameters().toFloatArrays().forEach((name, values) -> weights.put(name,
                m.parameters().shapes().get(name).getShape(), values));
        try {
            Path parent = dir.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempDirectory(parent, dir.getFileName() + ".tmp");
            ModelDirectory.write(tmp, manifest, weights);
            String sha = ModelDirectory.sha256(tmp.resolve(ModelDirectory.WEIGHTS));
            if (Files.exists(dir)) {
                deleteTree(dir);
            }
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            return new TrainedClassifier(m, c.dataName(), c.dataHash(), c.testAccuracy(), sha, c.trainSeconds(),
                    c.threads(), dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the classifier to " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Loads a classifier directory (its weights are checked against the manifest's SHA-256).
     *
     * @throws IllegalArgumentException one line naming the directory and the problem
     */
    public static TrainedClassifier load(Path dir, NDManager manager) {
        ModelDirectory.Loaded loaded;
        try {
            loaded = ModelDirectory.read(dir);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (!KIND.equals(loaded.kind())) {
            throw new IllegalArgumentException(dir + " is a " + loaded.kind() + " model, not a " + KIND);
        }
        JsonNode m = loaded.manifest();
        JsonNode conf = m.path("config");
        ClassifierConfig cfg = new ClassifierConfig(conf.path("kernel").asInt(), conf.path("conv1").asInt(), conf.path("conv2").asInt(),
                conf.path("convs_per_stage").asInt(1),
                conf.path("features").asInt(), conf.path("epochs").asInt(), conf.path("batch").asInt(),
                (float) conf.path("learning_rate").asDouble(), (float) conf.path("max_shift").asDouble(),
                (float) conf.path("max_rotation").asDouble(), (float) conf.path("max_scale").asDouble(),
                (float) conf.path("dropout").asDouble(), conf.path("seed").asLong());
        SampleShape shape = SampleShape.parse(m.path("shape").asText());
        FeatureClassifier model = new FeatureClassifier(shape, m.path("classes").size(), cfg, manager, new Rng(0));
        try {
            Map<String, float[]> values = new LinkedHashMap<>(loaded.weights().tensors());
            model.parameters().load(values);
        } catch (RuntimeException e) {
            model.close();
            throw new IllegalArgumentException(dir + ": weights do not fit the classifier: " + e.getMessage(), e);
        }
        return new TrainedClassifier(model, m.path("data").path("name").asText(),
                m.path("data").path("hash").asText(), m.path("test_accuracy").asDouble(),
                m.path("provenance").path("weightsSha256").asText(), m.path("train_seconds").asDouble(),
                m.path("threads").asInt(), dir);
    }

    private static int threads() {
        String t = System.getProperty("ai.djl.pytorch.num_threads");
        try {
            return t == null ? 1 : Integer.parseInt(t);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String abbreviate(String hash) {
        return hash.length() > 12 ? hash.substring(0, 12) : hash;
    }

    private static void deleteTree(Path dir) throws IOException {
        List<Path> paths = new ArrayList<>();
        try (var s = Files.walk(dir)) {
            s.forEach(paths::add);
        }
        paths.sort((a, b) -> b.getNameCount() - a.getNameCount());
        for (Path p : paths) {
            Files.deleteIfExists(p);
        }
    }

}
