package io.dxmi.core.dxmi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.diffusion.PretrainState;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.model.DataInfo;
import io.dxmi.core.model.ModelDirectory;
import io.dxmi.core.model.Normalization;
import io.dxmi.core.model.TensorArchive;
import io.dxmi.core.random.Rng;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Saves and loads the project's two model kinds in a {@link ModelDirectory}: a pretrained
 * DDPM ({@code kind = "ddpm"}) and a DxMI model ({@code kind = "dxmi"}), the latter with the
 * whole training state so that {@code dxmi train --resume} continues exactly.
 */
public final class ModelStore {

    public static final String KIND_DDPM = "ddpm";
    public static final String KIND_DXMI = "dxmi";

    private static final ObjectMapper JSON = ModelDirectory.json();

    private ModelStore() {}

    /** Saves a pretrained DDPM. */
    public static void saveDdpm(Path dir, DdpmModel model, DataInfo data, Map<String, Object> extra)
            throws IOException {
        ObjectNode m = ModelDirectory.newManifest(KIND_DDPM);
        common(m, data, model.normalization(), model.config());
        if (extra != null) {
            m.set("training", JSON.valueToTree(extra));
        }
        ObjectNode prov = m.putObject("provenance");
        prov.put("configHash", ModelDirectory.sha256(JSON.writeValueAsString(model.config())));
        prov.put("dataHash", data.contentHash());
        TensorArchive weights = new TensorArchive();
        model.epsNet().parameters().toFloatArrays().forEach(weights::put);
        ModelDirectory.write(dir, m, weights);
    }

    /** Loads a pretrained DDPM; the caller closes it. */
    public static DdpmModel loadDdpm(Path dir) throws IOException {
        ModelDirectory.Loaded l = ModelDirectory.read(dir);
        requireKind(l, KIND_DDPM);
        PretrainConfig cfg = JSON.treeToValue(l.manifest().get("pretrainConfig"), PretrainConfig.class);
        DataInfo data = JSON.treeToValue(l.manifest().get("data"), DataInfo.class);
        DjlRuntime.configureFromEnvironment();
        DdpmModel model = new DdpmModel(cfg, data.sampleShape(), normalization(l.manifest()), new Rng(0));
        try {
            model.epsNet().parameters().load(l.weights().withPrefix(""));
        } catch (IllegalArgumentException e) {
            model.close();
            throw new IOException(dir + ": weights do not fit the manifest's network: " + e.getMessage());
        }
        return model;
    }

    /** File of a pretraining's resumable state, beside the model it becomes. */
    public static final String PRETRAIN_STATE = "pretrain-state.dxt";
    private static final String PRETRAIN_STATE_JSON = "pretrain-state.json";

    /**
     * Saves a pretraining's resumable state into {@code dir} (atomically: a crash during the
     * write leaves the previous state), with the configuration and data it belongs to.
     */
    public static void savePretrainState(Path dir, PretrainState state, PretrainConfig config, DataInfo data)
            throws IOException {
        Files.createDirectories(dir);
        TensorArchive archive = new TensorArchive();
        state.tensors().forEach(archive::put);
        Path tmp = dir.resolve(PRETRAIN_STATE + ".tmp");
        Path tmpJson = dir.resolve(PRETRAIN_STATE_JSON + ".tmp");
        try {
            writePretrainState(dir, archive.write(tmp), tmp, tmpJson, state, config, data);
        } catch (IOException | RuntimeException e) {
            // A full disk: the previous state stays whole, and the half-written copies give their space back.
            ModelDirectory.deleteQuietly(tmp);
            ModelDirectory.deleteQuietly(tmpJson);
            throw new IOException("cannot save the pretraining state of step " + state.iteration() + " in " + dir
                    + ": " + ModelDirectory.rootMessage(e) + " (the state saved before it, if any, is kept: --resume continues"
                    + " from there)", e);
        }
    }

    private static void writePretrainState(Path dir, String sha, Path tmp, Path tmpJson, PretrainState state,
            PretrainConfig config, DataInfo data) throws IOException {
        ObjectNode m = JSON.createObjectNode();
        m.put("iteration", state.iteration());
        m.set("rngState", JSON.valueToTree(state.rngState()));
        m.put("adamSteps", state.adamSteps());
        m.put("skippedSteps", state.skippedSteps());
        m.put("stateSha256", sha);
        m.set("pretrainConfig", JSON.valueToTree(config));
        m.set("data", JSON.valueToTree(data));
        ModelDirectory.writeJson(tmpJson, m);
        Files.move(tmp, dir.resolve(PRETRAIN_STATE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmpJson, dir.resolve(PRETRAIN_STATE_JSON), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /** A saved pretraining state with the configuration and data it was made with. */
    public record SavedPretrainState(PretrainState state, PretrainConfig config, DataInfo data) {}

    /** Loads {@link #savePretrainState}'s files, or returns null when {@code dir} has none. */
    public static SavedPretrainState loadPretrainState(Path dir) throws IOException {
        Path json = dir.resolve(PRETRAIN_STATE_JSON);
        if (!Files.exists(json)) {
            return null;
        }
        JsonNode m = JSON.readTree(json.toFile());
        TensorArchive archive = TensorArchive.read(dir.resolve(PRETRAIN_STATE));
        String expected = m.path("stateSha256").asText();
        String actual = ModelDirectory.sha256(dir.resolve(PRETRAIN_STATE));
        if (!expected.equals(actual)) {
            throw new IOException(dir.resolve(PRETRAIN_STATE) + " does not match its SHA-256 in " + json
                    + " (a damaged file)");
        }
        PretrainState state = new PretrainState(new LinkedHashMap<>(archive.tensors()), m.path("iteration").asLong(),
                JSON.treeToValue(m.get("rngState"), long[].class), m.path("adamSteps").asLong(),
                m.path("skippedSteps").asLong());
        return new SavedPretrainState(state, JSON.treeToValue(m.get("pretrainConfig"), PretrainConfig.class),
                JSON.treeToValue(m.get("data"), DataInfo.class));
    }

    /** Saves a DxMI model with its full training state. */
    public static void saveDxmi(Path dir, DxmiTrainer trainer, DataInfo data, String parentHash) throws IOException {
        saveDxmi(dir, trainer, data, parentHash, Double.NaN);
    }

    /**
     * Saves a DxMI model with its full training state and the training time it took so far
     * ({@code training.trainSeconds}; not written when NaN), so that a resumed job reports its whole training time.
     */
    public static void saveDxmi(Path dir, DxmiTrainer trainer, DataInfo data, String parentHash, double trainSeconds)
            throws IOException {
        DxmiModel model = trainer.model();
        TrainingState state = trainer.captureState();
        ObjectNode m = ModelDirectory.newManifest(KIND_DXMI);
        common(m, data, model.normalization(), model.samplerConfig());
        m.set("dxmiConfig", JSON.valueToTree(model.config()));
        ObjectNode t = m.putObject("training");
        t.put("iteration", state.iteration());
        t.set("rngState", JSON.valueToTree(state.rngState()));
        t.set("avrScales", JSON.valueToTree(state.avrScales()));
        t.put("avrInitialized", state.avrInitialized());
        t.set("optimizerSteps", JSON.valueToTree(state.optimizerSteps()));
        t.put("skippedUpdates", state.skippedUpdates());
        t.put("recoveries", state.recoveries());
        if (Double.isFinite(state.lastEnergyGap())) {
            t.put("lastEnergyGap", state.lastEnergyGap());
        }
        if (Double.isFinite(trainSeconds)) {
            t.put("trainSeconds", trainSeconds);
        }
        ObjectNode prov = m.putObject("provenance");
        prov.put("configHash", ModelDirectory.sha256(JSON.writeValueAsString(model.config())
                + JSON.writeValueAsString(model.samplerConfig())));
        prov.put("dataHash", data.contentHash());
        if (parentHash != null) {
            prov.put("parentWeightsSha256", parentHash);
        }
        TensorArchive weights = new TensorArchive();
        state.tensors().forEach(weights::put);
        ModelDirectory.write(dir, m, weights);
        // New weights: a feature density fitted on the old ones no longer describes them.
        FeatureDensityFile.delete(dir);
    }

    /**
     * Saves a DxMI model without training state: weights assembled from elsewhere (a distributed run's
     * snapshots). {@code dxmi sample} and {@code dxmi energy} load it like any DxMI model; it cannot be resumed.
     *
     * @param assembledFrom where the weights came from (recorded under {@code provenance.assembledFrom})
     */
    public static void saveWeightsOnly(Path dir, DxmiModel model, DataInfo data, Map<String, Object> assembledFrom)
            throws IOException {
        ObjectNode m = ModelDirectory.newManifest(KIND_DXMI);
        common(m, data, model.normalization(), model.samplerConfig());
        m.set("dxmiConfig", JSON.valueToTree(model.config()));
        ObjectNode prov = m.putObject("provenance");
        prov.put("configHash", ModelDirectory.sha256(JSON.writeValueAsString(model.config())
                + JSON.writeValueAsString(model.samplerConfig())));
        prov.put("dataHash", data.contentHash());
        prov.set("assembledFrom", JSON.valueToTree(assembledFrom));
        TensorArchive weights = new TensorArchive();
        model.weights().forEach(weights::put);
        ModelDirectory.write(dir, m, weights);
        // New weights: a feature density fitted on the old ones no longer describes them.
        FeatureDensityFile.delete(dir);
    }

    /** A loaded DxMI model and its saved training state (null for a model saved without it). */
    public record LoadedDxmi(DxmiModel model, TrainingState state, DataInfo data, ObjectNode manifest) {

        /** The training time saved with the state, or NaN (a checkpoint of an older version, or none). */
        public double trainSeconds() {
            JsonNode s = manifest.path("training").path("trainSeconds");
            return s.isNumber() ? s.asDouble() : Double.NaN;
        }
    }

    /** Loads a DxMI model; the caller closes {@code model()}. */
    public static LoadedDxmi loadDxmi(Path dir) throws IOException {
        return loadDxmi(dir, UnaryOperator.identity());
    }

    /**
     * Loads a DxMI model whose configuration is the saved one passed through {@code configChange} (a resumed run's
     * new total of iterations); the caller closes {@code model()}. An exception that {@code configChange} throws
     * reaches the caller before any native memory is taken.
     */
    public static LoadedDxmi loadDxmi(Path dir, UnaryOperator<DxmiConfig> configChange) throws IOException {
        return loadDxmi(dir, configChange, true);
    }

    /** Loads a DxMI model without its feature density (to fit a new one); the caller closes {@code model()}. */
    public static LoadedDxmi loadDxmiWithoutDensity(Path dir) throws IOException {
        return loadDxmi(dir, UnaryOperator.identity(), false);
    }

    private static LoadedDxmi loadDxmi(Path dir, UnaryOperator<DxmiConfig> configChange, boolean withDensity)
            throws IOException {
        ModelDirectory.Loaded l = ModelDirectory.read(dir);
        requireKind(l, KIND_DXMI);
        ObjectNode m = l.manifest();
        DxmiConfig cfg = configChange.apply(JSON.treeToValue(m.get("dxmiConfig"), DxmiConfig.class));
        PretrainConfig samplerCfg = JSON.treeToValue(m.get("pretrainConfig"), PretrainConfig.class);
        DataInfo data = JSON.treeToValue(m.get("data"), DataInfo.class);
        DjlRuntime.configureFromEnvironment();
        DxmiModel model = DxmiModel.untrained(cfg, samplerCfg, data.sampleShape(), normalization(m), new Rng(0));
        try {
            model.loadWeights(l.weights().tensors());
        } catch (IllegalArgumentException e) {
            model.close();
            throw new IOException(dir + ": weights do not fit the manifest's networks: " + e.getMessage());
        }
        try {
            String weights = m.path("provenance").path("weightsSha256").asText("");
            (withDensity ? FeatureDensityFile.read(dir, weights.isEmpty() ? null : weights)
                    : Optional.<FeatureDensityFile.Stored>empty())
                    .ifPresent(d -> model.useFeatureDensity(d.density(), d.id()));
            if (model.featureDensityId() != null) {
                int views = model.featureDensity().views().size();
                int gives = model.energyFeatureWidth() * (1 + views);
                if (model.featureDensity().dimension() != gives) {
                    throw new IOException(dir.resolve(FeatureDensityFile.FILE) + " was fitted on "
                            + model.featureDensity().dimension() + " features, this version's energy gives " + gives
                            + (views == 0 ? "" : " for the image and its " + views + " views")
                            + ": run 'dxmi feature-density' again");
                }
            }
        } catch (IOException e) {
            model.close();
            throw e;
        }
        if (!m.has("training")) {
            return new LoadedDxmi(model, null, data, m);
        }
        JsonNode t = m.path("training");
        LinkedHashMap<String, float[]> tensors = new LinkedHashMap<>(l.weights().tensors());
        Map<String, Long> stepsLong = new LinkedHashMap<>();
        t.path("optimizerSteps").properties().forEach(e -> stepsLong.put(e.getKey(), e.getValue().asLong()));
        TrainingState state = new TrainingState(tensors, t.path("iteration").asLong(),
                JSON.treeToValue(t.path("rngState"), long[].class), JSON.treeToValue(t.path("avrScales"), double[].class),
                t.path("avrInitialized").asBoolean(), stepsLong, t.path("skippedUpdates").asLong(),
                t.path("recoveries").asLong(), t.path("lastEnergyGap").isNumber()
                        ? t.path("lastEnergyGap").asDouble() : Double.NaN);
        return new LoadedDxmi(model, state, data, m);
    }

    /**
     * Fits a feature density to the model in {@code dir} on normal images (data space), writes it
     * beside the model and attaches it to {@code model} (loaded from {@code dir}).
     *
     * @param dataName names the normal images in the density's provenance
     * @param dataHash their content hash
     * @param views the layouts the density reads besides the image ({@link FeatureDensity#views()})
     * @return the density's id
     */
    public static String fitFeatureDensity(Path dir, DxmiModel model, float[] normalRows, String dataName,
            String dataHash, double shrinkage, List<ShapeTransform> views) throws IOException {
        ModelDirectory.Loaded l = ModelDirectory.read(dir);
        requireKind(l, KIND_DXMI);
        FeatureDensity density = FeatureDensity.fit(model, normalRows, shrinkage, views);
        String id = FeatureDensityFile.write(dir, density, dataName, dataHash,
                l.manifest().path("provenance").path("weightsSha256").asText(null));
        model.useFeatureDensity(density, id);
        return id;
    }

    /** The kind recorded in a model directory (reads only the manifest). */
    public static String kindOf(Path dir) throws IOException {
        return ModelDirectory.read(dir).kind();
    }

    private static void requireKind(ModelDirectory.Loaded l, String kind) throws IOException {
        if (!kind.equals(l.kind())) {
            throw new IOException(l.dir() + " holds a '" + l.kind() + "' model, not a '" + kind + "' model");
        }
    }

    private static void common(ObjectNode m, DataInfo data, Normalization n, PretrainConfig samplerConfig) {
        m.withObjectProperty("software").put("engine", DjlRuntime.engineVersion());
        m.set("data", JSON.valueToTree(data));
        ObjectNode norm = m.putObject("normalization");
        norm.set("shift", JSON.valueToTree(n.shift()));
        norm.set("scale", JSON.valueToTree(n.scale()));
        m.set("pretrainConfig", JSON.valueToTree(samplerConfig));
    }

    private static Normalization normalization(ObjectNode m) throws IOException {
        JsonNode n = m.path("normalization");
        if (!(n.get("shift") instanceof ArrayNode) || !(n.get("scale") instanceof ArrayNode)) {
            throw new IOException("the manifest has no normalization");
        }
        return new Normalization(JSON.treeToValue(n.get("shift"), float[].class),
                JSON.treeToValue(n.get("scale"), float[].class));
    }
}
