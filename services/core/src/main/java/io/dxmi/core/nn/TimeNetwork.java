package io.dxmi.core.nn;

import ai.djl.ndarray.NDArray;
import io.dxmi.core.engine.ParameterSet;

/**
 * A network of a sample and a time: the DDPM ε-network and the sampler's mean network
 * ({@code (n, shape…) → (n, shape…)}), or a value/energy network ({@code (n, shape…) → (n, 1)}).
 * The time enters as its sinusoidal embedding, built on the Java side by {@link #embedding()};
 * a time-independent network ignores it.
 */
public interface TimeNetwork {

    /**
     * @param x (n, shape…) in model space
     * @param timeEmbedding (n, {@code embedding().dimension()})
     */
    NDArray forward(NDArray x, NDArray timeEmbedding);

    /**
     * The features a density fitted on top of a trained energy network scores, (n, F). Only the
     * convolutional energy has them.
     *
     * @throws UnsupportedOperationException for a network without such a head
     */
    default NDArray features(NDArray x, NDArray timeEmbedding) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no feature head");
    }

    /**
     * How {@link #features} divides into blocks (one per depth of the network), as widths in order: a density
     * fits a Gaussian to each. One block unless the network says otherwise.
     */
    default int[] featureBlocks(NDArray x, NDArray timeEmbedding) {
        return new int[] {(int) features(x, timeEmbedding).getShape().get(1)};
    }

    /** The embedding of the time input. */
    SinusoidalEmbedding embedding();

    /** Every trainable tensor, by stable name. */
    ParameterSet parameters();

    /** Multiply–adds of one forward pass for one sample (for FLOP accounting in benchmarks). */
    long multiplyAddsPerSample();
}
