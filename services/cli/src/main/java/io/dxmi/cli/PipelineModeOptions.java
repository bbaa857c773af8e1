package io.dxmi.cli;

import picocli.CommandLine.Option;

/** How the distributed pipeline runs. */
final class PipelineModeOptions {

    @Option(names = "--mode", defaultValue = "sync",
            description = "sync: Algorithm 1 exactly (one actor); async: actors run ahead (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--max-staleness", defaultValue = "2", paramLabel = "K",
            description = "async: policy versions a batch may lag behind the iteration that learns from it (default: ${DEFAULT-VALUE}).")
    int maxStaleness;

    @Option(names = "--checkpoint-every", defaultValue = "200",
            description = "Learner iterations between checkpoints (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--eval-every", defaultValue = "500",
            description = "Policy versions between evaluations, 0 = only at the end (default: ${DEFAULT-VALUE}).")
    int evalEvery;
}
