package io.dxmi.cli;

import io.dxmi.core.engine.DjlRuntime;
import picocli.CommandLine.Option;

/**
 * Where the models run and on how many threads: {@code --threads} and {@code --device}, on every command and
 * service that runs a model. Without them the environment decides ({@code DXMI_THREADS}, {@code DXMI_DEVICE}),
 * so that a container is configured the same way as a command line.
 */
final class EngineOptions {

    @Option(names = "--threads", paramLabel = "N",
            description = "PyTorch threads (default: DXMI_THREADS, else 1; on 2 shared cores more is often slower).")
    Integer threads;

    @Option(names = "--device", paramLabel = "cpu|gpu|auto",
            description = "Where the models run (default: DXMI_DEVICE, else auto: the GPU when the engine sees one).")
    String device;

    /** Applies the flags before the engine starts; a bad value is a usage error naming the flag. */
    void apply() {
        if (device != null) {
            try {
                DjlRuntime.configureDevice(device);
            } catch (IllegalArgumentException e) {
                throw new UsageError("--device: " + e.getMessage(), e);
            }
        }
        if (threads != null) {
            if (threads < 1) {
                throw new UsageError("--threads must be at least 1, got " + threads);
            }
            DjlRuntime.configureThreads(threads);
        }
        try {
            DjlRuntime.configureFromEnvironment();
            DjlRuntime.device(); // "gpu" without a GPU, or a bad DXMI_DEVICE: fail now, not at the first model
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage(), e);
        }
    }
}
