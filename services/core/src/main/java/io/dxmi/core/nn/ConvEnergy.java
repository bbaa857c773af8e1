package io.dxmi.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.pooling.Pool;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.engine.ParameterSet;
import io.dxmi.core.random.Rng;
import java.util.ArrayList;
import java.util.List;

/**
 * A convolutional energy (or value) network for (n, C, H, W) images, in the style of the
 * official DxMI code's IGEBMEncoderV2, with no normalisation layers (an energy must not depend
 * on the other samples of its batch):
 *
 * <pre>
 *   3×3 conv C → nh, LeakyReLU(0.2)
 *   six residual blocks (nh↓, nh, 2nh↓, 2nh, 2nh↓, 2nh): 3×3 conv, LeakyReLU, 3×3 conv,
 *       + skip (1×1 conv without bias when the width changes or the block down-samples),
 *       2×2 average pooling where marked ↓, LeakyReLU
 *   ReLU, sum over positions, Linear(2nh → 1), learned output scale (Linear(1, 1))
 * </pre>
 *
 * With {@link ConvEnergyConfig.Head#FLATTEN} the last map is not summed: all its positions go into
 * Linear(2nh·h·w → 1).
 *
 * Time-conditioned (a value V(x, t)): each block adds a projection of the time embedding to the
 * first convolution's output, per channel, as the DDPM UNet does. Output (n, 1).
 */
public final class ConvEnergy implements TimeNetwork {

    private static final int[] WIDTH_FACTOR = {1, 1, 2, 2, 2, 2};
    private static final boolean[] DOWNSAMPLE = {true, false, true, false, true, false};
    /** The residual blocks whose outputs a feature density reads beside the head's input, pooled to about 3 × 3. */
    static final List<Integer> FEATURE_TAPS = List.of(0, 1, 2, 3);
    /** The tap also read at a finer grid, about 7 × 7, where its map is larger than that. */
    static final int FINE_TAP = 1;

    private final ConvEnergyConfig config;
    private final SinusoidalEmbedding embedding;
    private final ParameterSet params;
    private final Layers layers;
    private final boolean[] projectSkip = new boolean[WIDTH_FACTOR.length];
    private long multiplyAdds;

    public ConvEnergy(ConvEnergyConfig config, SampleShape shape, String prefix, NDManager manager, Rng rng) {
        if (!shape.isImage()) {
            throw new IllegalArgumentException("a convolutional energy needs images (C×H×W), got " + shape);
        }
        this.config = config;
        this.embedding = new SinusoidalEmbedding(config.embeddingDim());
        this.params = new ParameterSet(manager);
        this.layers = new Layers(params, prefix);
        int nh = config.channels();
        int h = shape.height();
        int w = shape.width();
        int temb = 4 * config.embeddingDim();
        if (config.timeConditioned()) {
            layers.addLinear("temb0", config.embeddingDim(), temb, rng);
            layers.addLinear("temb1", temb, temb, rng);
        }
        layers.addConv("in", shape.channels(), nh, 3, true, rng);
        multiplyAdds += (long) shape.channels() * nh * 9 * h * w;
        int width = nh;
        for (int i = 0; i < WIDTH_FACTOR.length; i++) {
            int out = nh * WIDTH_FACTOR[i];
            String name = "block" + i;
            layers.addConv(name + ".conv1", width, out, 3, true, rng);
            layers.addConv(name + ".conv2", out, out, 3, true, rng);
            multiplyAdds += ((long) width * out * 9 + (long) out * out * 9) * h * w;
            if (config.timeConditioned()) {
                layers.addLinear(name + ".time", temb, out, rng);
            }
            projectSkip[i] = width != out || DOWNSAMPLE[i];
            if (projectSkip[i]) {
                layers.addConv(name + ".skip", width, out, 1, false, rng);
                multiplyAdds += (long) width * out * h * w;
            }
            width = out;
            if (DOWNSAMPLE[i]) {
                h /= 2;
                w /= 2;
                if (h < 1 || w < 1) {
                    throw new IllegalArgumentException("images of " + shape + " are too small for three 2× poolings");
                }
            }
        }
        layers.addLinear("head", flatten() ? width * h * w : width, 1, rng);
        layers.addScale("scale", rng);
    }

    @Override
    public NDArray forward(NDArray x, NDArray timeEmbedding) {
        return layers.scale(layers.linear(headInput(trunk(x, timeEmbedding, null)), "head"), "scale");
    }

    /**
     * What a density over the trained network reads, (n, F), one block per map ({@link #featureBlocks}):
     * the outputs of the residual blocks in {@link #FEATURE_TAPS}, each average-pooled to about 3 × 3,
     * that of {@link #FINE_TAP} also to about 7 × 7, and the head's input, concatenated. The earlier maps
     * keep what the head's training against its negatives let go of, and a density that weighs every map
     * alike detected best among those compared (README, the one-class benchmarks).
     */
    @Override
    public NDArray features(NDArray x, NDArray timeEmbedding) {
        return NDArrays.concat(featureParts(x, timeEmbedding), 1);
    }

    @Override
    public int[] featureBlocks(NDArray x, NDArray timeEmbedding) {
        NDList parts = featureParts(x, timeEmbedding);
        return parts.stream().mapToInt(p -> (int) p.getShape().get(1)).toArray();
    }

    private NDList featureParts(NDArray x, NDArray timeEmbedding) {
        List<NDArray> taps = new ArrayList<>();
        NDArray last = headInput(trunk(x, timeEmbedding, taps));
        long n = last.getShape().get(0);
        NDList parts = new NDList();
        for (int t = 0; t < taps.size(); t++) {
            NDArray tap = taps.get(t);
            parts.add(poolTo(tap, 3).reshape(n, -1));
            if (FEATURE_TAPS.get(t) == FINE_TAP && !window(tap, 7).equals(window(tap, 3))) {
                parts.add(poolTo(tap, 7).reshape(n, -1));
            }
        }
        parts.add(last);
        return parts;
    }

    /** Average pooling with a window and stride of ⌊side / cells⌋ (at least 1) along each side. */
    private static NDArray poolTo(NDArray map, int cells) {
        Shape k = window(map, cells);
        return Pool.avgPool2d(map, k, k, new Shape(0, 0), false, true);
    }

    private static Shape window(NDArray map, int cells) {
        return new Shape(Math.max(1, map.getShape().get(2) / cells), Math.max(1, map.getShape().get(3) / cells));
    }

    /** The convolutional trunk's last map; the outputs of the blocks in {@link #FEATURE_TAPS} go to {@code taps} when given. */
    private NDArray trunk(NDArray x, NDArray timeEmbedding, List<NDArray> taps) {
        NDArray tembAct = null;
        if (config.timeConditioned()) {
            tembAct = Layers.silu(layers.linear(Layers.silu(layers.linear(timeEmbedding, "temb0")), "temb1"));
        }
        NDArray h = Layers.leakyRelu(layers.conv(x, "in"));
        for (int i = 0; i < WIDTH_FACTOR.length; i++) {
            String name = "block" + i;
            NDArray out = layers.conv(h, name + ".conv1");
            if (tembAct != null) {
                out = out.add(Layers.asChannelMap(layers.linear(tembAct, name + ".time")));
            }
            out = layers.conv(Layers.leakyRelu(out), name + ".conv2");
            out = out.add(projectSkip[i] ? layers.conv(h, name + ".skip") : h);
            if (DOWNSAMPLE[i]) {
                out = Pool.avgPool2d(out, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false, true);
            }
            h = Layers.leakyRelu(out);
            if (taps != null && FEATURE_TAPS.contains(i)) {
                taps.add(h);
            }
        }
        return h;
    }

    /** The head's input: the last map after ReLU, flattened (flatten head) or summed over positions (sum head). */
    private NDArray headInput(NDArray last) {
        NDArray features = Activation.relu(last);
        return flatten() ? features.reshape(features.getShape().get(0), -1) : features.sum(new int[] {2, 3});
    }

    private boolean flatten() {
        return config.head() == ConvEnergyConfig.Head.FLATTEN;
    }

    public ConvEnergyConfig config() {
        return config;
    }

    @Override
    public SinusoidalEmbedding embedding() {
        return embedding;
    }

    @Override
    public ParameterSet parameters() {
        return params;
    }

    @Override
    public long multiplyAddsPerSample() {
        return multiplyAdds;
    }
}
