package io.dxmi.core.classifier;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.engine.ParameterSet;
import io.dxmi.core.nn.Layers;
import io.dxmi.core.random.Rng;
import io.dxmi.core.engine.OwnedArrays;

/**
 * A LeNet-style classifier of [C, H, W] images:
 *
 * <pre>
 *   conv k×k (same size) → ReLU → max-pool 2×2 → conv k×k → ReLU → max-pool 2×2
 *   → flatten → linear → ReLU  (the features)  → linear  (the class logits)
 * </pre>
 *
 * With two convolutions per stage ({@link ClassifierConfig#convsPerStage()}), each stage has a
 * second k×k convolution and ReLU of the same width before its pooling (parameters
 * {@code conv1b}, {@code conv2b}).
 *
 * Weights start He-uniform (±√(6/fan_in)), biases at 0, drawn from the caller's {@link Rng}.
 * Images go in as pixels in [0, 1], centred to [−1, 1] inside. Closes its parameters' manager.
 */
public final class FeatureClassifier implements AutoCloseable {

    private static final Shape POOL = new Shape(2, 2);
    private static final Shape NO_PAD = new Shape(0, 0);

    private final SampleShape shape;
    private final int classes;
    private final ClassifierConfig config;
    private final NDManager manager;
    private final ParameterSet params;

    /** A classifier with fresh weights. */
    public FeatureClassifier(SampleShape shape, int classes, ClassifierConfig config, NDManager parent, Rng rng) {
        if (!shape.isImage() || shape.height() < 4 || shape.width() < 4) {
            throw new IllegalArgumentException("the classifier needs images of at least 4x4, got " + shape);
        }
        if (classes < 2) {
            throw new IllegalArgumentException("the classifier needs at least 2 classes, got " + classes);
        }
        this.shape = shape;
        this.classes = classes;
        this.config = config;
        this.manager = parent.newSubManager();
        this.params = new ParameterSet(manager);
        int c = shape.channels();
        int k = config.kernel();
        add("conv1.weight", new Shape(config.conv1(), c, k, k), c * k * k, rng);
        add("conv1.bias", new Shape(config.conv1()), 0, rng);
        if (config.convsPerStage() == 2) {
            add("conv1b.weight", new Shape(config.conv1(), config.conv1(), k, k), config.conv1() * k * k, rng);
            add("conv1b.bias", new Shape(config.conv1()), 0, rng);
        }
        add("conv2.weight", new Shape(config.conv2(), config.conv1(), k, k), config.conv1() * k * k, rng);
        add("conv2.bias", new Shape(config.conv2()), 0, rng);
        if (config.convsPerStage() == 2) {
            add("conv2b.weight", new Shape(config.conv2(), config.conv2(), k, k), config.conv2() * k * k, rng);
            add("conv2b.bias", new Shape(config.conv2()), 0, rng);
        }
        int flat = flatWidth();
        add("fc1.weight", new Shape(config.features(), flat), flat, rng);
        add("fc1.bias", new Shape(config.features()), 0, rng);
        add("fc2.weight", new Shape(classes, config.features()), config.features(), rng);
        add("fc2.bias", new Shape(classes), 0, rng);
    }

    private void add(String name, Shape s, int fanIn, Rng rng) {
        int n = (int) s.size();
        float[] v = fanIn == 0 ? new float[n] : rng.uniforms(n, -(float) Math.sqrt(6.0 / fanIn),
                (float) Math.sqrt(6.0 / fanIn));
        params.add(name, s, v);
    }

    private int flatWidth() {
        return config.conv2() * (shape.height() / 2 / 2) * (shape.width() / 2 / 2);
    }

    /** The features (n, features) of a batch (n, C, H, W) of pixels in [0, 1]. */
    public NDArray features(NDArray images) {
        NDArray x = OwnedArrays.mul(images, 2f).sub(1f);
        NDArray h = stage(x, "conv1");
        h = stage(h, "conv2");
        h = h.reshape(h.getShape().get(0), -1);
        return Activation.relu(Linear.linear(h, params.get("fc1.weight"), params.get("fc1.bias")).singletonOrThrow());
    }

    /** Class logits (n, classes) from features. */
    public NDArray logits(NDArray features) {
        return Linear.linear(features, params.get("fc2.weight"), params.get("fc2.bias")).singletonOrThrow();
    }

    private NDArray stage(NDArray x, String name) {
        NDArray h = conv(x, name);
        if (config.convsPerStage() == 2) {
            h = conv(h, name + "b");
        }
        return Pool.maxPool2d(h, POOL, POOL, NO_PAD, false);
    }

    private NDArray conv(NDArray x, String name) {
        // Layers.convolve pads channel counts that libtorch 2.7.1's CPU kernels get wrong
        return Activation.relu(Layers.convolve(x, params.get(name + ".weight"), params.get(name + ".bias"), 1,
                config.kernel() / 2));
    }

    /** Features of n images (row-major pixels), computed in batches without gradients. */
    public float[] features(float[] pixels) {
        return inBatches(pixels, config.features(), false);
    }

    /** Predicted class of each of n images. */
    public int[] predict(float[] pixels) {
        return argmax(inBatches(pixels, classes, true));
    }

    /**
     * Predicted class of each row of features that {@link #features(float[])} gave: the same answer as
     * {@link #predict(float[])} on the images, for the cost of the last layer only.
     */
    public int[] classesOf(float[] features) {
        DjlRuntime.noGradientsOnThisThread();
        int w = featureWidth();
        if (features.length % w != 0) {
            throw new IllegalArgumentException(features.length + " values are not whole rows of " + w + " features");
        }
        try (NDManager step = manager.newSubManager()) {
            NDArray f = OwnedArrays.create(step, features, new Shape(features.length / w, w));
            return argmax(logits(f).toFloatArray());
        }
    }

    private int[] argmax(float[] logits) {
        int n = logits.length / classes;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int k = 1; k < classes; k++) {
                if (logits[i * classes + k] > logits[i * classes + best]) {
                    best = k;
                }
            }
            out[i] = best;
        }
        return out;
    }

    /** Share of images whose predicted class is their label. */
    public double accuracy(float[] pixels, int[] labels) {
        int[] p = predict(pixels);
        int right = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] == labels[i]) {
                right++;
            }
        }
        return p.length == 0 ? Double.NaN : (double) right / p.length;
    }

    private float[] inBatches(float[] pixels, int width, boolean logits) {
        DjlRuntime.noGradientsOnThisThread();
        int d = shape.size();
        if (pixels.length % d != 0) {
            throw new IllegalArgumentException(pixels.length + " values are not a whole number of " + shape + " images");
        }
        int n = pixels.length / d;
        float[] out = new float[n * width];
        int batch = 500;
        for (int from = 0; from < n; from += batch) {
            int b = Math.min(batch, n - from);
            float[] chunk = new float[b * d];
            System.arraycopy(pixels, from * d, chunk, 0, b * d);
            try (NDManager step = manager.newSubManager()) {
                NDArray x = OwnedArrays.create(step, chunk, new Shape(shape.batch(b)));
                NDArray f = features(x);
                NDArray y = logits ? logits(f) : f;
                System.arraycopy(y.toFloatArray(), 0, out, from * width, b * width);
            }
        }
        return out;
    }

    public ParameterSet parameters() {
        return params;
    }

    public SampleShape shape() {
        return shape;
    }

    public int classes() {
        return classes;
    }

    public ClassifierConfig config() {
        return config;
    }

    /** Width of {@link #features(float[])}'s rows. */
    public int featureWidth() {
        return config.features();
    }

    @Override
    public void close() {
        manager.close();
    }
}
