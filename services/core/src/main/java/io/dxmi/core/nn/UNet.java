package io.dxmi.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.engine.ParameterSet;
import io.dxmi.core.random.Rng;
import io.dxmi.core.engine.OwnedArrays;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The DDPM UNet (Ho et al. 2020) as an ε-network for (n, C, H, W) images:
 *
 * <pre>
 *   time:   sinusoidal(t) → Linear(ch, 4ch) → SiLU → Linear(4ch, 4ch)
 *   in:     3×3 conv C → ch
 *   down:   per level, residual blocks (GroupNorm, SiLU, 3×3 conv, + time projection, GroupNorm,
 *           SiLU, 3×3 conv, 1×1 skip when widths differ), self-attention at the lowest level,
 *           then a stride-2 3×3 conv (not after the last level)
 *   middle: residual block, self-attention, residual block
 *   up:     per level, one more residual block than down, each on [h, skip] concatenated,
 *           then nearest 2× up-sampling and a 3×3 conv (not after the first level)
 *   out:    GroupNorm → SiLU → 3×3 conv ch → C
 * </pre>
 *
 * Same input and output shape. H and W must be divisible by 2^(levels − 1).
 */
public final class UNet implements TimeNetwork {

    private final UNetConfig config;
    private final SampleShape shape;
    private final SinusoidalEmbedding embedding;
    private final ParameterSet params;
    private final Layers layers;
    private final List<Op> down = new ArrayList<>();
    private final List<Op> middle = new ArrayList<>();
    private final List<Op> up = new ArrayList<>();
    private long multiplyAdds;

    /** One step of the network, built once: a residual block, an attention, a down- or up-sampling. */
    private record Op(Kind kind, String name, int channels, boolean pushSkip, boolean projectSkip) {}

    private enum Kind { RES, RES_WITH_SKIP, ATTENTION, DOWN, UP }

    public UNet(UNetConfig config, SampleShape shape, String prefix, NDManager manager, Rng rng) {
        if (!shape.isImage()) {
            throw new IllegalArgumentException("a UNet needs images (C×H×W), got samples of shape " + shape);
        }
        int levels = config.channelMultipliers().length;
        int factor = 1 << (levels - 1);
        if (shape.height() % factor != 0 || shape.width() % factor != 0) {
            throw new IllegalArgumentException("a UNet with " + levels + " levels needs image sides divisible by "
                    + factor + ", got " + shape.height() + "×" + shape.width() + " (use --image-size)");
        }
        this.config = config;
        this.shape = shape;
        int ch = config.channels();
        this.embedding = new SinusoidalEmbedding(ch);
        this.params = new ParameterSet(manager);
        this.layers = new Layers(params, prefix);
        int temb = 4 * ch;
        layers.addLinear("temb0", ch, temb, rng);
        layers.addLinear("temb1", temb, temb, rng);
        multiplyAdds += (long) ch * temb + (long) temb * temb;
        int h = shape.height();
        int w = shape.width();
        addConv("in", shape.channels(), ch, 3, h, w, rng);

        // Down path: remember the width of every skip connection.
        Deque<Integer> skips = new ArrayDeque<>();
        skips.push(ch);
        int width = ch;
        int[] mult = config.channelMultipliers();
        for (int level = 0; level < levels; level++) {
            int out = ch * mult[level];
            for (int r = 0; r < config.residualBlocks(); r++) {
                String name = "down" + level + ".res" + r;
                addResBlock(name, width, out, temb, h, w, rng);
                boolean attn = config.attentionAtLowest() && level == levels - 1;
                down.add(new Op(Kind.RES, name, out, !attn, width != out));
                width = out;
                if (attn) {
                    addAttention(name + ".attn", out, h, w, rng);
                    down.add(new Op(Kind.ATTENTION, name + ".attn", out, true, false));
                }
                skips.push(out);
            }
            if (level < levels - 1) {
                String name = "down" + level + ".down";
                h /= 2;
                w /= 2;
                addConvStrided(name, width, width, h, w, rng);
                down.add(new Op(Kind.DOWN, name, width, true, false));
                skips.push(width);
            }
        }

        addResBlock("mid.res0", width, width, temb, h, w, rng);
        middle.add(new Op(Kind.RES, "mid.res0", width, false, false));
        if (config.attentionAtLowest()) {
            addAttention("mid.attn", width, h, w, rng);
            middle.add(new Op(Kind.ATTENTION, "mid.attn", width, false, false));
        }
        addResBlock("mid.res1", width, width, temb, h, w, rng);
        middle.add(new Op(Kind.RES, "mid.res1", width, false, false));

        for (int level = levels - 1; level >= 0; level--) {
            int out = ch * mult[level];
            for (int r = 0; r <= config.residualBlocks(); r++) {
                String name = "up" + level + ".res" + r;
                int in = width + skips.pop();
                addResBlock(name, in, out, temb, h, w, rng);
                width = out;
                up.add(new Op(Kind.RES_WITH_SKIP, name, out, false, in != out));
                if (config.attentionAtLowest() && level == levels - 1) {
                    addAttention(name + ".attn", out, h, w, rng);
                    up.add(new Op(Kind.ATTENTION, name + ".attn", out, false, false));
                }
            }
            if (level > 0) {
                String name = "up" + level + ".up";
                h *= 2;
                w *= 2;
                addConv(name, width, width, 3, h, w, rng);
                up.add(new Op(Kind.UP, name, width, false, false));
            }
        }
        layers.addAffine("out.norm", width);
        addConv("out", width, shape.channels(), 3, h, w, rng);
    }

    private void addConv(String name, int in, int out, int k, int h, int w, Rng rng) {
        layers.addConv(name, in, out, k, true, rng);
        multiplyAdds += (long) in * out * k * k * h * w;
    }

    private void addConvStrided(String name, int in, int out, int hOut, int wOut, Rng rng) {
        addConv(name, in, out, 3, hOut, wOut, rng);
    }

    private void addResBlock(String name, int in, int out, int temb, int h, int w, Rng rng) {
        layers.addAffine(name + ".norm1", in);
        addConv(name + ".conv1", in, out, 3, h, w, rng);
        layers.addLinear(name + ".time", temb, out, rng);
        layers.addAffine(name + ".norm2", out);
        addConv(name + ".conv2", out, out, 3, h, w, rng);
        multiplyAdds += (long) temb * out;
        if (in != out) {
            addConv(name + ".skip", in, out, 1, h, w, rng);
        }
    }

    private void addAttention(String name, int c, int h, int w, Rng rng) {
        layers.addAffine(name + ".norm", c);
        addConv(name + ".qkv", c, 3 * c, 1, h, w, rng);
        addConv(name + ".proj", c, c, 1, h, w, rng);
        long l = (long) h * w;
        multiplyAdds += 2 * l * l * c;
    }

    @Override
    public NDArray forward(NDArray x, NDArray timeEmbedding) {
        NDArray temb = layers.linear(Layers.silu(layers.linear(timeEmbedding, "temb0")), "temb1");
        NDArray tembAct = Layers.silu(temb);
        NDArray h = layers.conv(x, "in");
        Deque<NDArray> skips = new ArrayDeque<>();
        skips.push(h);
        for (Op op : down) {
            h = apply(op, h, tembAct, null);
            if (op.pushSkip()) {
                skips.push(h);
            }
        }
        for (Op op : middle) {
            h = apply(op, h, tembAct, null);
        }
        for (Op op : up) {
            h = apply(op, h, tembAct, op.kind() == Kind.RES_WITH_SKIP ? skips.pop() : null);
        }
        h = layers.groupNormSilu(h, "out.norm", config.groups());
        return layers.conv(h, "out");
    }

    private NDArray apply(Op op, NDArray h, NDArray tembAct, NDArray skip) {
        return switch (op.kind()) {
            case RES -> resBlock(op, h, tembAct);
            case RES_WITH_SKIP -> resBlock(op, NDArrays.concat(new NDList(h, skip), 1), tembAct);
            case ATTENTION -> attention(op.name(), h, op.channels());
            case DOWN -> layers.conv(h, op.name(), 2);
            case UP -> layers.conv(Layers.upsample2x(h), op.name());
        };
    }

    private NDArray resBlock(Op op, NDArray x, NDArray tembAct) {
        String name = op.name();
        int groups = config.groups();
        NDArray h = layers.conv(layers.groupNormSilu(x, name + ".norm1", groups), name + ".conv1");
        h = h.add(Layers.asChannelMap(layers.linear(tembAct, name + ".time")));
        h = layers.conv(layers.groupNormSilu(h, name + ".norm2", groups), name + ".conv2");
        NDArray skip = op.projectSkip() ? layers.conv(x, name + ".skip") : x;
        return skip.add(h);
    }

    private NDArray attention(String name, NDArray x, int c) {
        long n = x.getShape().get(0);
        long hw = x.getShape().get(2) * x.getShape().get(3);
        NDArray qkv = layers.conv(layers.groupNorm(x, name + ".norm", config.groups()), name + ".qkv")
                .reshape(n, 3, c, hw);
        NDList parts = qkv.split(3, 1);
        NDArray q = parts.get(0).reshape(n, c, hw).transpose(0, 2, 1);
        NDArray k = parts.get(1).reshape(n, c, hw);
        NDArray v = parts.get(2).reshape(n, c, hw);
        NDArray weights = OwnedArrays.div(q.matMul(k), (float) Math.sqrt(c)).softmax(2);
        NDArray out = v.matMul(weights.transpose(0, 2, 1)).reshape(x.getShape());
        return x.add(layers.conv(out, name + ".proj"));
    }

    public UNetConfig config() {
        return config;
    }

    public SampleShape shape() {
        return shape;
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
