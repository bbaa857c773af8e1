package io.dxmi.cli;

import io.dxmi.core.data.DataFormatException;
import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.DataSources;
import picocli.CommandLine.Option;

import java.io.UncheckedIOException;

/** The data a command trains on: a built-in set or a CSV file. */
final class DataOption {

    @Option(names = "--data", required = true, paramLabel = "NAME|FILE.csv",
            description = "A built-in data set (8gaussians, 25gaussians, 2spirals, checkerboard, rings) or a CSV file.")
    String data;

    /** Opens it; an unknown name or a bad file is a {@link UsageError} naming the problem. */
    DataSource open() {
        try {
            return DataSources.resolve(data);
        } catch (IllegalArgumentException | DataFormatException | UncheckedIOException e) {
            throw new UsageError(e.getMessage(), e);
        }
    }
}
