package io.dxmi.core.nn;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The shape of a {@link ConvEnergy}: the official DxMI code's image energy (IGEBMEncoderV2)
 * with a settable width. Default width 32 for 28×28 gray images (the CIFAR-10 network uses 128):
 * about 0.3 M parameters and 0.04 G multiply–adds per image.
 *
 * @param channels width of the first stage; the later stages are twice as wide (default 32)
 * @param timeConditioned whether the network also takes the time (a value V(x, t)); the energy
 *     and the official image value are time-independent (default false)
 * @param embeddingDim width of the sinusoidal time embedding when time-conditioned (default 32)
 * @param head how the last feature map becomes one number (default {@link Head#SUM}, the official
 *     network's; configurations written before this setting existed read as SUM)
 */
public record ConvEnergyConfig(int channels, boolean timeConditioned, int embeddingDim,
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = OfficialHead.class) Head head) {

    /** How the last feature map (2·channels × h × w after three 2× poolings) becomes the output. */
    public enum Head {
        /** Summed over positions, then a linear map: the official network; blind to where a feature is. */
        SUM,
        /**
         * Every position's features into the linear map (2·channels·h·w inputs): the output depends on where
         * each feature is, which aligned images (a part always in the same place) need for detection.
         */
        FLATTEN
    }

    /**
     * Leaves the official head out of written configurations, so that they stay as older versions wrote them
     * (hashes of configurations, such as the one-class benchmark's resume check, included).
     */
    public static final class OfficialHead {
        @Override
        public boolean equals(Object value) {
            return value == Head.SUM; // Jackson's CUSTOM filter: true = leave out
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }

    public ConvEnergyConfig {
        if (channels < 1 || embeddingDim < 2 || embeddingDim % 2 != 0) {
            throw new IllegalArgumentException("invalid convolutional energy shape: channels=" + channels
                    + ", embeddingDim=" + embeddingDim + " (embedding width must be even)");
        }
        if (head == null) {
            head = Head.SUM;
        }
    }

    /** The official network's head ({@link Head#SUM}). */
    public ConvEnergyConfig(int channels, boolean timeConditioned, int embeddingDim) {
        this(channels, timeConditioned, embeddingDim, Head.SUM);
    }

    public static ConvEnergyConfig defaults() {
        return new ConvEnergyConfig(32, false, 32);
    }

    public ConvEnergyConfig withTimeConditioning(boolean on) {
        return new ConvEnergyConfig(channels, on, embeddingDim, head);
    }

    public ConvEnergyConfig withHead(Head h) {
        return new ConvEnergyConfig(channels, timeConditioned, embeddingDim, h);
    }
}
