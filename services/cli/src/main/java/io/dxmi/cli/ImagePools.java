package io.dxmi.cli;

import io.dxmi.anomalyscorer.CameraSimulator;
import io.dxmi.core.data.DataFormatException;
import io.dxmi.core.data.DataSources;
import io.dxmi.core.data.DataSpec;
import io.dxmi.core.data.image.ImageDataset;
import io.dxmi.core.data.image.ImageSources;
import io.dxmi.core.data.image.ImageSplit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * An image set's split cut in two by class, as the anomaly commands use it: the normal classes ({@code --classes},
 * every class when absent) and the anomalies ({@code --anomalous-classes}, every other class when absent). {@code NAME[:test|:train]} names the set and its split
 * (the test split unless ':train' follows).
 *
 * @param spec what the user named
 * @param split "test" or "train"
 * @param normal the normal classes' images, each with its class
 * @param anomalous the other classes' images, null when there are none
 */
record ImagePools(String spec, String split, CameraSimulator.Images normal, CameraSimulator.Images anomalous) {

    /**
     * Whether {@code data} names an image set ({@code NAME[:test|train]}: a built-in image set, an idx file or a
     * folder) rather than vectors (a CSV file, a built-in 2D set).
     */
    static boolean isImageSet(String data) {
        return DataSources.isImageData(sourceOf(data));
    }

    /** The set named, without its split. */
    private static String sourceOf(String spec) {
        int colon = spec.lastIndexOf(':');
        return colon > 0 && List.of("test", "train").contains(spec.substring(colon + 1)) ? spec.substring(0, colon)
                : spec;
    }

    /** The pools of {@code spec} at the images' own size; every mistake is a {@link UsageError} naming it. */
    static ImagePools of(String spec, String classes, String anomalousClasses) {
        return of(spec, classes, anomalousClasses, 0);
    }

    /**
     * The same, resized to {@code size} × {@code size} (0: as stored). {@code anomalousClasses} (null: every class
     * outside {@code classes}) may not overlap the normal ones.
     */
    static ImagePools of(String spec, String classes, String anomalousClasses, int size) {
        String source = sourceOf(spec);
        String split = source.equals(spec) ? "test" : spec.substring(source.length() + 1);
        if (!ImageSources.isBuiltIn(source) && !Files.exists(Path.of(source))) {
            throw new UsageError(source + " is neither a built-in image set (" + ImageSources.FASHION_MNIST + ", "
                    + ImageSources.MNIST + "), an idx file, an image folder nor a CSV file");
        }
        ImageDataset set;
        int[] normalClasses;
        int[] anomalyClasses;
        try {
            set = DataSources.openImages(new DataSpec(source, null, size));
            normalClasses = classes == null ? null : set.withClasses(DataSpec.parseClasses(classes)).classes();
            anomalyClasses = anomalousClasses == null ? null
                    : set.withClasses(DataSpec.parseClasses(anomalousClasses)).classes();
        } catch (IllegalArgumentException | DataFormatException e) {
            throw new UsageError(e.getMessage(), e);
        }
        if (anomalyClasses != null && Arrays.stream(anomalyClasses).anyMatch(k -> isIn(k, normalClasses))) {
            throw new UsageError("--anomalous-classes " + anomalousClasses + " overlaps the normal classes "
                    + (classes == null ? "(every class, without --classes)" : classes));
        }
        ImageSplit images = split.equals("train") ? set.train() : set.test();
        int[] labels = images.isLabelled() ? images.labels() : new int[images.size()];
        List<Integer> normal = new ArrayList<>();
        List<Integer> other = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            int label = labels[i];
            if (isIn(label, normalClasses)) {
                normal.add(i);
            } else if (anomalyClasses == null || isIn(label, anomalyClasses)) {
                other.add(i);
            }
        }
        if (normal.isEmpty()) {
            throw new UsageError(spec + " has no " + split + " images of class(es) " + classes);
        }
        return new ImagePools(spec, split, pool(images, normal), other.isEmpty() ? null : pool(images, other));
    }

    /** Whether {@code label} is one of {@code classes} (null: every class). */
    private static boolean isIn(int label, int[] classes) {
        return classes == null || Arrays.stream(classes).anyMatch(k -> k == label);
    }

    private static CameraSimulator.Images pool(ImageSplit images, List<Integer> indices) {
        ImageSplit picked = images.select(indices.stream().mapToInt(Integer::intValue).toArray());
        return new CameraSimulator.Images(picked.shape(), picked.pixels(), picked.isLabelled() ? picked.labels() : null);
    }

    /** SHA-256 of a pool's images (what a calibration records as its data's hash). */
    static String hash(CameraSimulator.Images pool) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(pool.shape().toString().getBytes(StandardCharsets.UTF_8));
            ByteBuffer b = ByteBuffer.allocate(pool.rows().length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(pool.rows());
            d.update(b.array());
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
