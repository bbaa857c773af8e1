package io.dxmi.core.anomaly;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A decision threshold on the energy and the score normalisation that travel with a model.
 *
 * <p>Decision: a sample is anomalous when its energy is above {@code threshold}. Normalisation
 * (anomalib's min-max convention): {@code score = clamp((energy − threshold) / (max − min) + 0.5, 0, 1)},
 * so the threshold maps to 0.5 and the score is comparable across models.
 *
 * @param id unique id, named by every score decided with it
 * @param method {@value #METHOD_FPR}, {@value #METHOD_MANUAL}, or with labelled anomalies the
 *     {@link ThresholdCriterion}'s label ({@code balanced-f1}, {@code f1}, {@code youden})
 * @param targetFpr the target false-positive rate ({@value #METHOD_FPR} only)
 * @param threshold the energy threshold
 * @param scoreMin the lowest calibration energy (anomalib's min)
 * @param scoreMax the highest calibration energy (anomalib's max)
 * @param normalDataHash SHA-256 of the normal calibration data
 * @param anomalousDataHash SHA-256 of the labelled anomalies (with labelled anomalies only)
 * @param normalCount normal rows scored
 * @param anomalousCount anomalous rows scored
 * @param achieved what the threshold achieves on the calibration data
 * @param modelWeightsSha256 the weights it was calibrated on
 * @param createdAt ISO-8601 creation time
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Calibration(String id, String method, Double targetFpr, double threshold, double scoreMin,
        double scoreMax, String normalDataHash, String anomalousDataHash, int normalCount, int anomalousCount,
        Achieved achieved, String modelWeightsSha256, String createdAt) {

    public static final String METHOD_FPR = "fpr";
    public static final String METHOD_MANUAL = "manual";

    public Calibration {
        if (!Double.isFinite(threshold) || !Double.isFinite(scoreMin) || !Double.isFinite(scoreMax)) {
            throw new IllegalArgumentException("a calibration needs a finite threshold, min and max");
        }
        if (scoreMax < scoreMin) {
            throw new IllegalArgumentException("the normalisation's max (" + scoreMax + ") is below its min ("
                    + scoreMin + ")");
        }
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a calibration needs an id");
        }
    }

    /**
     * What the threshold does on the calibration data (anomalies are the positives).
     *
     * @param fpr normal rows above the threshold / normal rows
     * @param tpr anomalous rows above it / anomalous rows (null without anomalies)
     * @param precision anomalous rows among those above it (null without anomalies)
     * @param f1 harmonic mean of precision and recall on the rows as given (null without anomalies)
     * @param objective the value of the criterion the threshold maximises (null without anomalies)
     * @param auroc the energy's AUROC, anomalies against normal rows (null without anomalies)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Achieved(double fpr, Double tpr, Double precision, Double f1, Double objective, Double auroc) {}

    /** True when the energy is above the threshold. */
    public boolean isAnomalous(double energy) {
        return energy > threshold;
    }

    /** The normalised score in [0, 1], 0.5 at the threshold. */
    public double normalise(double energy) {
        return normalise(energy, threshold, scoreMin, scoreMax);
    }

    /**
     * anomalib's min-max normalisation. A degenerate range (max = min) puts every energy above
     * the threshold at 1 and every other at 0 (0.5 exactly at it).
     */
    public static double normalise(double energy, double threshold, double min, double max) {
        double range = max - min;
        double s;
        if (range > 0) {
            s = (energy - threshold) / range + 0.5;
        } else {
            s = energy > threshold ? 1 : energy < threshold ? 0 : 0.5;
        }
        return Math.min(1, Math.max(0, s));
    }
}
