package io.dxmi.cli;

import picocli.CommandLine.Option;

/** The data a command trains on, required: a built-in set, a CSV file, or images (with a class filter and a size). */
final class DataOption extends DataFlags {

    @Option(names = "--data", required = true, paramLabel = LABEL, description = {DESCRIPTION_1, DESCRIPTION_2})
    String data;

    @Override
    String data() {
        return data;
    }
}
