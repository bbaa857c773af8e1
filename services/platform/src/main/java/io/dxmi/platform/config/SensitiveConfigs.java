package io.dxmi.platform.config;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Which client properties hold secrets, so that no log line, error message or {@code toString} ever shows their
 * values. A key is sensitive when Kafka itself declares it a password ({@link ConfigDef.Type#PASSWORD} in the
 * producer, consumer or admin configuration, for example {@code sasl.jaas.config}, {@code ssl.keystore.key},
 * {@code ssl.truststore.password}), also behind a {@code producer.}/{@code consumer.}/{@code admin.} prefix, or
 * when one of its name's parts looks like a secret (password, secret, key, token, jaas, credentials): a plug-in's
 * own property such as {@code sasl.oauthbearer.client.secret} is not in Kafka's definitions.
 */
public final class SensitiveConfigs {

    /** What a hidden value prints as (Kafka's own word for it). */
    public static final String HIDDEN = "[hidden]";

    private static final Set<String> PASSWORD_KEYS = Stream.of(ProducerConfig.configDef(), ConsumerConfig.configDef(),
                    AdminClientConfig.configDef())
            .flatMap(d -> d.configKeys().values().stream())
            .filter(k -> k.type == ConfigDef.Type.PASSWORD)
            .map(k -> k.name)
            .collect(Collectors.toUnmodifiableSet());

    private static final Set<String> SECRET_WORDS = Set.of("password", "passwd", "secret", "key", "token", "jaas",
            "credential", "credentials");

    private SensitiveConfigs() {
    }

    /** True when the value of {@code key} must never be shown. */
    public static boolean isSensitive(String key) {
        if (key == null) {
            return false;
        }
        String k = key.trim().toLowerCase(Locale.ROOT);
        for (String prefix : new String[] {"producer.", "consumer.", "admin."}) {
            if (k.startsWith(prefix) && PASSWORD_KEYS.contains(k.substring(prefix.length()))) {
                return true;
            }
        }
        if (PASSWORD_KEYS.contains(k)) {
            return true;
        }
        for (String part : k.split("[._\\-]")) {
            if (SECRET_WORDS.contains(part)) {
                return true;
            }
        }
        return false;
    }

    /** A copy of {@code properties} with every sensitive value replaced by {@value #HIDDEN}, in the same order. */
    public static Map<String, String> masked(Map<String, String> properties) {
        Map<String, String> shown = new LinkedHashMap<>();
        properties.forEach((k, v) -> shown.put(k, isSensitive(k) ? HIDDEN : v));
        return shown;
    }
}
