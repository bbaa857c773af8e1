package io.dxmi.cli;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.DataSources;
import picocli.CommandLine.Option;

/** The data a command trains on: a built-in set or a CSV file. */
final class DataOption {

    @Option(names = "--data", required = true, paramLabel = "NAME|FILE.csv",
            description = "A built-in data set (8gaussians, 25gaussians, 2spirals, checkerboard, rings) or a CSV file.")
    String data;

    /** Opens it; an unknown name or a bad file is an error naming the problem. */
    DataSource open() {
        return DataSources.resolve(data);
    }
}
