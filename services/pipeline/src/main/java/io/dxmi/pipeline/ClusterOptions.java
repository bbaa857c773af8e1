package io.dxmi.pipeline;

import io.dxmi.platform.config.ClusterProbe;
import io.dxmi.platform.config.KafkaClientProperties;
import io.dxmi.platform.config.KafkaSettings;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the Kafka cluster is and how to talk to it: the picocli options of every process that connects to one.
 * Client properties come from three layers, later ones winning: {@code DXMI_KAFKA_*} environment variables
 * ({@link KafkaClientProperties}), a client properties file ({@code --kafka-config}, like Kafka's own tools'
 * {@code --command-config}), and {@code --kafka-property KEY=VALUE}. {@code --bootstrap} may come from any of
 * them as {@code bootstrap.servers}.
 */
public final class ClusterOptions {

    /** Default of {@code --connect-timeout}, seconds. */
    public static final int DEFAULT_CONNECT_TIMEOUT_SECONDS = 30;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "Kafka bootstrap servers (or bootstrap.servers in --kafka-config or DXMI_KAFKA_BOOTSTRAP_SERVERS).")
    String bootstrap;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Kafka client properties file (security.protocol, sasl.*, ssl.*, ...), as Kafka tools'"
                    + " --command-config; keeps secrets off the command line.")
    Path configFile;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = "A Kafka client property; overrides --kafka-config and DXMI_KAFKA_* variables (repeatable).")
    Map<String, String> properties = new LinkedHashMap<>();

    @Option(names = "--connect-timeout", paramLabel = "SECONDS", defaultValue = "" + DEFAULT_CONNECT_TIMEOUT_SECONDS,
            description = "Give up when the cluster does not answer within this time (default: ${DEFAULT-VALUE}).")
    long connectTimeoutSeconds = DEFAULT_CONNECT_TIMEOUT_SECONDS;

    private Map<String, String> environment = System.getenv();

    /** Reads client properties from {@code env} instead of the process environment (tests). */
    public ClusterOptions withEnvironment(Map<String, String> env) {
        this.environment = env;
        return this;
    }

    /** The bootstrap servers, from the flag or else the client properties. */
    public String bootstrap() {
        return settings("dxmi").bootstrapServers();
    }

    /** The bootstrap servers if any source names them, else null (for output that only mentions them). */
    public String bootstrapOrNull() {
        try {
            return bootstrap();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public Duration connectTimeout() {
        return Duration.ofSeconds(connectTimeoutSeconds);
    }

    /**
     * The Kafka settings, client ids starting with {@code clientIdPrefix}. An IllegalArgumentException names what
     * is wrong (no bootstrap servers, a malformed address, an unreadable properties file, a bad timeout).
     */
    public KafkaSettings settings(String clientIdPrefix) {
        if (connectTimeoutSeconds < 1) {
            throw new IllegalArgumentException("--connect-timeout must be at least 1 second, got " + connectTimeoutSeconds);
        }
        Map<String, String> merged = KafkaClientProperties.merge(KafkaClientProperties.fromEnvironment(environment),
                configFile == null ? Map.of() : KafkaClientProperties.fromFile(configFile), properties);
        String servers = bootstrap != null ? bootstrap : merged.get(KafkaSettings.BOOTSTRAP_SERVERS);
        merged.remove(KafkaSettings.BOOTSTRAP_SERVERS);
        if (servers == null || servers.isBlank()) {
            throw new IllegalArgumentException("--bootstrap is required (or bootstrap.servers in --kafka-config FILE,"
                    + " or the DXMI_KAFKA_BOOTSTRAP_SERVERS variable)");
        }
        try {
            return KafkaSettings.builder().setBootstrapServers(servers).optClientIdPrefix(clientIdPrefix)
                    .optProperties(merged).build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException((bootstrap != null ? "--bootstrap: " : "") + e.getMessage(), e);
        }
    }

    /**
     * Checks that the cluster answers within {@code --connect-timeout}.
     *
     * @throws ClusterProbe.Unreachable in one line, naming the servers and the reason
     */
    public ClusterProbe.Cluster probe() {
        return ClusterProbe.check(settings("dxmi-probe"), connectTimeout());
    }
}
