package io.dxmi.cli;

import io.dxmi.core.data.DataFormatException;
import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.DataSources;
import io.dxmi.core.data.DataSpec;
import picocli.CommandLine.Option;

import java.io.UncheckedIOException;

/**
 * The image options of {@code --data} and what a command does with the data flags; {@code --data} itself is
 * declared by the subclass, required ({@link DataOption}) or not ({@code dxmi run}, whose {@code --resume} takes
 * the saved run's data).
 */
abstract class DataFlags {

    static final String LABEL = "NAME|FILE.csv|FILE.idx[.gz]|DIR";
    static final String DESCRIPTION_1 = "A built-in data set (8gaussians, 25gaussians, 2spirals, checkerboard, rings;";
    static final String DESCRIPTION_2 = "images: fashion-mnist, mnist), a CSV file, an idx image file or a folder"
            + " of PNG/JPEG images.";

    @Option(names = "--classes", paramLabel = "C1,C2,...",
            description = "Images only: keep these classes (label numbers or class names).")
    String classes;

    @Option(names = "--image-size", paramLabel = "N",
            description = "Images only: resize every image to N x N (area averaging when shrinking, bilinear when enlarging).")
    Integer imageSize;

    /** The {@code --data} value; null when it was not given. */
    abstract String data();

    /** The data with its options; its text form is what a run's plan carries. */
    DataSpec spec() {
        try {
            return new DataSpec(data(), DataSpec.parseClasses(classes), imageSize == null ? 0 : imageSize);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage(), e); // a malformed --classes list
        }
    }

    /** Opens it; an unknown name, unknown class or a bad file is a {@link UsageError} naming the problem. */
    DataSource open() {
        if (imageSize != null && imageSize < 1) {
            throw new UsageError("--image-size must be at least 1, got " + imageSize);
        }
        return open(spec());
    }

    /** Opens {@code spec}; an unknown name, unknown class or a bad file is a {@link UsageError}. */
    static DataSource open(DataSpec spec) {
        try {
            return DataSources.resolve(spec);
        } catch (IllegalArgumentException | DataFormatException | UncheckedIOException e) {
            throw new UsageError(e.getMessage(), e);
        }
    }
}
