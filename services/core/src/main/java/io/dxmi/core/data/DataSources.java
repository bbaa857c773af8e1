package io.dxmi.core.data;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;

/** Turns a user's {@code --data} argument into a data source. */
public final class DataSources {

    private DataSources() {
    }

    /**
     * A built-in name gives that toy set; something that looks like a file (ends in .csv, contains a
     * path separator, or exists) is loaded as CSV; anything else is an unknown data set.
     *
     * @throws IllegalArgumentException for an unknown name
     * @throws DataFormatException for a file that cannot be loaded
     */
    public static DataSource resolve(String nameOrPath) {
        if (nameOrPath == null || nameOrPath.isBlank()) {
            throw new IllegalArgumentException(ToyDatasets.unknownMessage(String.valueOf(nameOrPath)));
        }
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
        throw new IllegalArgumentException(ToyDatasets.unknownMessage(nameOrPath));
    }

    private static boolean exists(String path) {
        try {
            return Files.exists(Path.of(path));
        } catch (InvalidPathException e) {
            return false;
        }
    }
}
