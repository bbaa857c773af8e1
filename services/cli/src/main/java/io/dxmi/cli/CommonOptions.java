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

    @Option(names = "--device", paramLabel = "cpu|gpu|auto",
            description = "Where the models run (default: auto, the GPU when the engine sees one).")
    String device;

    /** Applies {@code --threads} and {@code --device} before the engine starts. */
    void configureEngine() {
        if (device != null) {
            DjlRuntime.configureDevice(device);
        }
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
