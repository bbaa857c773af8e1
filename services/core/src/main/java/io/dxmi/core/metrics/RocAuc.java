package io.dxmi.core.metrics;

import java.util.Arrays;

/**
 * Area under the ROC curve: the probability that a random positive scores higher than a random
 * negative, a tie counting 1/2 (the Mann–Whitney U statistic divided by n·m).
 */
public final class RocAuc {

    private RocAuc() {
    }

    /**
     * AUC of the scores. Sorting both sides and walking them together counts, for each positive,
     * the negatives below it and those tied with it; this equals the rank-sum statistic with
     * average ranks for ties, in O((n + m) log(n + m)) and with exact integer counts.
     *
     * @throws IllegalArgumentException if either side is empty or holds a NaN
     */
    public static double auc(double[] positives, double[] negatives) {
        double[] pos = sortedChecked(positives, "positive");
        double[] neg = sortedChecked(negatives, "negative");
        int below = 0; // negatives strictly below the current positive
        int atOrBelow = 0; // negatives at or below it
        long twiceU = 0; // 2·(below + ties/2), kept integral
        for (double p : pos) {
            while (below < neg.length && neg[below] < p) {
                below++;
            }
            if (atOrBelow < below) {
                atOrBelow = below;
            }
            while (atOrBelow < neg.length && neg[atOrBelow] <= p) {
                atOrBelow++;
            }
            twiceU += below + atOrBelow;
        }
        return twiceU / (2.0 * pos.length * neg.length);
    }

    /** {@link #auc(double[], double[])} for float scores. */
    public static double auc(float[] positives, float[] negatives) {
        return auc(toDouble(positives), toDouble(negatives));
    }

    private static double[] sortedChecked(double[] scores, String side) {
        if (scores == null || scores.length == 0) {
            throw new IllegalArgumentException("AUC needs at least one " + side + " score");
        }
        double[] copy = new double[scores.length];
        for (int i = 0; i < scores.length; i++) {
            if (Double.isNaN(scores[i])) {
                throw new IllegalArgumentException(side + " score at index " + i + " is NaN");
            }
            // + 0.0 turns -0.0 into 0.0, which Arrays.sort would otherwise order apart.
            copy[i] = scores[i] + 0.0;
        }
        Arrays.sort(copy);
        return copy;
    }

    private static double[] toDouble(float[] scores) {
        if (scores == null) {
            return null;
        }
        double[] out = new double[scores.length];
        for (int i = 0; i < scores.length; i++) {
            out[i] = scores[i];
        }
        return out;
    }
}
