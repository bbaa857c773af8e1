package io.dxmi.core.nn;

/**
 * The shape of a {@link TimeMlp}: hidden width, number of hidden layers, time-embedding width.
 *
 * @param hidden hidden width (default 128)
 * @param layers hidden layers (default 3)
 * @param embeddingDim sinusoidal embedding width (default 32)
 */
public record NetworkConfig(int hidden, int layers, int embeddingDim) {

    public NetworkConfig {
        if (hidden < 1 || layers < 1 || embeddingDim < 2 || embeddingDim % 2 != 0) {
            throw new IllegalArgumentException("invalid network shape: hidden=" + hidden + ", layers=" + layers
                    + ", embeddingDim=" + embeddingDim + " (embedding width must be even)");
        }
    }

    /** 3 × 128 SiLU with a 32-wide time embedding: the method page's 2D configuration. */
    public static NetworkConfig defaults() {
        return new NetworkConfig(128, 3, 32);
    }

    /** A builder pre-filled with this shape for the given input and output widths. */
    public TimeMlp.Builder mlp(int inputDim, int outputDim, String prefix) {
        return TimeMlp.builder().setInputDim(inputDim).setOutputDim(outputDim).optHidden(hidden).optLayers(layers)
                .optEmbeddingDim(embeddingDim).optPrefix(prefix);
    }
}
