package io.dxmi.core.anomaly;

import io.dxmi.core.metrics.RocAuc;

import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.charset.StandardCharsets;

/**
 * Chooses a threshold from energies of calibration data.
 *
 * <ul>
 *   <li>{@link #byFalsePositiveRate}: with n normal energies sorted ascending e₍₁₎ ≤ … ≤ e₍ₙ₎ and
 *       k = ⌊p·n⌋, the threshold is e₍ₙ₋ₖ₎: at most k normal rows lie above it, so the empirical
 *       false-positive rate is at most p (exactly k/n without ties). p = 0 gives the maximum.</li>
 *   <li>{@link #withAnomalies}: every distinct energy is a candidate; the one whose decision
 *       (energy above it) scores best by a {@link ThresholdCriterion} with the anomalies as
 *       positives wins (by default F1 with the classes weighted equally), ties going to the
 *       higher threshold (fewer false alarms).</li>
 * </ul>
 * The normalisation's min and max are those of every energy given (normal and anomalous).
 */
public final class Calibrator {

    /** Criterion values closer than this are a tie (2/3 and 1 − 1/3 differ in the last bit). */
    private static final double TIE = 1e-12;

    private Calibrator() {}

    /** Threshold by target false-positive rate on normal energies. */
    public static Calibration byFalsePositiveRate(float[] normal, double fpr, String normalDataHash,
            String modelWeightsSha256) {
        if (!(fpr >= 0 && fpr < 1)) {
            throw new IllegalArgumentException("the target false-positive rate must be in [0, 1), got " + fpr);
        }
        double[] sorted = sortedFinite(normal, "normal");
        int n = sorted.length;
        int k = (int) Math.floor(fpr * n + 1e-9);
        double threshold = sorted[n - 1 - k];
        Calibration.Achieved achieved = new Calibration.Achieved(above(sorted, threshold) / (double) n, null, null,
                null, null, null);
        return new Calibration(id(Calibration.METHOD_FPR, threshold, normalDataHash, modelWeightsSha256),
                Calibration.METHOD_FPR, fpr, threshold, sorted[0], sorted[n - 1], normalDataHash, null, n, 0,
                achieved, modelWeightsSha256, Instant.now().toString());
    }

    /**
     * The threshold that maximises {@code criterion} with labelled anomalies. Every distinct energy
     * is a candidate (and one below all of them: everything flagged); ties go to the higher
     * threshold (fewer false alarms).
     */
    public static Calibration withAnomalies(float[] normal, float[] anomalous, ThresholdCriterion criterion,
            String normalDataHash, String anomalousDataHash, String modelWeightsSha256) {
        double[] neg = sortedFinite(normal, "normal");
        double[] pos = sortedFinite(anomalous, "anomalous");
        double[] all = new double[neg.length + pos.length];
        System.arraycopy(neg, 0, all, 0, neg.length);
        System.arraycopy(pos, 0, all, neg.length, pos.length);
        Arrays.sort(all);
        double bestValue = Double.NEGATIVE_INFINITY;
        double best = all[all.length - 1];
        // Candidates from the highest down, then below every energy: a tie keeps the higher threshold.
        for (int i = all.length - 1; i >= -1; i--) {
            if (i >= 0 && i < all.length - 1 && all[i] == all[i + 1]) {
                continue;
            }
            double t = i >= 0 ? all[i] : Math.nextDown(all[0]);
            double v = criterion.value(above(pos, t), above(neg, t), pos.length, neg.length);
            if (v > bestValue + TIE) {
                bestValue = v;
                best = t;
            }
        }
        int tp = above(pos, best);
        int fp = above(neg, best);
        Calibration.Achieved achieved = new Calibration.Achieved(fp / (double) neg.length, tp / (double) pos.length,
                tp + fp == 0 ? 0.0 : tp / (double) (tp + fp),
                ThresholdCriterion.F1.value(tp, fp, pos.length, neg.length), bestValue, RocAuc.auc(pos, neg));
        return new Calibration(id(criterion.label(), best, normalDataHash + anomalousDataHash, modelWeightsSha256),
                criterion.label(), null, best, all[0], all[all.length - 1], normalDataHash, anomalousDataHash,
                neg.length, pos.length, achieved, modelWeightsSha256, Instant.now().toString());
    }

    /** A threshold set by hand, with its normalisation range. */
    public static Calibration manual(double threshold, double min, double max, String modelWeightsSha256) {
        return new Calibration(id(Calibration.METHOD_MANUAL, threshold, min + ":" + max, modelWeightsSha256),
                Calibration.METHOD_MANUAL, null, threshold, min, max, null, null, 0, 0, null, modelWeightsSha256,
                Instant.now().toString());
    }

    /** Values strictly above t in an ascending array. */
    static int above(double[] sorted, double t) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return sorted.length - lo;
    }

    private static double[] sortedFinite(float[] values, String what) {
        if (values == null || values.length == 0) {
            throw new IllegalArgumentException("calibration needs at least one " + what + " energy");
        }
        double[] d = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IllegalArgumentException(what + " energy at row " + (i + 1) + " is not finite ("
                        + values[i] + ")");
            }
            d[i] = values[i];
        }
        Arrays.sort(d);
        return d;
    }

    /** A short id from what was decided, on what, and when (two calibrations never share one). */
    private static String id(String method, double threshold, String data, String weights) {
        String text = method + "|" + threshold + "|" + data + "|" + weights + "|" + System.nanoTime() + "|"
                + Instant.now();
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "cal-" + HexFormat.of().formatHex(h, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
