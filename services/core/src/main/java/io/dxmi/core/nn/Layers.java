package io.dxmi.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.dxmi.core.engine.FusedKernels;
import io.dxmi.core.engine.ParameterSet;
import io.dxmi.core.random.Rng;

import java.util.Arrays;

/**
 * The functional building blocks of the project's networks, over weights kept in a
 * {@link ParameterSet} by name (so optimizers, EMA copies and checkpoints address every tensor
 * the same way). Initialisation follows PyTorch's defaults for {@code nn.Linear} and
 * {@code nn.Conv2d}: uniform ±1/√fan_in for weights and biases, drawn from the caller's
 * {@link Rng} so that runs are reproducible.
 */
public final class Layers {

    private final ParameterSet params;
    private final String prefix;

    public Layers(ParameterSet params, String prefix) {
        this.params = params;
        this.prefix = prefix;
    }

    public ParameterSet parameters() {
        return params;
    }

    /** Adds {@code name.weight} (out, in) and {@code name.bias} (out). */
    public void addLinear(String name, int in, int out, Rng rng) {
        float bound = (float) (1.0 / Math.sqrt(in));
        params.add(prefix + name + ".weight", new Shape(out, in), rng.uniforms(out * in, -bound, bound));
        params.add(prefix + name + ".bias", new Shape(out), rng.uniforms(out, -bound, bound));
    }

    /** Adds a k×k convolution {@code name.weight} (out, in, k, k) and, when asked, {@code name.bias}. */
    public void addConv(String name, int in, int out, int k, boolean bias, Rng rng) {
        int fanIn = in * k * k;
        float bound = (float) (1.0 / Math.sqrt(fanIn));
        params.add(prefix + name + ".weight", new Shape(out, in, k, k), rng.uniforms(out * fanIn, -bound, bound));
        if (bias) {
            params.add(prefix + name + ".bias", new Shape(out), rng.uniforms(out, -bound, bound));
        }
    }

    /** Adds a per-channel affine pair {@code name.gamma} = 1, {@code name.beta} = 0 (for normalisation). */
    public void addAffine(String name, int channels) {
        float[] ones = new float[channels];
        Arrays.fill(ones, 1f);
        params.add(prefix + name + ".gamma", new Shape(channels), ones);
        params.add(prefix + name + ".beta", new Shape(channels), new float[channels]);
    }

    /** Adds one scalar weight and bias ({@code y = w·x + b}, PyTorch's Linear(1, 1) init). */
    public void addScale(String name, Rng rng) {
        addLinear(name, 1, 1, rng);
    }

    public NDArray linear(NDArray x, String name) {
        return Linear.linear(x, weight(name), bias(name)).singletonOrThrow();
    }

    /** A stride-1 convolution with "same" padding. */
    public NDArray conv(NDArray x, String name) {
        return conv(x, name, 1);
    }

    /** A convolution with padding k/2 and the given stride. */
    public NDArray conv(NDArray x, String name, int stride) {
        NDArray w = weight(name);
        int k = (int) w.getShape().get(2);
        String b = prefix + name + ".bias";
        NDArray bias = params.arrays().containsKey(b) ? params.get(b) : null;
        return convolve(x, w, bias, stride, k / 2);
    }

    /**
     * A 2-D convolution, correct for every width. libtorch 2.7.1's CPU convolution (oneDNN) returns
     * wrong values on these machines for kernels above 1×1 and batches of more than one: in the
     * output when the input has more than 16 channels and not a multiple of 16 (24 or 72, say), and
     * in the input's gradient when the output width is not a multiple of 16 (8, or 24), measured
     * against a direct convolution in {@code ConvolutionReferenceTest}. Such widths are padded with
     * zero channels to the next multiple of 16, which leaves the result unchanged and takes the
     * correct kernels. The networks' default widths are multiples of 16; only their last layer
     * (to the image's channels) pays.
     */
    public static NDArray convolve(NDArray x, NDArray w, NDArray bias, int stride, int padding) {
        Shape ws = w.getShape();
        long out = ws.get(0);
        long in = ws.get(1);
        long k = ws.get(2);
        long padIn = k > 1 && in > 16 ? paddingTo16(in) : 0;
        long padOut = k > 1 ? paddingTo16(out) : 0;
        NDManager m = x.getManager();
        // A padded weight is new (concat joins its first operand's, the parameters', manager): it goes to the
        // input's manager, to be freed with the step's temporaries.
        if (padIn > 0) {
            Shape xs = x.getShape();
            x = NDArrays.concat(new NDList(x, m.zeros(new Shape(xs.get(0), padIn, xs.get(2), xs.get(3)))), 1);
            w = NDArrays.concat(new NDList(w, m.zeros(new Shape(out, padIn, k, k))), 1);
            w.attach(m);
        }
        if (padOut > 0) {
            w = NDArrays.concat(new NDList(w, m.zeros(new Shape(padOut, in + padIn, k, k))), 0);
            w.attach(m);
            if (bias != null) {
                bias = NDArrays.concat(new NDList(bias, m.zeros(new Shape(padOut))), 0);
                bias.attach(m);
            }
        }
        NDArray y = Conv2d.conv2d(x, w, bias, new Shape(stride, stride), new Shape(padding, padding),
                new Shape(1, 1), 1).singletonOrThrow();
        return padOut > 0 ? y.get(new NDIndex(":, 0:{}", out)) : y;
    }

    private static long paddingTo16(long width) {
        return width % 16 != 0 ? 16 - width % 16 : 0;
    }

    /** Group normalisation with this set's affine {@code name.gamma/beta}. */
    public NDArray groupNorm(NDArray x, String name, int groups) {
        return GroupNorm.apply(x, groups, params.get(prefix + name + ".gamma"), params.get(prefix + name + ".beta"),
                GroupNorm.EPSILON);
    }

    /** SiLU of the group normalisation with this set's affine {@code name.gamma/beta}, fused. */
    public NDArray groupNormSilu(NDArray x, String name, int groups) {
        return GroupNorm.applySilu(x, groups, params.get(prefix + name + ".gamma"), params.get(prefix + name + ".beta"),
                GroupNorm.EPSILON);
    }

    /** y = w·x + b with a scalar w and b. */
    public NDArray scale(NDArray x, String name) {
        NDArray scale = weight(name).reshape(1);
        scale.attach(x.getManager()); // a view of a parameter: freed with x's temporaries, not kept with the parameter
        return x.mul(scale).add(bias(name));
    }

    private NDArray weight(String name) {
        return params.get(prefix + name + ".weight");
    }

    private NDArray bias(String name) {
        return params.get(prefix + name + ".bias");
    }

    /** SiLU(x) = x·sigmoid(x), PyTorch's fused kernel. */
    public static NDArray silu(NDArray x) {
        return FusedKernels.silu(x);
    }

    public static NDArray leakyRelu(NDArray x) {
        return Activation.leakyRelu(x, 0.2f);
    }

    /** (n, c) → (n, c, 1, 1), to add a per-sample channel vector to feature maps. */
    public static NDArray asChannelMap(NDArray x) {
        return x.expandDims(2).expandDims(3);
    }

    /**
     * Nearest-neighbour 2× up-sampling of (n, c, h, w), through PyTorch's own kernel: the same values as repeating
     * rows and columns, and a backward pass 2–3× faster than the strided sums of the repeats' (about 2% of a
     * 28 × 28 UNet training step).
     */
    public static NDArray upsample2x(NDArray x) {
        Shape s = x.getShape();
        return JniUtils.interpolate((PtNDArray) x, new long[] {2 * s.get(2), 2 * s.get(3)}, NEAREST, false);
    }

    /** DJL's code for nearest-neighbour interpolation in {@link JniUtils#interpolate}. */
    private static final int NEAREST = 0;
}
