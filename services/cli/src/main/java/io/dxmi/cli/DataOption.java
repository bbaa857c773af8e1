package io.dxmi.cli;

import io.dxmi.core.data.DataFormatException;
import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.DataSources;
import io.dxmi.core.data.DataSpec;
import picocli.CommandLine.Option;

import java.io.UncheckedIOException;

/** The data a command trains on: a built-in set, a CSV file, or images (with a class filter and a size). */
final class DataOption {

    @Option(names = "--data", required = true, paramLabel = "NAME|FILE.csv|FILE.idx[.gz]|DIR",
            description = {"A built-in data set (8gaussians, 25gaussians, 2spirals, checkerboard, rings;",
                "images: fashion-mnist, mnist), a CSV file, an idx image file or a folder of PNG/JPEG images."})
    String data;

    @Option(names = "--classes", paramLabel = "C1,C2,...",
            description = "Images only: keep these classes (label numbers or class names).")
    String classes;

    @Option(names = "--image-size", paramLabel = "N",
            description = "Images only: resize every image to N x N (area averaging when shrinking, bilinear when enlarging).")
    Integer imageSize;

    /** The data with its options; its text form is what a run's plan carries. */
    DataSpec spec() {
        return new DataSpec(data, DataSpec.parseClasses(classes), imageSize == null ? 0 : imageSize);
    }

    /** Opens it; an unknown name, unknown class or a bad file is a {@link UsageError} naming the problem. */
    DataSource open() {
        if (imageSize != null && imageSize < 1) {
            throw new UsageError("--image-size must be at least 1, got " + imageSize);
        }
        try {
            return DataSources.resolve(spec());
        } catch (IllegalArgumentException | DataFormatException | UncheckedIOException e) {
            throw new UsageError(e.getMessage(), e);
        }
    }
}
