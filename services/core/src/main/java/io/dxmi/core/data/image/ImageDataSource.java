package io.dxmi.core.data.image;

import io.dxmi.core.data.Box;
import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.random.Rng;

/**
 * An image data set as a {@link DataSource}: draws training images uniformly with replacement;
 * its samples are [C, H, W] pixel arrays in [0, 1]. The test split ({@link #dataset()}) is what
 * the image evaluator compares generated images with.
 */
public final class ImageDataSource implements DataSource {

    private final ImageDataset dataset;
    private final Box pixelBox;

    public ImageDataSource(ImageDataset dataset) {
        this.dataset = dataset;
        this.pixelBox = Box.cube(dataset.shape().size(), 0, 1);
    }

    /** The data set with both splits. */
    public ImageDataset dataset() {
        return dataset;
    }

    @Override
    public String name() {
        return dataset.name();
    }

    @Override
    public int dimension() {
        return dataset.shape().size();
    }

    @Override
    public SampleShape shape() {
        return dataset.shape();
    }

    /** n training images drawn uniformly with replacement, row-major. */
    @Override
    public float[] sample(int n, Rng rng) {
        if (n < 0) {
            throw new IllegalArgumentException("sample count must be >= 0: " + n);
        }
        ImageSplit train = dataset.train();
        int size = train.size();
        float[] out = new float[n * dimension()];
        for (int i = 0; i < n; i++) {
            train.copyImage(rng.nextInt(size), out, i);
        }
        return out;
    }

    /** The pixel range [0, 1]^D. */
    @Override
    public Box evaluationBox() {
        return pixelBox;
    }

    @Override
    public String evaluationBoxDescription() {
        return "only the pixel range [0, 1]^" + dimension()
                + " (images are evaluated by the Fréchet distance on classifier features, not by this box's AUC)";
    }

    @Override
    public String contentHash() {
        return dataset.contentHash();
    }

    @Override
    public String toString() {
        return dataset.toString();
    }
}
