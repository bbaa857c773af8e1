package io.dxmi.core.nn;

import java.util.Arrays;

/**
 * The shape of a {@link UNet}: the DDPM UNet (Ho et al. 2020) scaled down for small images.
 * Defaults suit 28×28 gray images on a CPU: base width 32, widths ×1, ×2, ×2 at 28, 14 and 7
 * pixels, one residual block per level, self-attention at the lowest resolution only, GroupNorm
 * with 8 groups (4 channels per group at the narrowest layer; the CIFAR-10 network's 32 groups
 * suit its 128 channels), no dropout (the data sets here are large next to these networks).
 * About 1.1 M parameters and 0.19 G multiply–adds per 28×28 image.
 *
 * @param channels base width (default 32)
 * @param channelMultipliers width of each resolution level relative to the base (default 1, 2, 2)
 * @param residualBlocks residual blocks per level on the way down (one more on the way up; default 1)
 * @param attentionAtLowest whether the lowest resolution has self-attention (default true)
 * @param groups GroupNorm groups (default 8)
 */
public record UNetConfig(int channels, int[] channelMultipliers, int residualBlocks, boolean attentionAtLowest,
        int groups) {

    public UNetConfig {
        if (channels < 1 || residualBlocks < 1 || groups < 1 || channelMultipliers == null
                || channelMultipliers.length == 0) {
            throw new IllegalArgumentException("invalid UNet shape: channels=" + channels + ", blocks="
                    + residualBlocks + ", groups=" + groups + ", multipliers=" + Arrays.toString(channelMultipliers));
        }
        for (int m : channelMultipliers) {
            if (m < 1 || (channels * m) % groups != 0) {
                throw new IllegalArgumentException("UNet widths must be positive multiples of the " + groups
                        + " GroupNorm groups, got " + channels + " × " + m);
            }
        }
        channelMultipliers = channelMultipliers.clone();
    }

    public static UNetConfig defaults() {
        return new UNetConfig(32, new int[] {1, 2, 2}, 1, true, 8);
    }

    /** The same shape with another base width. */
    public UNetConfig withChannels(int c) {
        return new UNetConfig(c, channelMultipliers, residualBlocks, attentionAtLowest, Math.min(groups, c));
    }

    @Override
    public int[] channelMultipliers() {
        return channelMultipliers.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UNetConfig u && u.channels == channels && Arrays.equals(u.channelMultipliers,
                channelMultipliers) && u.residualBlocks == residualBlocks && u.attentionAtLowest == attentionAtLowest
                && u.groups == groups;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(channelMultipliers) * 31 + channels * 7 + residualBlocks + groups * 13
                + (attentionAtLowest ? 1 : 0);
    }

    @Override
    public String toString() {
        return "UNet(ch " + channels + ", mult " + Arrays.toString(channelMultipliers) + ", blocks " + residualBlocks
                + (attentionAtLowest ? ", attention at lowest" : "") + ", groups " + groups + ")";
    }
}
