package io.dxmi.cli;

import io.dxmi.platform.config.KafkaSettings;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

/** Where the Kafka cluster is and which run to join. */
final class KafkaOptions {

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(names = "--run", required = true, paramLabel = "RUN", description = "The run's name (its topics are dxmi.RUN.*).")
    String run;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = "Any Kafka client property, e.g. security.protocol=SASL_SSL (repeatable).")
    Map<String, String> properties = new LinkedHashMap<>();

    KafkaSettings settings(String clientIdPrefix) {
        return KafkaSettings.builder().setBootstrapServers(bootstrap).optClientIdPrefix(clientIdPrefix)
                .optProperties(properties).build();
    }
}
