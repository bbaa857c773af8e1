package io.dxmi.core.dxmi;

import io.dxmi.core.data.Box;
import io.dxmi.core.model.Normalization;
import io.dxmi.core.random.Rng;

import java.util.function.BiFunction;

/**
 * Extra negatives for the energy step: points drawn uniformly from the data's bounding box,
 * widened on every side, in model space. Why: with the γ regulariser the optimal energy is
 * E* = (π − p) / (2γ(π + p)) (π the sampler's density, p the data's), which says nothing where
 * neither the sampler nor the data put mass; there the network extrapolates, and far-off points
 * can score as data. With box negatives of weight λ the optimum becomes
 * E* = (π + λu − p) / (2γ(p + π + λu)) (u the box's uniform density): high wherever the data are
 * absent, and, when π matches p, ranked by p itself.
 */
final class BoxNegatives {

    /** Data rows drawn once to find the bounding box. */
    static final int BOX_ROWS = 10_000;
    private static final long BOX_SEED = 0x0B0CL;

    private final Box box;

    private BoxNegatives(Box box) {
        this.box = box;
    }

    /**
     * The box of {@link #BOX_ROWS} data rows (a fixed draw, so every service of a run finds the
     * same box), in model space, each side moved out by {@code margin} times its width.
     */
    static BoxNegatives fromData(BiFunction<Integer, Rng, float[]> data, Normalization normalization, int dimension,
            double margin) {
        float[] rows = normalization.toModel(data.apply(BOX_ROWS, new Rng(BOX_SEED)));
        return new BoxNegatives(Box.boundingBox(rows, dimension).widened(margin));
    }

    Box box() {
        return box;
    }

    /** n uniform points of the box, row-major. */
    float[] draw(int n, Rng rng) {
        return box.sampleUniform(n, rng);
    }
}
