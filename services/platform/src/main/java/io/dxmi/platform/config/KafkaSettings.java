package io.dxmi.platform.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Typed, validated settings for Kafka clients, shared by every service.
 *
 * <p>Only {@code bootstrap.servers} is required. Any other Kafka client property (for example
 * {@code security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config}, {@code ssl.truststore.location})
 * is passed through unchanged to every client, so a deployment against a secured cluster needs
 * configuration only. A property prefixed with {@code producer.}, {@code consumer.} or {@code admin.} is
 * passed (without the prefix) to that kind of client only.
 *
 * <p>Defaults, each overridable by a pass-through property:
 * <ul>
 *   <li>producer: {@code acks=all}, {@code enable.idempotence=true} (no duplicates on retry),
 *       {@code max.request.size=}{@value #MAX_REQUEST_BYTES} and {@code batch.size=}{@value #BATCH_BYTES}
 *       so that records of about 1 MB go out in one request (the 16 KiB default made large records
 *       several times slower), {@code linger.ms=5};</li>
 *   <li>consumer: {@code auto.offset.reset=earliest} (a new group sees history),
 *       {@code enable.auto.commit=false} (offsets are committed only after processing, at least once),
 *       {@code max.partition.fetch.bytes=}{@value #MAX_FETCH_PARTITION_BYTES};</li>
 *   <li>{@code client.id}: {@code <clientIdPrefix>-<role>-<n>}, prefix {@value #DEFAULT_CLIENT_ID_PREFIX}.</li>
 * </ul>
 *
 * <p>Validation errors are {@link IllegalArgumentException}s with a one-line message that names the bad value.
 * Instances are immutable.
 */
public final class KafkaSettings {

    /** The key of the required bootstrap list. */
    public static final String BOOTSTRAP_SERVERS = CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG;
    /** The platform's own key for the client id prefix; not passed to Kafka. */
    public static final String CLIENT_ID_PREFIX = "client.id.prefix";
    /** Default client id prefix. */
    public static final String DEFAULT_CLIENT_ID_PREFIX = "dxmi";
    /** Producer request limit: below the embedded broker's 2 MiB {@code message.max.bytes}. */
    public static final int MAX_REQUEST_BYTES = 2_000_000;
    /** Producer batch size: one ~1 MB record per batch instead of the 16 KiB default. */
    public static final int BATCH_BYTES = 1_048_576;
    /** Consumer per-partition fetch limit: at least one maximal record per fetch. */
    public static final int MAX_FETCH_PARTITION_BYTES = 2_097_152;

    private static final Set<String> SECURITY_PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    private static final List<String> ROLE_PREFIXES = List.of("producer.", "consumer.", "admin.");
    // Client ids must differ per client in one process (JMX names and broker quotas use them).
    private static final AtomicInteger CLIENT_SEQ = new AtomicInteger();

    private final String bootstrapServers;
    private final String clientIdPrefix;
    private final Map<String, String> passThrough;

    private KafkaSettings(String bootstrapServers, String clientIdPrefix, Map<String, String> passThrough) {
        this.bootstrapServers = bootstrapServers;
        this.clientIdPrefix = clientIdPrefix;
        this.passThrough = Collections.unmodifiableMap(new LinkedHashMap<>(passThrough));
    }

    /** Returns a new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Settings from a flat map: {@code bootstrap.servers} (required), {@code client.id.prefix} (optional); every
     * other entry is a pass-through client property.
     */
    public static KafkaSettings fromMap(Map<String, String> map) {
        Objects.requireNonNull(map, "map");
        Builder b = builder();
        for (Map.Entry<String, String> e : map.entrySet()) {
            String k = e.getKey();
            if (BOOTSTRAP_SERVERS.equals(k)) {
                b.setBootstrapServers(e.getValue());
            } else if (CLIENT_ID_PREFIX.equals(k)) {
                b.optClientIdPrefix(e.getValue());
            } else {
                b.optProperty(k, e.getValue());
            }
        }
        return b.build();
    }

    /** The validated bootstrap list, as given (trimmed). */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The client id prefix. */
    public String clientIdPrefix() {
        return clientIdPrefix;
    }

    /** The pass-through properties (including role-prefixed ones), unmodifiable. */
    public Map<String, String> properties() {
        return passThrough;
    }

    /** Properties for a producer: defaults, then pass-through (common, then {@code producer.}-prefixed). */
    public Map<String, String> producerProperties() {
        Map<String, String> p = base("producer");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(MAX_REQUEST_BYTES));
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(BATCH_BYTES));
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return overlay(p, "producer.");
    }

    /** Properties for a consumer in {@code groupId} (null: no group, for assign-only readers). */
    public Map<String, String> consumerProperties(String groupId) {
        Map<String, String> p = base(groupId == null ? "consumer" : "consumer-" + groupId);
        if (groupId != null) {
            if (groupId.isBlank()) {
                throw new IllegalArgumentException("Consumer group id must not be blank");
            }
            p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(MAX_FETCH_PARTITION_BYTES));
        return overlay(p, "consumer.");
    }

    /** Properties for an admin client. */
    public Map<String, String> adminProperties() {
        return overlay(base("admin"), "admin.");
    }

    private Map<String, String> base(String role) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(BOOTSTRAP_SERVERS, bootstrapServers);
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientIdPrefix + "-" + role + "-" + CLIENT_SEQ.incrementAndGet());
        return p;
    }

    private Map<String, String> overlay(Map<String, String> p, String rolePrefix) {
        for (Map.Entry<String, String> e : passThrough.entrySet()) {
            if (ROLE_PREFIXES.stream().noneMatch(e.getKey()::startsWith)) {
                p.put(e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, String> e : passThrough.entrySet()) {
            if (e.getKey().startsWith(rolePrefix)) {
                p.put(e.getKey().substring(rolePrefix.length()), e.getValue());
            }
        }
        return p;
    }

    @Override
    public String toString() {
        // Never print values of secret-bearing properties (Kafka's PASSWORD configs and secret-looking names).
        Map<String, String> shown = SensitiveConfigs.masked(passThrough);
        return "KafkaSettings{bootstrap.servers=" + bootstrapServers + ", clientIdPrefix=" + clientIdPrefix
                + ", properties=" + shown + "}";
    }

    /**
     * Validates a comma-separated {@code host:port} list and returns its trimmed form.
     *
     * @throws IllegalArgumentException naming the first bad entry
     */
    public static String validateBootstrap(String servers) {
        if (servers == null || servers.isBlank()) {
            throw new IllegalArgumentException(BOOTSTRAP_SERVERS + " is required (host:port[,host:port...])");
        }
        List<String> out = new ArrayList<>();
        for (String raw : servers.split(",", -1)) {
            String entry = raw.trim();
            String why = checkHostPort(entry);
            if (why != null) {
                throw new IllegalArgumentException("Invalid " + BOOTSTRAP_SERVERS + " entry '" + entry + "' in '" + servers
                        + "': " + why);
            }
            out.add(entry);
        }
        return String.join(",", out);
    }

    private static String checkHostPort(String entry) {
        if (entry.isEmpty()) {
            return "empty entry";
        }
        String host;
        String port;
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            if (close < 0 || close + 1 >= entry.length() || entry.charAt(close + 1) != ':') {
                return "expected [ipv6]:port";
            }
            host = entry.substring(1, close);
            port = entry.substring(close + 2);
        } else {
            int colon = entry.lastIndexOf(':');
            if (colon < 0) {
                return "expected host:port";
            }
            host = entry.substring(0, colon);
            port = entry.substring(colon + 1);
            if (host.contains(":")) {
                return "IPv6 hosts must be in brackets, [::1]:9092";
            }
        }
        if (host.isEmpty()) {
            return "empty host";
        }
        if (!host.matches("[A-Za-z0-9._:%-]+")) {
            return "host has invalid characters";
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            return "port '" + port + "' is not a number";
        }
        if (p < 1 || p > 65535) {
            return "port " + p + " is outside 1-65535";
        }
        return null;
    }

    /** Builder: {@code setX} for required values, {@code optX} for optional ones. */
    public static final class Builder {
        private String bootstrapServers;
        private String clientIdPrefix = DEFAULT_CLIENT_ID_PREFIX;
        private final Map<String, String> properties = new LinkedHashMap<>();

        private Builder() {
        }

        /** Required: comma-separated {@code host:port} list. */
        public Builder setBootstrapServers(String servers) {
            this.bootstrapServers = servers;
            return this;
        }

        /** Optional: prefix of every client id (default {@value KafkaSettings#DEFAULT_CLIENT_ID_PREFIX}). */
        public Builder optClientIdPrefix(String prefix) {
            this.clientIdPrefix = prefix;
            return this;
        }

        /** Optional: one pass-through Kafka client property (may be {@code producer./consumer./admin.}-prefixed). */
        public Builder optProperty(String key, String value) {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("Kafka property name must not be blank");
            }
            if (value == null) {
                throw new IllegalArgumentException("Kafka property '" + key + "' has no value");
            }
            if (BOOTSTRAP_SERVERS.equals(key)) {
                return setBootstrapServers(value);
            }
            properties.put(key.trim(), value.trim());
            return this;
        }

        /** Optional: several pass-through properties. */
        public Builder optProperties(Map<String, String> props) {
            props.forEach(this::optProperty);
            return this;
        }

        /** Validates and builds. */
        public KafkaSettings build() {
            String servers = validateBootstrap(bootstrapServers);
            if (clientIdPrefix == null || !clientIdPrefix.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("Invalid " + CLIENT_ID_PREFIX + " '" + clientIdPrefix
                        + "': use letters, digits, '.', '_' or '-'");
            }
            for (String role : List.of("", "producer.", "consumer.", "admin.")) {
                String sp = properties.get(role + CommonClientConfigs.SECURITY_PROTOCOL_CONFIG);
                if (sp != null && !SECURITY_PROTOCOLS.contains(sp.toUpperCase(Locale.ROOT))) {
                    throw new IllegalArgumentException("Invalid " + role + "security.protocol '" + sp + "': expected one of "
                            + new TreeSet<>(SECURITY_PROTOCOLS));
                }
            }
            return new KafkaSettings(servers, clientIdPrefix, properties);
        }
    }
}
