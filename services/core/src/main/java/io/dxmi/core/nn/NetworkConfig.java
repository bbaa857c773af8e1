package io.dxmi.core.nn;

import ai.djl.ndarray.NDManager;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.random.Rng;

/**
 * The architecture of a network, saved in every model's manifest: a time-conditioned SiLU MLP
 * for vectors ({@code hidden}, {@code layers}, {@code embeddingDim}), or, for images, a
 * {@link UNet} (ε-networks and sampler means) or a {@link ConvEnergy} (energies and values).
 * Manifests written before images existed have neither image field and read as the MLP.
 *
 * @param hidden MLP hidden width (default 128)
 * @param layers MLP hidden layers (default 3)
 * @param embeddingDim MLP sinusoidal embedding width (default 32)
 * @param unet the UNet's shape, or null
 * @param convEnergy the convolutional energy's shape, or null
 */
public record NetworkConfig(int hidden, int layers, int embeddingDim, UNetConfig unet, ConvEnergyConfig convEnergy) {

    public NetworkConfig {
        if (hidden < 1 || layers < 1 || embeddingDim < 2 || embeddingDim % 2 != 0) {
            throw new IllegalArgumentException("invalid network shape: hidden=" + hidden + ", layers=" + layers
                    + ", embeddingDim=" + embeddingDim + " (embedding width must be even)");
        }
        if (unet != null && convEnergy != null) {
            throw new IllegalArgumentException("a network is a UNet or a convolutional energy, not both");
        }
    }

    /** An MLP of the given shape. */
    public NetworkConfig(int hidden, int layers, int embeddingDim) {
        this(hidden, layers, embeddingDim, null, null);
    }

    /** 3 × 128 SiLU with a 32-wide time embedding: the method page's 2D configuration. */
    public static NetworkConfig defaults() {
        return new NetworkConfig(128, 3, 32);
    }

    /** A UNet ε-network. */
    public static NetworkConfig of(UNetConfig unet) {
        return new NetworkConfig(128, 3, 32, unet, null);
    }

    /** A convolutional energy/value network. */
    public static NetworkConfig of(ConvEnergyConfig conv) {
        return new NetworkConfig(128, 3, 32, null, conv);
    }

    /** "mlp", "unet" or "conv-energy". */
    public String kind() {
        return unet != null ? "unet" : convEnergy != null ? "conv-energy" : "mlp";
    }

    /** A builder pre-filled with this MLP shape for the given input and output widths. */
    public TimeMlp.Builder mlp(int inputDim, int outputDim, String prefix) {
        return TimeMlp.builder().setInputDim(inputDim).setOutputDim(outputDim).optHidden(hidden).optLayers(layers)
                .optEmbeddingDim(embeddingDim).optPrefix(prefix);
    }

    /** A network from samples of {@code shape} to the same shape (an ε-network). */
    public TimeNetwork denoiser(SampleShape shape, String prefix, NDManager manager, Rng rng) {
        if (unet != null) {
            return new UNet(unet, shape, prefix, manager, rng);
        }
        if (convEnergy != null) {
            throw new IllegalArgumentException("a convolutional energy cannot predict noise; use a UNet");
        }
        return mlp(shape.size(), shape.size(), prefix).build(manager, rng);
    }

    /**
     * A network from samples of {@code shape} to one number (an energy or a value). The MLP always
     * takes the time; the convolutional network only when {@code timeConditioned}.
     */
    public TimeNetwork scalar(SampleShape shape, boolean timeConditioned, String prefix, NDManager manager,
            Rng rng) {
        if (convEnergy != null) {
            return new ConvEnergy(convEnergy.withTimeConditioning(timeConditioned), shape, prefix, manager, rng);
        }
        if (unet != null) {
            throw new IllegalArgumentException("a UNet is not an energy network; use a convolutional energy");
        }
        return mlp(shape.size(), 1, prefix).build(manager, rng);
    }
}
