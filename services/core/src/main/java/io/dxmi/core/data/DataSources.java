package io.dxmi.core.data;

import io.dxmi.core.data.image.ImageDataSource;
import io.dxmi.core.data.image.ImageDataset;
import io.dxmi.core.data.image.ImageFiles;
import io.dxmi.core.data.image.ImageSources;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Turns a user's {@code --data} argument into a data source. */
public final class DataSources {

    private DataSources() {
    }

    /**
     * Resolves {@link DataSpec}'s text form ("8gaussians", "rows.csv",
     * "fashion-mnist?classes=0,3&image-size=16").
     *
     * @throws IllegalArgumentException for an unknown name, unknown class or misplaced option
     * @throws DataFormatException for a file or folder that cannot be loaded
     */
    public static DataSource resolve(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException(unknownMessage(String.valueOf(spec)));
        }
        return resolve(DataSpec.parse(spec));
    }

    /**
     * A built-in 2D name gives that toy set; {@code fashion-mnist}, {@code mnist}, a folder or an
     * idx file ({@code .idx}, {@code .idx.gz}, {@code …-idx3-ubyte[.gz]}) gives an image set
     * (with the spec's classes and size); something else that looks like a file (ends in .csv,
     * contains a path separator, or exists) is loaded as CSV; anything else is an unknown data set.
     */
    public static DataSource resolve(DataSpec spec) {
        String nameOrPath = spec.source();
        if (nameOrPath == null || nameOrPath.isBlank()) {
            throw new IllegalArgumentException(unknownMessage(String.valueOf(nameOrPath)));
        }
        if (ImageSources.isBuiltIn(nameOrPath) || isImagePath(nameOrPath)) {
            return new ImageDataSource(openImages(spec));
        }
        DataSource vectors = resolveVectors(nameOrPath);
        if (spec.hasImageOptions()) {
            throw new IllegalArgumentException(spec.describeOptions() + " applies to image data only; " + nameOrPath
                    + " is not an image data set");
        }
        return vectors;
    }

    /** The image data set a spec names, with its classes and size applied. */
    public static ImageDataset openImages(DataSpec spec) {
        return ImageSources.open(spec.source(), spec.imageSize()).withClasses(spec.classes());
    }

    private static DataSource resolveVectors(String nameOrPath) {
        if (ToyDatasets.isBuiltIn(nameOrPath)) {
            return ToyDatasets.byName(nameOrPath);
        }
        boolean looksLikeFile = nameOrPath.toLowerCase(Locale.ROOT).endsWith(".csv")
                || nameOrPath.contains("/")
                || nameOrPath.contains(File.separator)
                || exists(nameOrPath);
        if (looksLikeFile) {
            return CsvDataset.load(Path.of(nameOrPath));
        }
        throw new IllegalArgumentException(unknownMessage(nameOrPath));
    }

    /** Whether {@code nameOrPath} names image data: a built-in image set, an idx file or a folder. */
    public static boolean isImageData(String nameOrPath) {
        return ImageSources.isBuiltIn(nameOrPath) || isImagePath(nameOrPath);
    }

    private static boolean isImagePath(String nameOrPath) {
        try {
            Path p = Path.of(nameOrPath);
            return ImageFiles.isIdxPath(p) || Files.isDirectory(p);
        } catch (InvalidPathException e) {
            return false;
        }
    }

    static String unknownMessage(String name) {
        List<String> names = new ArrayList<>(ToyDatasets.names());
        names.add(ImageSources.FASHION_MNIST);
        names.add(ImageSources.MNIST);
        return "unknown data set '" + name + "'; built-in data sets: " + String.join(", ", names)
                + " (or give a path to a .csv file, an .idx[.gz] image file or a folder of PNG/JPEG images)";
    }

    private static boolean exists(String path) {
        try {
            return Files.exists(Path.of(path));
        } catch (InvalidPathException e) {
            return false;
        }
    }
}
