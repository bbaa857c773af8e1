package io.dxmi.cli;

import picocli.CommandLine.Option;

/** How the distributed pipeline runs. */
final class PipelineModeOptions {

    /** The pipeline's modes. */
    enum Mode { sync, async }

    @Option(names = "--mode", defaultValue = "sync", paramLabel = "sync|async",
            description = "sync: Algorithm 1 exactly (one actor); async: actors run ahead (default: ${DEFAULT-VALUE}).")
    Mode mode;

    @Option(names = "--max-staleness", defaultValue = "2", paramLabel = "K",
            description = "async: policy versions a batch may lag behind the iteration that learns from it (default: ${DEFAULT-VALUE}).")
    int maxStaleness;

    @Option(names = "--checkpoint-every", defaultValue = "200", paramLabel = "N",
            description = "Learner iterations between checkpoints (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--eval-every", defaultValue = "500", paramLabel = "N",
            description = "Policy versions between evaluations, 0 = only at the end (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    /** The mode as the run plan names it. */
    String mode() {
        return mode.name();
    }

    /** Checks the values before any work starts. */
    void validate() {
        Checks.atLeast("--max-staleness", maxStaleness, 0);
        Checks.atLeast("--checkpoint-every", checkpointEvery, 1);
        Checks.atLeast("--eval-every", evalEvery, 0);
    }
}
