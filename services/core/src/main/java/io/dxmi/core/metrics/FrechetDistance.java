package io.dxmi.core.metrics;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.exception.MathIllegalStateException;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/**
 * The Fréchet distance between Gaussian fits of two feature sets (the FID formula of Heusel et
 * al. 2017 on any features):
 *
 * <pre>
 *   FD = |μ₁ − μ₂|² + tr Σ₁ + tr Σ₂ − 2 tr (Σ₁ Σ₂)^{1/2}
 * </pre>
 *
 * The trace of the square root is computed symmetrically: with S = Σ₁^{1/2} (from the symmetric
 * eigendecomposition of Σ₁, eigenvalues clamped at 0), Σ₁Σ₂ is similar to the symmetric
 * positive semi-definite S Σ₂ S, so tr (Σ₁Σ₂)^{1/2} = Σᵢ √λᵢ(S Σ₂ S), again clamping round-off
 * negatives at 0. This avoids the complex square roots of a general matrix square root. Means and
 * covariances (divisor n − 1) are accumulated in double precision.
 */
public final class FrechetDistance {

    private FrechetDistance() {
    }

    /** A Gaussian fit: mean and covariance of n feature rows. */
    public record Gaussian(double[] mean, double[][] covariance, int n) {

        /** Fits n rows of {@code dim} values (row-major); needs n ≥ 2. */
        public static Gaussian fit(float[] rows, int dim) {
            if (dim < 1 || rows.length % dim != 0) {
                throw new IllegalArgumentException(rows.length + " values are not whole rows of " + dim);
            }
            int n = rows.length / dim;
            if (n < 2) {
                throw new IllegalArgumentException("a Gaussian fit needs at least 2 rows, got " + n);
            }
            double[] mean = new double[dim];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < dim; j++) {
                    mean[j] += rows[i * dim + j];
                }
            }
            for (int j = 0; j < dim; j++) {
                mean[j] /= n;
            }
            double[][] cov = new double[dim][dim];
            double[] c = new double[dim];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < dim; j++) {
                    c[j] = rows[i * dim + j] - mean[j];
                }
                for (int a = 0; a < dim; a++) {
                    double ca = c[a];
                    if (ca == 0) {
                        continue;
                    }
                    double[] row = cov[a];
                    for (int b = a; b < dim; b++) {
                        row[b] += ca * c[b];
                    }
                }
            }
            for (int a = 0; a < dim; a++) {
                for (int b = a; b < dim; b++) {
                    cov[a][b] /= n - 1;
                    cov[b][a] = cov[a][b];
                }
            }
            return new Gaussian(mean, cov, n);
        }

        public int dimension() {
            return mean.length;
        }
    }

    /** FD between the Gaussian fits of two sets of rows of {@code dim} values. */
    public static double between(float[] a, float[] b, int dim) {
        return between(Gaussian.fit(a, dim), Gaussian.fit(b, dim));
    }

    /** FD between two Gaussians of the same dimension; never negative (round-off is clamped). */
    public static double between(Gaussian a, Gaussian b) {
        int d = a.dimension();
        if (b.dimension() != d) {
            throw new IllegalArgumentException("feature widths differ: " + d + " and " + b.dimension());
        }
        double meanTerm = 0;
        for (int j = 0; j < d; j++) {
            double diff = a.mean()[j] - b.mean()[j];
            meanTerm += diff * diff;
        }
        RealMatrix s1 = new Array2DRowRealMatrix(a.covariance(), false);
        RealMatrix s2 = new Array2DRowRealMatrix(b.covariance(), false);
        RealMatrix root = sqrtPsd(s1);
        RealMatrix m = symmetrized(root.multiply(s2).multiply(root));
        double traceRoot = 0;
        for (double lambda : eigenvaluesPsd(m)) {
            traceRoot += Math.sqrt(Math.max(0, lambda));
        }
        double fd = meanTerm + s1.getTrace() + s2.getTrace() - 2 * traceRoot;
        return Math.max(0, fd);
    }

    /** The symmetric square root of a symmetric positive semi-definite matrix. */
    static RealMatrix sqrtPsd(RealMatrix s) {
        RealMatrix sym = symmetrized(s);
        double[] lambda;
        RealMatrix v;
        try {
            EigenDecomposition e = new EigenDecomposition(sym);
            lambda = e.getRealEigenvalues();
            v = e.getV();
        } catch (MathIllegalStateException e) {
            SingularValueDecomposition svd = new SingularValueDecomposition(sym);
            lambda = svd.getSingularValues();
            v = svd.getU();
        }
        int d = lambda.length;
        double[][] scaled = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int k = 0; k < d; k++) {
                scaled[i][k] = v.getEntry(i, k) * Math.sqrt(Math.max(0, lambda[k]));
            }
        }
        RealMatrix vs = new Array2DRowRealMatrix(scaled, false);
        return symmetrized(vs.multiply(v.transpose()));
    }

    /**
     * The eigenvalues of a symmetric positive semi-definite matrix. Commons Math's QL iteration can fail to converge
     * on the nearly degenerate spectra of a covariance fitted to fewer samples than dimensions (an image table's
     * 1000-step row of 4 images in 128 features did); then the singular values, which are the same for such a
     * matrix, are taken.
     */
    static double[] eigenvaluesPsd(RealMatrix m) {
        try {
            return new EigenDecomposition(m).getRealEigenvalues();
        } catch (MathIllegalStateException e) {
            return new SingularValueDecomposition(m).getSingularValues();
        }
    }

    /** (M + Mᵀ) / 2: removes round-off asymmetry before an eigendecomposition meant for symmetric matrices. */
    private static RealMatrix symmetrized(RealMatrix m) {
        return m.add(m.transpose()).scalarMultiply(0.5);
    }
}
