package io.dxmi.core.nn;

/**
 * The shape of a {@link ConvEnergy}: the official DxMI code's image energy (IGEBMEncoderV2)
 * with a settable width. Default width 32 for 28×28 gray images (the CIFAR-10 network uses 128):
 * about 0.3 M parameters and 0.04 G multiply–adds per image.
 *
 * @param channels width of the first stage; the later stages are twice as wide (default 32)
 * @param timeConditioned whether the network also takes the time (a value V(x, t)); the energy
 *     and the official image value are time-independent (default false)
 * @param embeddingDim width of the sinusoidal time embedding when time-conditioned (default 32)
 */
public record ConvEnergyConfig(int channels, boolean timeConditioned, int embeddingDim) {

    public ConvEnergyConfig {
        if (channels < 1 || embeddingDim < 2 || embeddingDim % 2 != 0) {
            throw new IllegalArgumentException("invalid convolutional energy shape: channels=" + channels
                    + ", embeddingDim=" + embeddingDim + " (embedding width must be even)");
        }
    }

    public static ConvEnergyConfig defaults() {
        return new ConvEnergyConfig(32, false, 32);
    }

    public ConvEnergyConfig withTimeConditioning(boolean on) {
        return new ConvEnergyConfig(channels, on, embeddingDim);
    }
}
