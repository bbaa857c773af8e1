package io.dxmi.core.dxmi;

import java.util.Arrays;

/**
 * The arithmetic of a {@link FeatureDensity}'s fit, in double precision on plain arrays: a ridge-regularised
 * covariance, its Cholesky factor and that factor's inverse (the whitening matrix), and the median and spread
 * that standardise a block's squared distances.
 */
final class GaussianFit {

    private GaussianFit() {}

    /** W = L⁻¹ with L Lᵀ = Σ + λI of n × d rows, λ = {@code shrinkage} · tr Σ / d (their mean into {@code mu}). */
    static float[] whitening(float[] features, int n, int d, double shrinkage, double[] mu) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                mu[j] += features[i * d + j];
            }
        }
        for (int j = 0; j < d; j++) {
            mu[j] /= n;
        }
        double[] cov = new double[d * d];
        double[] row = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                row[j] = features[i * d + j] - mu[j];
            }
            for (int a = 0; a < d; a++) {
                double ra = row[a];
                if (ra != 0) {
                    int base = a * d;
                    for (int b = 0; b <= a; b++) {
                        cov[base + b] += ra * row[b];
                    }
                }
            }
        }
        double trace = 0;
        for (int a = 0; a < d; a++) {
            for (int b = 0; b <= a; b++) {
                cov[a * d + b] /= n - 1;
            }
            trace += cov[a * d + a];
        }
        double ridge = shrinkage * (trace > 0 ? trace / d : 1);
        for (int a = 0; a < d; a++) {
            cov[a * d + a] += ridge;
        }
        return lowerInverse(cholesky(cov, d), d);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : 0.5 * (s[m - 1] + s[m]);
    }

    static double standardDeviation(double[] v) {
        double mu = Arrays.stream(v).average().orElse(0);
        return Math.sqrt(Arrays.stream(v).map(x -> (x - mu) * (x - mu)).sum() / v.length);
    }

    /** L with L Lᵀ = A, from A's lower triangle. */
    private static double[] cholesky(double[] a, int d) {
        double[] l = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i * d + j];
                for (int k = 0; k < j; k++) {
                    s -= l[i * d + k] * l[j * d + k];
                }
                if (i == j) {
                    if (!(s > 0)) {
                        throw new IllegalArgumentException("the feature covariance is not positive definite (pivot " + i
                                + "): raise the shrinkage");
                    }
                    l[i * d + i] = Math.sqrt(s);
                } else {
                    l[i * d + j] = s / l[j * d + j];
                }
            }
        }
        return l;
    }

    /** L⁻¹ of a lower-triangular L, by forward substitution, column by column. */
    private static float[] lowerInverse(double[] l, int d) {
        double[] inv = new double[d * d];
        for (int c = 0; c < d; c++) {
            for (int i = c; i < d; i++) {
                double s = i == c ? 1 : 0;
                for (int k = c; k < i; k++) {
                    s -= l[i * d + k] * inv[k * d + c];
                }
                inv[i * d + c] = s / l[i * d + i];
            }
        }
        float[] out = new float[d * d];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) inv[i];
        }
        return out;
    }
}
