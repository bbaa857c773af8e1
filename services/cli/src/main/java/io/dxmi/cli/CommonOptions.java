package io.dxmi.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options every long-running command shares. */
final class CommonOptions {

    @Option(names = "--seed", paramLabel = "S", description = "Seed of every random draw (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Mixin
    EngineOptions engine = new EngineOptions();

    /** Applies {@code --threads} and {@code --device} before the engine starts. */
    void configureEngine() {
        engine.apply();
    }

    ProgressPrinter progress() {
        return new ProgressPrinter(System.err, quiet);
    }
}
