package io.dxmi.pipeline;

import io.dxmi.platform.config.KafkaSettings;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the Kafka cluster is and which run to join: the picocli options that every process of a
 * run shares ({@code dxmi service}, {@code submit}, {@code dashboard}, separate evaluators).
 */
public final class RunConnectionOptions {

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(names = "--run", required = true, paramLabel = "RUN", description = "The run's name (its topics are dxmi.RUN.*).")
    String run;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = "Any Kafka client property, e.g. security.protocol=SASL_SSL (repeatable).")
    Map<String, String> properties = new LinkedHashMap<>();

    public String bootstrap() {
        return bootstrap;
    }

    public String run() {
        return run;
    }

    /** The Kafka settings, client ids starting with {@code clientIdPrefix}. */
    public KafkaSettings settings(String clientIdPrefix) {
        return KafkaSettings.builder().setBootstrapServers(bootstrap).optClientIdPrefix(clientIdPrefix)
                .optProperties(properties).build();
    }
}
