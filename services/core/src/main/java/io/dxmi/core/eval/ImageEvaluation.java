package io.dxmi.core.eval;

import java.util.LinkedHashMap;
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
 */
public record ImageEvaluation(double fd, double precision, double recall, int k, int samples, int referenceSamples,
        double classifierAccuracy, String classifierWeightsSha256) {

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
        return m;
    }
}
