package io.dxmi.core.dxmi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.dxmi.core.engine.OwnedArrays;
import java.util.Arrays;
import java.util.List;

/**
 * Gaussians fitted to the trained energy network's features of normal images; their energy scores
 * detection in place of the network's own linear head. With one block of features the energy is
 * half the squared Mahalanobis distance ½ (f − μ)ᵀ (Σ + λI)⁻¹ (f − μ). With several (the maps of
 * several depths of the network) each block has a Gaussian of its own, and the energy is the sum
 * of the blocks' squared distances, each standardised by its median and standard deviation over
 * the normal images it was fitted on: every depth then counts alike, whatever its width.
 *
 * <p>Why: the energy network learns features that tell the normal class from the sampler's
 * samples and from the normal images with their layout broken, but its one linear head is trained
 * only on those negatives and ranks unseen kinds of anomaly less well than a density of the
 * normal features does (measured in the README's one-class benchmark); early maps keep what the
 * head's training let go of, and one Gaussian over all depths lets the widest dominate. The ridge
 * λ is a share of each covariance's mean eigenvalue ({@code shrinkage} · tr Σ / F), so one default
 * fits every feature width; it keeps the inverse stable when there are fewer normal images than
 * features.
 *
 * <p>Stored as the mean, each block's whitening matrix W_b = L⁻¹ with L Lᵀ = Σ_b + λI (lower
 * triangular; packed one after the other, row-major), a weight per block and an offset, so that the
 * energy is Σ_b w_b |W_b (f_b − μ_b)|² − c: a matrix product per block, differentiable for gradient
 * maps (one block: w = ½, c = 0).
 *
 * <p>Views: a density may also read the features of the image turned or flipped ({@link #views()},
 * {@link ShapeTransform}s), a block per depth and view, all standardised and summed alike. Why: the
 * energy is trained against those layouts of its normal images, so its features of a normal image
 * turned by 90° are as typical of the class as those of the image itself, and an anomaly's are
 * atypical in each view in a different way; several views average out some of the features' noise
 * (GEOM's idea, Golan and El-Yaniv 2018, read off a density). Measured in the README's one-class
 * benchmark; each view costs one more pass of the energy network.
 */
public final class FeatureDensity {

    /** Default ridge, as a share of the covariance's mean eigenvalue. */
    public static final double DEFAULT_SHRINKAGE = 0.01;

    /** The views {@code dxmi feature-density} and {@code oneclass} read by default (README's one-class benchmark). */
    public static final List<ShapeTransform> DEFAULT_VIEWS = List.of(ShapeTransform.ROTATE_90,
            ShapeTransform.ROTATE_180, ShapeTransform.ROTATE_270);

    private final float[] mean;
    private final float[] whiten;
    private final float[] weights;
    private final double offset;
    private final int[] blocks;
    private final int dimension;
    private final double shrinkage;
    private final int count;
    private final List<ShapeTransform> views;
    /** The per-pixel mean of the images it was fitted on, in data space; null when it was fitted on features alone. */
    private final float[] meanImage;

    /** One block: the energy ½ |W (f − μ)|². */
    public FeatureDensity(float[] mean, float[] whiten, double shrinkage, int count) {
        this(mean, whiten, new float[] {0.5f}, 0, new int[] {mean.length}, shrinkage, count);
    }

    /**
     * @param mean μ, F values
     * @param whiten each block's W_b (width × width, row-major, lower triangular), one after the other
     * @param weights w_b, one per block
     * @param offset c, subtracted from the weighted sum
     * @param blocks the blocks' widths, in order, summing to F
     * @param shrinkage the ridge's share it was fitted with
     * @param count how many feature rows it was fitted on
     */
    public FeatureDensity(float[] mean, float[] whiten, float[] weights, double offset, int[] blocks,
            double shrinkage, int count) {
        this(mean, whiten, weights, offset, blocks, shrinkage, count, List.of());
    }

    /**
     * A density that reads the image and {@code views} of it: its blocks are the network's depths for the image,
     * then the same depths for each view in order.
     *
     * @param views the layouts read besides the image itself, distinct (empty: the image alone)
     */
    public FeatureDensity(float[] mean, float[] whiten, float[] weights, double offset, int[] blocks,
            double shrinkage, int count, List<ShapeTransform> views) {
        if (views.stream().distinct().count() != views.size()) {
            throw new IllegalArgumentException("a feature density's views must be distinct, got " + views);
        }
        if (blocks.length % (views.size() + 1) != 0) {
            throw new IllegalArgumentException("a feature density of " + blocks.length + " blocks cannot read the image"
                    + " and " + views.size() + " views of it alike");
        }
        if (mean.length == 0 || blocks.length == 0 || Arrays.stream(blocks).anyMatch(b -> b < 1)
                || Arrays.stream(blocks).sum() != mean.length) {
            throw new IllegalArgumentException("a feature density's blocks " + Arrays.toString(blocks)
                    + " must be positive widths summing to its " + mean.length + " features");
        }
        long packed = Arrays.stream(blocks).mapToLong(b -> (long) b * b).sum();
        if (whiten.length != packed || weights.length != blocks.length) {
            throw new IllegalArgumentException("a feature density of blocks " + Arrays.toString(blocks) + " needs "
                    + packed + " whitening values and " + blocks.length + " weights, got " + whiten.length + " and "
                    + weights.length);
        }
        if (!Double.isFinite(offset)) {
            throw new IllegalArgumentException("a feature density's offset must be finite, got " + offset);
        }
        this.mean = mean.clone();
        this.whiten = whiten.clone();
        this.weights = weights.clone();
        this.offset = offset;
        this.blocks = blocks.clone();
        this.dimension = mean.length;
        this.shrinkage = shrinkage;
        this.count = count;
        this.views = List.copyOf(views);
        this.meanImage = null;
    }

    private FeatureDensity(FeatureDensity d, float[] meanImage) {
        this.mean = d.mean;
        this.whiten = d.whiten;
        this.weights = d.weights;
        this.offset = d.offset;
        this.blocks = d.blocks;
        this.dimension = d.dimension;
        this.shrinkage = d.shrinkage;
        this.count = d.count;
        this.views = d.views;
        this.meanImage = meanImage == null ? null : meanImage.clone();
    }

    /**
     * This density with the per-pixel mean of the normal images it was fitted on (data space), or without one
     * (null). The energy does not read it; the localisation maps do ({@code EnergyMaps}: an image's difference from
     * the mean normal image is where a fixed camera's defect shows).
     *
     * @throws IllegalArgumentException for an empty or non-finite mean image
     */
    public FeatureDensity withMeanImage(float[] meanImage) {
        if (meanImage != null) {
            if (meanImage.length == 0) {
                throw new IllegalArgumentException("a feature density's mean image must have values");
            }
            for (float v : meanImage) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("a feature density's mean image must be finite, got " + v);
                }
            }
        }
        return new FeatureDensity(this, meanImage);
    }

    /**
     * Fits one Gaussian to {@code n} feature rows.
     *
     * @param features n × F row-major
     * @param shrinkage ridge as a share of tr Σ / F, &gt; 0
     */
    public static FeatureDensity fit(float[] features, int n, double shrinkage) {
        check(features, n, shrinkage); // before the width is taken from n; the blocked fit checks nothing more
        return fit(features, n, new int[] {features.length / n}, shrinkage);
    }

    /**
     * Fits a Gaussian to each block of {@code n} feature rows; with more than one block each block's squared
     * distance is standardised by its median and standard deviation over these rows.
     *
     * @param features n × F row-major
     * @param blocks widths summing to F
     * @param shrinkage ridge as a share of each block's tr Σ / width, &gt; 0
     */
    public static FeatureDensity fit(float[] features, int n, int[] blocks, double shrinkage) {
        check(features, n, shrinkage);
        int d = features.length / n;
        if (blocks.length == 0 || Arrays.stream(blocks).anyMatch(b -> b < 1) || Arrays.stream(blocks).sum() != d) {
            throw new IllegalArgumentException("feature blocks " + Arrays.toString(blocks) + " do not cover the "
                    + d + " features");
        }
        float[] mean = new float[d];
        float[] whiten = new float[Arrays.stream(blocks).map(b -> b * b).sum()];
        float[] weights = new float[blocks.length];
        Arrays.fill(weights, 0.5f);
        double offset = 0;
        int start = 0;
        int packed = 0;
        for (int b = 0; b < blocks.length; b++) {
            int width = blocks[b];
            float[] sub = new float[n * width];
            for (int i = 0; i < n; i++) {
                System.arraycopy(features, i * d + start, sub, i * width, width);
            }
            double[] mu = new double[width];
            float[] w = GaussianFit.whitening(sub, n, width, shrinkage, mu);
            for (int a = 0; a < width; a++) {
                mean[start + a] = (float) mu[a];
            }
            System.arraycopy(w, 0, whiten, packed, w.length);
            if (blocks.length > 1) {
                double[] sq = new double[n];
                for (int i = 0; i < n; i++) {
                    sq[i] = squaredDistance(whiten, packed, mean, start, width, sub, i * width);
                }
                double spread = GaussianFit.standardDeviation(sq);
                weights[b] = (float) (1 / (spread > 0 ? spread : 1));
                offset += GaussianFit.median(sq) * weights[b];
            }
            start += width;
            packed += width * width;
        }
        return new FeatureDensity(mean, whiten, weights, offset, blocks, shrinkage, n);
    }

    private static void check(float[] features, int n, double shrinkage) {
        if (n < 2 || features.length % n != 0) {
            throw new IllegalArgumentException("a feature density needs at least 2 rows of equal width, got "
                    + features.length + " values in " + n + " rows");
        }
        if (!(shrinkage > 0 && Double.isFinite(shrinkage))) {
            throw new IllegalArgumentException("shrinkage must be a positive number, got " + shrinkage);
        }
    }

    /** |W_b (f_b − μ_b)|² of one block: W_b packed from {@code at}, μ_b and f_b from {@code start} and {@code fAt}. */
    private static double squaredDistance(float[] whiten, int at, float[] mean, int start, int width, float[] f,
            int fAt) {
        double e = 0;
        for (int i = 0; i < width; i++) {
            double z = 0;
            for (int k = 0; k <= i; k++) {
                z += (double) whiten[at + i * width + k] * (f[fAt + k] - mean[start + k]);
            }
            e += z * z;
        }
        return e;
    }

    /**
     * Fits the density to the features {@code model}'s evaluation energy gives the images of
     * {@code dataRows} (data space) and {@code views} of them, a block per depth the network offers and view.
     *
     * @param views the layouts read besides the image itself (empty: the image alone)
     * @throws UnsupportedOperationException for a model whose energy has no feature head (vector models)
     * @throws IllegalArgumentException for a view that needs square images on other ones
     */
    public static FeatureDensity fit(DxmiModel model, float[] dataRows, double shrinkage, List<ShapeTransform> views) {
        int n = dataRows.length / model.dimension();
        FeatureDensity d = fit(model.densityFeatures(dataRows, views), n, model.densityFeatureBlocks(views),
                shrinkage);
        return new FeatureDensity(d.mean, d.whiten, d.weights, d.offset, d.blocks, shrinkage, n, views)
                .withMeanImage(meanImage(dataRows, n));
    }

    /** The per-value mean of n rows. */
    private static float[] meanImage(float[] rows, int n) {
        int d = rows.length / n;
        double[] sum = new double[d];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                sum[k] += rows[i * d + k];
            }
        }
        float[] out = new float[d];
        for (int k = 0; k < d; k++) {
            out[k] = (float) (sum[k] / n);
        }
        return out;
    }

    /** The energy of the feature row at {@code at} of {@code features}. */
    public double energy(float[] features, int at) {
        double e = 0;
        int start = 0;
        int packed = 0;
        for (int b = 0; b < blocks.length; b++) {
            e += weights[b] * squaredDistance(whiten, packed, mean, start, blocks[b], features, at + start);
            start += blocks[b];
            packed += blocks[b] * blocks[b];
        }
        return e - offset;
    }

    /** The energies of (n, F) features as (n, 1), in their manager, differentiable. */
    public NDArray energy(NDArray features) {
        return tensors(features.getManager()).energy(features);
    }

    /**
     * μ and each block's W_bᵀ as tensors of {@code manager}: made once by whoever scores many batches
     * (a model holds them while the density is attached) rather than copied into native memory per batch.
     */
    public Tensors tensors(NDManager manager) {
        NDArray[] transposed = new NDArray[blocks.length];
        int packed = 0;
        for (int b = 0; b < blocks.length; b++) {
            int width = blocks[b];
            float[] t = new float[width * width];
            for (int i = 0; i < width; i++) {
                for (int k = 0; k < width; k++) {
                    t[k * width + i] = whiten[packed + i * width + k];
                }
            }
            transposed[b] = OwnedArrays.create(manager, t, new Shape(width, width));
            packed += width * width;
        }
        return new Tensors(dimension, blocks.clone(), weights.clone(), (float) offset,
                OwnedArrays.create(manager, mean, new Shape(1, dimension)), transposed);
    }

    /** The density's μ and W_bᵀ in native memory, with its block widths, weights and offset; closing frees them. */
    public record Tensors(int dimension, int[] blocks, float[] weights, float offset, NDArray mean,
            NDArray[] whitenTransposed) implements AutoCloseable {

        /** Σ_b w_b |W_b (f_b − μ_b)|² − c of (n, F) features, as (n, 1) in the features' manager, differentiable. */
        public NDArray energy(NDArray features) {
            if (features.getShape().dimension() != 2 || features.getShape().get(1) != dimension) {
                throw new IllegalArgumentException("the density was fitted on " + dimension + " features, got "
                        + features.getShape());
            }
            NDArray centred = features.sub(mean);
            NDArray e = null;
            int start = 0;
            for (int b = 0; b < blocks.length; b++) {
                NDArray part = blocks.length == 1 ? centred
                        : centred.get(new NDIndex(":, {}:{}", start, start + blocks[b]));
                NDArray z = part.matMul(whitenTransposed[b]);
                NDArray eb = OwnedArrays.mul(z.square().sum(new int[] {1}, true), weights[b]);
                e = e == null ? eb : e.add(eb);
                start += blocks[b];
            }
            return offset == 0 ? e : OwnedArrays.add(e, -offset);
        }

        @Override
        public void close() {
            mean.close();
            for (NDArray w : whitenTransposed) {
                w.close();
            }
        }
    }

    public float[] mean() {
        return mean.clone();
    }

    public float[] whiten() {
        return whiten.clone();
    }

    public float[] weights() {
        return weights.clone();
    }

    public double offset() {
        return offset;
    }

    /** The blocks' widths, in feature order. */
    public int[] blocks() {
        return blocks.clone();
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

    /** The per-pixel mean of the normal images it was fitted on (data space), or null ({@link #withMeanImage}). */
    public float[] meanImage() {
        return meanImage == null ? null : meanImage.clone();
    }

    /** The layouts read besides the image itself, in block order (empty: the image alone). */
    public List<ShapeTransform> views() {
        return views;
    }
}
