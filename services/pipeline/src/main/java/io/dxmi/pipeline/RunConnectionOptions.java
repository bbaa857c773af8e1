package io.dxmi.pipeline;

import io.dxmi.platform.config.KafkaSettings;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where the Kafka cluster is and which run to join: the picocli options that every process of a
 * run shares ({@code dxmi service}, {@code submit}, {@code dashboard}, {@code export}, separate evaluators).
 */
public final class RunConnectionOptions {

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--run", required = true, paramLabel = "RUN", description = "The run's name (its topics are dxmi.RUN.*).")
    String run;

    public String bootstrap() {
        return cluster.bootstrap();
    }

    /** The run's name; an IllegalArgumentException when it is not a valid one. */
    public String run() {
        new RunTopics(run);
        return run;
    }

    public ClusterOptions cluster() {
        return cluster;
    }

    /** The Kafka settings, client ids starting with {@code clientIdPrefix}. */
    public KafkaSettings settings(String clientIdPrefix) {
        return cluster.settings(clientIdPrefix);
    }
}
