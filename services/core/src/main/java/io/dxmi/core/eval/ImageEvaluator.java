package io.dxmi.core.eval;

import io.dxmi.core.classifier.TrainedClassifier;
import io.dxmi.core.data.image.ImageSplit;
import io.dxmi.core.metrics.FrechetDistance;
import io.dxmi.core.metrics.PrecisionRecall;
import io.dxmi.core.random.Rng;

import java.util.Arrays;
import java.util.Locale;

/**
 * Evaluates generated images against a reference split (the data set's test images) on the
 * feature classifier's penultimate layer: FD, precision and recall, and the classifier's class shares
 * of both sides. Generated pixels are clamped
 * to [0, 1] first (as writing them as 8-bit images would); non-finite pixels are refused. The
 * reference features and their Gaussian fit are computed once, at build time. Does not own the
 * classifier.
 */
public final class ImageEvaluator {

    private final TrainedClassifier classifier;
    private final ImageSplit reference;
    private final int k;
    private final float[] referenceFeatures;
    private final FrechetDistance.Gaussian referenceFit;
    private final double[] referenceClassShares;

    private ImageEvaluator(Builder b) {
        this.classifier = b.classifier;
        this.reference = b.reference;
        this.k = b.k;
        this.referenceFeatures = classifier.model().features(reference.pixels());
        this.referenceFit = FrechetDistance.Gaussian.fit(referenceFeatures, featureWidth());
        this.referenceClassShares = classShares(referenceFeatures);
    }

    public static Builder builder() {
        return new Builder();
    }

    private int featureWidth() {
        return classifier.model().featureWidth();
    }

    /**
     * FD, precision and recall of generated images.
     *
     * @param samples n × C × H × W pixels (data space, nominally [0, 1]), n ≥ 2 and n > k
     */
    public ImageEvaluation evaluate(float[] samples) {
        int d = reference.shape().size();
        if (samples.length == 0 || samples.length % d != 0) {
            throw new IllegalArgumentException(samples.length + " values are not whole " + reference.shape() + " images");
        }
        float[] clamped = new float[samples.length];
        int bad = 0;
        for (int i = 0; i < samples.length; i++) {
            float v = samples[i];
            if (!Float.isFinite(v)) {
                bad++;
            }
            clamped[i] = Math.max(0f, Math.min(1f, v));
        }
        if (bad > 0) {
            throw new IllegalArgumentException(bad + " generated pixels are not finite; cannot evaluate the samples");
        }
        float[] features = classifier.model().features(clamped);
        double fd = FrechetDistance.between(FrechetDistance.Gaussian.fit(features, featureWidth()), referenceFit);
        PrecisionRecall.Result pr = PrecisionRecall.compute(referenceFeatures, features, featureWidth(), k);
        return new ImageEvaluation(fd, pr.precision(), pr.recall(), k, samples.length / d, reference.size(),
                classifier.testAccuracy(), classifier.weightsSha256(), classShares(features),
                referenceClassShares.clone());
    }

    /** Predicted-class shares (the classifier's labels on both sides, so its errors count alike). */
    private double[] classShares(float[] features) {
        return ImageEvaluation.shares(classifier.model().classesOf(features), classifier.model().classes());
    }

    /**
     * How FD behaves at {@code n} samples for a perfect sampler: {@code repeats} times, the
     * reference images are shuffled and split into {@code m = min(n, size / 2)} "generated" ones and
     * the rest, and the FD between the two parts is taken.
     */
    public FdNoise noiseAt(int n, int repeats, long seed) {
        int size = reference.size();
        int m = Math.min(n, size / 2);
        if (m < 2 || repeats < 1) {
            throw new IllegalArgumentException("need at least 4 reference images, 2 samples and 1 repeat");
        }
        int w = featureWidth();
        Rng rng = new Rng(seed);
        double[] fds = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            int[] order = rng.permutation(size);
            float[] a = gather(order, 0, m, w);
            float[] b = gather(order, m, size, w);
            fds[r] = FrechetDistance.between(a, b, w);
        }
        double mean = Arrays.stream(fds).average().orElse(Double.NaN);
        double var = 0;
        for (double f : fds) {
            var += (f - mean) * (f - mean);
        }
        double std = repeats > 1 ? Math.sqrt(var / (repeats - 1)) : 0;
        return new FdNoise(m, size - m, repeats, mean, std);
    }

    private float[] gather(int[] order, int from, int to, int w) {
        float[] out = new float[(to - from) * w];
        for (int i = from; i < to; i++) {
            System.arraycopy(referenceFeatures, order[i] * w, out, (i - from) * w, w);
        }
        return out;
    }

    /** The protocol in one line, for reports. */
    public String describe() {
        return "FD, precision and recall (k = " + k + ") on the " + featureWidth()
                + " penultimate features of the project's classifier (test accuracy "
                + String.format(Locale.ROOT, "%.4f", classifier.testAccuracy()) + ", weights SHA-256 "
                + classifier.weightsSha256() + "), against " + reference.size() + " test images";
    }

    /** Builder: {@code setClassifier} and {@code setReference} are required. */
    public static final class Builder {
        private TrainedClassifier classifier;
        private ImageSplit reference;
        private int k = PrecisionRecall.DEFAULT_K;

        public Builder setClassifier(TrainedClassifier classifier) {
            this.classifier = classifier;
            return this;
        }

        /** The images generated ones are compared with: the data set's test split. */
        public Builder setReference(ImageSplit reference) {
            this.reference = reference;
            return this;
        }

        /** Neighbourhood size of precision and recall; default 3. */
        public Builder optK(int k) {
            this.k = k;
            return this;
        }

        public ImageEvaluator build() {
            if (classifier == null || reference == null) {
                throw new IllegalStateException("ImageEvaluator needs setClassifier and setReference");
            }
            if (!classifier.model().shape().equals(reference.shape())) {
                throw new IllegalStateException("the classifier takes " + classifier.model().shape()
                        + " images but the reference images are " + reference.shape());
            }
            if (reference.size() <= k || k < 1) {
                throw new IllegalStateException("the reference needs more than k = " + k + " images, has "
                        + reference.size());
            }
            return new ImageEvaluator(this);
        }
    }
}
