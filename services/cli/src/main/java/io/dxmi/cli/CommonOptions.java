package io.dxmi.cli;

import io.dxmi.core.engine.DjlRuntime;
import picocli.CommandLine.Option;

/** Options every long-running command shares. */
final class CommonOptions {

    @Option(names = "--seed", description = "Seed of every random draw (default: ${DEFAULT-VALUE}).",
            defaultValue = "0")
    long seed;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Option(names = "--threads", paramLabel = "N",
            description = "PyTorch threads (default: DXMI_THREADS, else 1; on 2 shared cores more is often slower).")
    Integer threads;

    /** Applies {@code --threads} before the engine starts (a no-op without the flag). */
    void configureEngine() {
        if (threads != null) {
            if (threads < 1) {
                throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
            }
            DjlRuntime.configureThreads(threads);
        }
    }

    ProgressPrinter progress() {
        return new ProgressPrinter(System.err, quiet);
    }
}
