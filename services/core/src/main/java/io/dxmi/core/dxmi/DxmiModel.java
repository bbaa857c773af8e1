package io.dxmi.core.dxmi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.diffusion.NoiseSchedule;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.engine.ParameterSet;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.model.Normalization;
import io.dxmi.core.nn.TimeNetwork;
import io.dxmi.core.random.Rng;
import io.dxmi.core.engine.OwnedArrays;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * A DxMI model: the few-step sampler (policy), the energy and value functions, and the
 * evaluation-only EMA copy of the energy. This is what a trained model directory holds and
 * what {@code dxmi sample} and {@code dxmi energy} use. Owns its native memory.
 */
public final class DxmiModel implements AutoCloseable {

    /** Prefix of the EMA copy's parameter names. */
    public static final String EMA_PREFIX = "ema.";

    private final DxmiConfig config;
    private final PretrainConfig samplerConfig;
    private final Normalization normalization;
    private final SampleShape shape;
    private final int dimension;
    private final NDManager manager;
    private final FewStepSampler sampler;
    private final ValueModel values;
    private final ValueModel emaValues;
    private FeatureDensity featureDensity;
    private FeatureDensity.Tensors densityTensors;
    private String featureDensityId;

    private DxmiModel(DxmiConfig config, PretrainConfig samplerConfig, SampleShape shape, Normalization normalization,
            Rng rng) {
        this.config = config;
        this.samplerConfig = samplerConfig;
        this.shape = shape;
        this.dimension = shape.size();
        this.normalization = normalization;
        this.manager = NDManager.newBaseManager(DjlRuntime.device());
        NoiseSchedule schedule = samplerConfig.schedule();
        TimeNetwork net = samplerConfig.network().denoiser(shape, FewStepSampler.NET_PREFIX, manager, rng.split());
        float lastSigma = config.lastSigmaLearnable() ? config.lastSigmaInit() : config.lastSigmaFixed();
        this.sampler = new FewStepSampler(manager, net, shape, schedule, config.samplerSteps(), config.stepSpacing(),
                config.lastSigmaLearnable(), lastSigma, config.sigmaNetworkWidth());
        this.values = new ValueModel(config.valueSharing(), config.samplerSteps(), shape, config.network(),
                config.energyNetworkOrValues(), manager, rng.split());
        this.emaValues = config.energyEmaDecay() > 0
                ? values.copy(manager, config.network(), config.energyNetworkOrValues(), shape) : null;
    }

    /**
     * A model whose sampler starts from a pretrained DDPM's ε-network (the usual DxMI start).
     *
     * @param rng draws the value/energy networks' initial weights
     */
    public static DxmiModel fromPretrained(DxmiConfig config, DdpmModel ddpm, Rng rng) {
        DxmiModel m = new DxmiModel(config, ddpm.config(), ddpm.shape(), ddpm.normalization(), rng);
        LinkedHashMap<String, float[]> w = new LinkedHashMap<>();
        ddpm.epsNet().parameters().toFloatArrays().forEach(
                (k, v) -> w.put(FewStepSampler.NET_PREFIX + k.substring(DdpmModel.PREFIX.length()), v));
        m.sampler.networkParameters().load(w);
        return m;
    }

    /**
     * A model whose sampler starts from a pretrained DDPM, with σ_k from the network's residual
     * on the data when the configuration asks for it ({@link DxmiConfig#residualSigmas()}).
     *
     * @param data (n, rng) → n data-space rows; a fixed draw, so every service of a run starts alike
     */
    public static DxmiModel fromPretrained(DxmiConfig config, DdpmModel ddpm, Rng rng,
            BiFunction<Integer, Rng, float[]> data) {
        DxmiModel m = fromPretrained(config, ddpm, rng);
        if (config.residualSigmas()) {
            float[] rows = m.normalization.toModel(data.apply(ResidualSigmas.ROWS, new Rng(config.seed() ^ 0x51L)));
            float[] sigmas = ResidualSigmas.estimate(m.sampler, rows, m.manager);
            if (!config.lastSigmaLearnable()) {
                sigmas[sigmas.length - 1] = config.lastSigmaFixed();
            }
            m.sampler.setSigmas(sigmas);
        }
        return m;
    }

    /** A model with a randomly initialised sampler (the "no pretraining" row of Table 1). */
    public static DxmiModel untrained(DxmiConfig config, PretrainConfig samplerConfig, SampleShape shape,
            Normalization normalization, Rng rng) {
        return new DxmiModel(config, samplerConfig, shape, normalization, rng);
    }

    /** A model of vectors with a randomly initialised sampler. */
    public static DxmiModel untrained(DxmiConfig config, PretrainConfig samplerConfig, int dimension,
            Normalization normalization, Rng rng) {
        return untrained(config, samplerConfig, SampleShape.vector(dimension), normalization, rng);
    }

    public DxmiConfig config() {
        return config;
    }

    public PretrainConfig samplerConfig() {
        return samplerConfig;
    }

    public Normalization normalization() {
        return normalization;
    }

    public int dimension() {
        return dimension;
    }

    /** One sample's shape. */
    public SampleShape shape() {
        return shape;
    }

    public NDManager manager() {
        return manager;
    }

    public FewStepSampler sampler() {
        return sampler;
    }

    public ValueModel values() {
        return values;
    }

    /** The EMA copy, or null when the EMA is off. */
    public ValueModel emaValues() {
        return emaValues;
    }

    /** The energy used for evaluation and export: the EMA copy when there is one. */
    public ValueModel evaluationValues() {
        return emaValues != null ? emaValues : values;
    }

    /** n generated rows in data space. */
    public float[] sample(int n, Rng rng) {
        return normalization.toData(sampler.sample(n, rng, manager));
    }

    /**
     * Energies of data-space rows (one per row, same order) as the model scores them: the feature
     * density's when one is attached, else the evaluation energy.
     */
    public float[] energy(float[] dataRows) {
        return rowwise(dataRows, 1, this::scoringEnergy);
    }

    /** Energies of data-space rows with the given value model's own energy network (no feature density). */
    public float[] energy(float[] dataRows, ValueModel model) {
        return rowwise(dataRows, 1, model::energy);
    }

    /** E(x) of model-space images as the model scores them, (n, 1), differentiable (gradient maps). */
    public NDArray scoringEnergy(NDArray x) {
        ValueModel v = evaluationValues();
        return densityTensors == null ? v.energy(x) : densityTensors.energy(densityFeatures(x, featureDensity.views()));
    }

    /**
     * The features a density with {@code views} reads, (n, F · (1 + views)), differentiable: the evaluation
     * energy's features of each image, then of each view of it, side by side. A pass of the network per view
     * (one pass over all views at once made batches five times as large, and cost twice the CPU per image).
     */
    public NDArray densityFeatures(NDArray x, List<ShapeTransform> views) {
        ValueModel v = evaluationValues();
        if (views.isEmpty()) {
            return v.energyFeatures(x);
        }
        NDList all = new NDList(v.energyFeatures(x));
        for (ShapeTransform t : views) {
            all.add(v.energyFeatures(t.apply(x)));
        }
        return NDArrays.concat(all, 1);
    }

    /** {@link #densityFeatures(NDArray, List)} of data-space rows, n × F · (1 + views) row-major. */
    public float[] densityFeatures(float[] dataRows, List<ShapeTransform> views) {
        return rowwise(dataRows, energyFeatureWidth() * (1 + views.size()), x -> densityFeatures(x, views));
    }

    /** The blocks a density with {@code views} reads: the network's depths for the image, then for each view. */
    public int[] densityFeatureBlocks(List<ShapeTransform> views) {
        int[] depths = energyFeatureBlocks();
        int[] out = new int[depths.length * (1 + views.size())];
        for (int v = 0; v <= views.size(); v++) {
            System.arraycopy(depths, 0, out, v * depths.length, depths.length);
        }
        return out;
    }

    /** How many features a density over the evaluation energy reads. */
    public int energyFeatureWidth() {
        return Arrays.stream(energyFeatureBlocks()).sum();
    }

    /** The widths of the blocks (one per depth of the energy network) a density over the evaluation energy reads. */
    public int[] energyFeatureBlocks() {
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.zeros(new Shape(shape.batch(1)));
            return evaluationValues().energyFeatureBlocks(x);
        }
    }

    /**
     * Scores with {@code density} over the energy's features from now on (null: the energy's own head again).
     *
     * @param id names the density in scores and logs
     */
    public void useFeatureDensity(FeatureDensity density, String id) {
        if (densityTensors != null) {
            densityTensors.close();
        }
        this.featureDensity = density;
        this.densityTensors = density == null ? null : density.tensors(manager);
        this.featureDensityId = density == null ? null : id;
    }

    /** The attached feature density, or null. */
    public FeatureDensity featureDensity() {
        return featureDensity;
    }

    /** The id of the attached feature density, or null when the energy's own head scores. */
    public String featureDensityId() {
        return featureDensityId;
    }

    /** {@code width} outputs per data-space row of {@code f} over model-space chunks, in order. */
    private float[] rowwise(float[] dataRows, int width, UnaryOperator<NDArray> f) {
        int n = dataRows.length / dimension;
        float[] rows = normalization.toModel(dataRows);
        float[] out = new float[n * width];
        int chunk = FewStepSampler.chunkSize(shape);
        for (int start = 0; start < n; start += chunk) {
            int m = Math.min(chunk, n - start);
            try (NDManager scope = manager.newSubManager()) {
                float[] part = new float[m * dimension];
                System.arraycopy(rows, start * dimension, part, 0, m * dimension);
                NDArray e = f.apply(OwnedArrays.create(scope, part, new Shape(shape.batch(m))));
                System.arraycopy(e.toFloatArray(), 0, out, start * width, m * width);
            }
        }
        return out;
    }

    /** Every weight by name: sampler, log σ, value/energy, and the EMA copy (prefixed). */
    public LinkedHashMap<String, float[]> weights() {
        LinkedHashMap<String, float[]> w = new LinkedHashMap<>();
        w.putAll(policyWeights());
        putValues(w, "", values);
        if (emaValues != null) {
            putValues(w, EMA_PREFIX, emaValues);
        }
        return w;
    }

    private static void putValues(Map<String, float[]> w, String prefix, ValueModel v) {
        v.valueParameters().toFloatArrays().forEach((k, a) -> w.put(prefix + k, a));
        if (v.sharing() == ValueSharing.SEPARATE) {
            v.energyParameters().toFloatArrays().forEach((k, a) -> w.put(prefix + k, a));
        }
    }

    /** The policy's weights: the sampler network, its log σ and its σ network if any (what actors need). */
    public LinkedHashMap<String, float[]> policyWeights() {
        LinkedHashMap<String, float[]> w = new LinkedHashMap<>();
        w.putAll(sampler.networkParameters().toFloatArrays());
        w.putAll(sampler.sigmaParameters().toFloatArrays());
        if (sampler.sigmaNetwork() != null) {
            w.putAll(sampler.sigmaNetwork().parameters().toFloatArrays());
        }
        return w;
    }

    /** Loads {@link #policyWeights()}. */
    public void loadPolicyWeights(Map<String, float[]> w) {
        load(sampler.networkParameters(), w, "");
        load(sampler.sigmaParameters(), w, "");
        if (sampler.sigmaNetwork() != null) {
            load(sampler.sigmaNetwork().parameters(), w, "");
        }
    }

    /** The energy's weights and its EMA copy (what the value-learner and evaluators need). */
    public LinkedHashMap<String, float[]> energyWeights() {
        LinkedHashMap<String, float[]> w = new LinkedHashMap<>(values.energyParameters().toFloatArrays());
        if (emaValues != null) {
            emaValues.energyParameters().toFloatArrays().forEach((k, a) -> w.put(EMA_PREFIX + k, a));
        }
        return w;
    }

    /** Loads {@link #energyWeights()}. */
    public void loadEnergyWeights(Map<String, float[]> w) {
        load(values.energyParameters(), w, "");
        if (emaValues != null) {
            load(emaValues.energyParameters(), w, EMA_PREFIX);
        }
    }

    /** The value network's weights (separate variant: without the energy). */
    public LinkedHashMap<String, float[]> valueWeights() {
        return values.valueParameters().toFloatArrays();
    }

    /** Loads {@link #valueWeights()}. */
    public void loadValueWeights(Map<String, float[]> w) {
        load(values.valueParameters(), w, "");
    }

    /** Loads weights written by {@link #weights()}. */
    public void loadWeights(Map<String, float[]> w) {
        loadPolicyWeights(w);
        load(values.valueParameters(), w, "");
        if (values.sharing() == ValueSharing.SEPARATE) {
            load(values.energyParameters(), w, "");
        }
        if (emaValues != null) {
            load(emaValues.valueParameters(), w, EMA_PREFIX);
            if (emaValues.sharing() == ValueSharing.SEPARATE) {
                load(emaValues.energyParameters(), w, EMA_PREFIX);
            }
        }
    }

    private static void load(ParameterSet target, Map<String, float[]> w, String prefix) {
        LinkedHashMap<String, float[]> part = new LinkedHashMap<>();
        for (String name : target.arrays().keySet()) {
            float[] v = w.get(prefix + name);
            if (v == null) {
                throw new IllegalArgumentException("the model's weights lack " + prefix + name);
            }
            part.put(name, v);
        }
        target.load(part);
    }

    @Override
    public void close() {
        manager.close();
    }
}
