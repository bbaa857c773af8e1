package io.dxmi.core.anomaly;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What a threshold chosen with labelled anomalies maximises (anomalies are the positives; a row is
 * flagged when its energy is above the threshold).
 *
 * <p>anomalib's adaptive threshold maximises F1 on the validation set as given. F1 depends on how
 * many anomalies were collected: with nine anomalous rows for each normal one, flagging every row
 * scores F1 = 2·9/(2·9 + 1) ≈ 0.95, which a real threshold rarely beats, so plain F1 then picks
 * "everything is anomalous". The default therefore weighs the two classes equally (each normal row
 * counts P/N times), which is anomalib's F1 exactly when the set is balanced and does not move
 * with the ratio: F1 = 2·TPR / (1 + TPR + FPR).
 */
public enum ThresholdCriterion {

    /** F1 with both classes weighted equally: 2·TPR / (1 + TPR + FPR). The default. */
    BALANCED_F1("balanced-f1"),
    /** anomalib's F1 on the rows as given: 2·TP / (2·TP + FP + FN); depends on the class ratio. */
    F1("f1"),
    /** Youden's J = TPR − FPR (balanced accuracy − ½ times 2): the two error rates weigh the same. */
    YOUDEN("youden");

    private final String label;

    ThresholdCriterion(String label) {
        this.label = label;
    }

    /** The name on the command line and in {@code calibration.json}'s method field. */
    public String label() {
        return label;
    }

    /**
     * The criterion's value for a decision that flags {@code tp} of {@code positives} anomalous rows
     * and {@code fp} of {@code negatives} normal rows.
     */
    public double value(int tp, int fp, int positives, int negatives) {
        double tpr = tp / (double) positives;
        double fpr = fp / (double) negatives;
        return switch (this) {
            case BALANCED_F1 -> tp == 0 ? 0 : 2 * tpr / (1 + tpr + fpr);
            case F1 -> tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + (positives - tp));
            case YOUDEN -> tpr - fpr;
        };
    }

    /** The criterion named {@code label}; an unknown name lists the known ones. */
    public static ThresholdCriterion of(String label) {
        for (ThresholdCriterion c : values()) {
            if (c.label.equals(label)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown threshold criterion '" + label + "' (known: "
                + Arrays.stream(values()).map(ThresholdCriterion::label).collect(Collectors.joining(", ")) + ")");
    }
}
