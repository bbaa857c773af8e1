package io.dxmi.core.eval;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Quality of generated images, measured on the feature classifier's penultimate layer against a
 * reference split (the test images).
 *
 * @param fd Fréchet distance between Gaussian fits of generated and reference features
 * @param precision share of generated images inside the reference manifold (k-NN, Kynkäänniemi et al.)
 * @param recall share of reference images inside the generated manifold
 * @param k the neighbourhood size of precision and recall
 * @param samples generated images used
 * @param referenceSamples reference images used
 * @param classifierAccuracy the classifier's test accuracy
 * @param classifierWeightsSha256 SHA-256 of the classifier's weights
 * @param classShares share of the generated images that the classifier puts in each class (sums to 1)
 * @param referenceClassShares the same for the reference images
 */
public record ImageEvaluation(double fd, double precision, double recall, int k, int samples, int referenceSamples,
        double classifierAccuracy, String classifierWeightsSha256, double[] classShares,
        double[] referenceClassShares) {

    /**
     * How far the generated images' mix of classes is from the reference's: the total variation distance
     * ½ Σ |p_c − q_c| between the two class shares, 0 for the same mix, 1 for disjoint classes. A sampler
     * that drops or overdraws whole classes shows here before its FD says why.
     */
    public double classShareGap() {
        return shareGap(classShares, referenceClassShares);
    }

    /** ½ Σ |p_c − q_c| over two share vectors of the same length. */
    static double shareGap(double[] p, double[] q) {
        if (p.length != q.length) {
            throw new IllegalArgumentException(p.length + " class shares against " + q.length);
        }
        double sum = 0;
        for (int c = 0; c < p.length; c++) {
            sum += Math.abs(p[c] - q[c]);
        }
        return sum / 2;
    }

    /** The share of each class among predicted classes 0 … classes − 1. */
    static double[] shares(int[] predicted, int classes) {
        double[] out = new double[classes];
        for (int c : predicted) {
            out[c]++;
        }
        for (int c = 0; c < classes; c++) {
            out[c] /= Math.max(predicted.length, 1);
        }
        return out;
    }

    /** The fields under the names result files use (fd, precision, recall, classifier_accuracy, …). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("fd", fd);
        m.put("precision", precision);
        m.put("recall", recall);
        m.put("pr_k", k);
        m.put("fd_samples", samples);
        m.put("fd_reference_samples", referenceSamples);
        m.put("classifier_accuracy", classifierAccuracy);
        m.put("classifier_weights_sha256", classifierWeightsSha256);
        m.put("class_share_gap", classShareGap());
        m.put("class_shares", classShareList());
        return m;
    }

    /** The samples' class shares as a list, the form result files hold them in. */
    public List<Double> classShareList() {
        return Arrays.stream(classShares).boxed().toList();
    }
}
