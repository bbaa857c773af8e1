package io.dxmi.core.classifier;

/**
 * Shape and training settings of the {@link FeatureClassifier}.
 *
 * @param conv1 channels of the first 5×5 convolution
 * @param conv2 channels of the second 5×5 convolution
 * @param features width of the penultimate (feature) layer
 * @param epochs passes over the training split
 * @param batch images per step
 * @param learningRate Adam's initial rate, decayed to 0 along a half cosine
 * @param maxShift training images are shifted by up to this many pixels in each direction
 *        (zero fill), a different random shift per image and step
 * @param seed seed of the initial weights, the batch order and the shifts
 */
public record ClassifierConfig(int conv1, int conv2, int features, int epochs, int batch, float learningRate,
        int maxShift, long seed) {

    public ClassifierConfig {
        if (conv1 < 1 || conv2 < 1 || features < 1) {
            throw new IllegalArgumentException("classifier widths must be positive");
        }
        if (epochs < 1 || batch < 1 || !(learningRate > 0) || maxShift < 0) {
            throw new IllegalArgumentException("epochs, batch and learning rate must be positive, the shift >= 0");
        }
    }

    /** The defaults: 32 and 64 channels, 128 features, 12 epochs of batch 128 at 2e-3, shifts of ±2 pixels. */
    public static ClassifierConfig defaults() {
        return new ClassifierConfig(32, 64, 128, 12, 128, 2e-3f, 2, 0L);
    }

    public ClassifierConfig withEpochs(int e) {
        return new ClassifierConfig(conv1, conv2, features, e, batch, learningRate, maxShift, seed);
    }

    public ClassifierConfig withSeed(long s) {
        return new ClassifierConfig(conv1, conv2, features, epochs, batch, learningRate, maxShift, s);
    }

    public ClassifierConfig withWidths(int c1, int c2, int f) {
        return new ClassifierConfig(c1, c2, f, epochs, batch, learningRate, maxShift, seed);
    }
}
