package io.dxmi.core.dxmi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dxmi.core.engine.OwnedArrays;

/**
 * A Gaussian fitted to the trained energy network's features of normal images; its energy,
 * half the squared Mahalanobis distance ½ (f − μ)ᵀ (Σ + λI)⁻¹ (f − μ), scores detection in place
 * of the network's own linear head.
 *
 * <p>Why: the energy network learns features that tell the normal class from the sampler's
 * samples and from the normal images with their layout broken, but its one linear head is trained
 * only on those negatives and ranks unseen kinds of anomaly less well than a density of the
 * normal features does (measured in the README's one-class benchmark). The ridge λ is a share of
 * the covariance's mean eigenvalue ({@code shrinkage} · tr Σ / F), so one default fits every
 * feature width; it keeps the inverse stable when there are fewer normal images than features.
 *
 * <p>Stored as the mean and the lower-triangular whitening matrix W = L⁻¹ with L Lᵀ = Σ + λI,
 * so that the energy is ½ |W (f − μ)|²: one matrix product, differentiable for gradient maps.
 */
public final class FeatureDensity {

    /** Default ridge, as a share of the covariance's mean eigenvalue. */
    public static final double DEFAULT_SHRINKAGE = 0.01;

    private final float[] mean;
    private final float[] whiten;
    private final int dimension;
    private final double shrinkage;
    private final int count;

    /**
     * @param mean μ, F values
     * @param whiten W, F × F row-major (lower triangular)
     * @param shrinkage the ridge's share it was fitted with
     * @param count how many feature rows it was fitted on
     */
    public FeatureDensity(float[] mean, float[] whiten, double shrinkage, int count) {
        if (mean.length == 0 || whiten.length != (long) mean.length * mean.length) {
            throw new IllegalArgumentException("a feature density needs F means and an F × F whitening matrix, got "
                    + mean.length + " and " + whiten.length);
        }
        this.mean = mean.clone();
        this.whiten = whiten.clone();
        this.dimension = mean.length;
        this.shrinkage = shrinkage;
        this.count = count;
    }

    /**
     * Fits the Gaussian to {@code n} feature rows.
     *
     * @param features n × F row-major
     * @param shrinkage ridge as a share of tr Σ / F, &gt; 0
     */
    public static FeatureDensity fit(float[] features, int n, double shrinkage) {
        if (n < 2 || features.length % n != 0) {
            throw new IllegalArgumentException("a feature density needs at least 2 rows of equal width, got "
                    + features.length + " values in " + n + " rows");
        }
        if (!(shrinkage > 0 && Double.isFinite(shrinkage))) {
            throw new IllegalArgumentException("shrinkage must be a positive number, got " + shrinkage);
        }
        int d = features.length / n;
        double[] mu = new double[d];
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
        double[] l = cholesky(cov, d);
        float[] w = lowerInverse(l, d);
        float[] meanF = new float[d];
        for (int j = 0; j < d; j++) {
            meanF[j] = (float) mu[j];
        }
        return new FeatureDensity(meanF, w, shrinkage, n);
    }

    /**
     * Fits the Gaussian to the features {@code model}'s evaluation energy gives the images of
     * {@code dataRows} (data space).
     *
     * @throws UnsupportedOperationException for a model whose energy has no feature head (vector models)
     */
    public static FeatureDensity fit(DxmiModel model, float[] dataRows, double shrinkage) {
        int n = dataRows.length / model.dimension();
        int width = model.energyFeatureWidth();
        return fit(model.energyFeatures(dataRows, width), n, shrinkage);
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

    /** ½ |W (f − μ)|² of the feature row at {@code offset} of {@code features}. */
    public double energy(float[] features, int offset) {
        double e = 0;
        for (int i = 0; i < dimension; i++) {
            double z = 0;
            for (int k = 0; k <= i; k++) {
                z += (double) whiten[i * dimension + k] * (features[offset + k] - mean[k]);
            }
            e += z * z;
        }
        return 0.5 * e;
    }

    /** The energies of (n, F) features as (n, 1), in their manager, differentiable. */
    public NDArray energy(NDArray features) {
        return tensors(features.getManager()).energy(features);
    }

    /**
     * μ and Wᵀ as tensors of {@code manager}: made once by whoever scores many batches (a model
     * holds them while the density is attached) rather than copied into native memory per batch.
     */
    public Tensors tensors(NDManager manager) {
        float[] transposed = new float[whiten.length];
        for (int i = 0; i < dimension; i++) {
            for (int k = 0; k < dimension; k++) {
                transposed[k * dimension + i] = whiten[i * dimension + k];
            }
        }
        return new Tensors(dimension, OwnedArrays.create(manager, mean, new Shape(1, dimension)),
                OwnedArrays.create(manager, transposed, new Shape(dimension, dimension)));
    }

    /** The density's μ and Wᵀ in native memory; closing frees them. */
    public record Tensors(int dimension, NDArray mean, NDArray whitenTransposed) implements AutoCloseable {

        /** ½ |W (f − μ)|² of (n, F) features, as (n, 1) in the features' manager, differentiable. */
        public NDArray energy(NDArray features) {
            if (features.getShape().dimension() != 2 || features.getShape().get(1) != dimension) {
                throw new IllegalArgumentException("the density was fitted on " + dimension + " features, got "
                        + features.getShape());
            }
            NDArray z = features.sub(mean).matMul(whitenTransposed);
            return OwnedArrays.mul(z.square().sum(new int[] {1}, true), 0.5f);
        }

        @Override
        public void close() {
            mean.close();
            whitenTransposed.close();
        }
    }

    public float[] mean() {
        return mean.clone();
    }

    public float[] whiten() {
        return whiten.clone();
    }

    public int dimension() {
        return dimension;
    }

    public double shrinkage() {
        return shrinkage;
    }

    public int count() {
        return count;
    }
}
