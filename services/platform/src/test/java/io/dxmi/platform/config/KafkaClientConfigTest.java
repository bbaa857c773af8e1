package io.dxmi.platform.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Client properties from files and the environment, secrets never shown, and the cluster probe's fast failure. */
class KafkaClientConfigTest {

    @TempDir
    Path tmp;

    @Test
    void everySecretKafkaKnowsOfAndEverySecretLookingKeyIsHidden() {
        // Kafka's own PASSWORD-typed client configs, also behind a role prefix.
        for (String k : List.of("sasl.jaas.config", "ssl.keystore.key", "ssl.key.password", "ssl.keystore.password",
                "ssl.truststore.password", "ssl.keystore.certificate.chain", "ssl.truststore.certificates",
                "producer.sasl.jaas.config", "admin.ssl.keystore.key")) {
            assertTrue(SensitiveConfigs.isSensitive(k), k);
        }
        // Names that look like secrets (plug-ins' own properties Kafka does not define).
        for (String k : List.of("sasl.oauthbearer.client.secret", "my.api.token", "vault_password", "aws.credentials",
                "sasl.login.callback.jaas")) {
            assertTrue(SensitiveConfigs.isSensitive(k), k);
        }
        for (String k : List.of("bootstrap.servers", "security.protocol", "sasl.mechanism", "ssl.truststore.location",
                "linger.ms", "client.id")) {
            assertFalse(SensitiveConfigs.isSensitive(k), k);
        }
    }

    @Test
    void settingsNeverPrintASecretValue() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("security.protocol", "SASL_SSL");
        props.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                + "username=\"u\" password=\"jaas-s3cret\";");
        props.put("ssl.keystore.key", "-----BEGIN PRIVATE KEY----- key-s3cret");
        props.put("ssl.truststore.password", "trust-s3cret");
        props.put("sasl.oauthbearer.client.secret", "oauth-s3cret");
        props.put("consumer.ssl.key.password", "consumer-s3cret");
        String shown = KafkaSettings.builder().setBootstrapServers("b:9092").optProperties(props).build().toString();
        for (String secret : List.of("jaas-s3cret", "key-s3cret", "trust-s3cret", "oauth-s3cret", "consumer-s3cret")) {
            assertFalse(shown.contains(secret), shown);
        }
        assertTrue(shown.contains("security.protocol=SASL_SSL"), shown);
        assertTrue(shown.contains("sasl.jaas.config=" + SensitiveConfigs.HIDDEN), shown);
    }

    @Test
    void environmentVariablesNameClientProperties() {
        Map<String, String> env = Map.of("DXMI_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "DXMI_KAFKA_SASL_JAAS_CONFIG", "x required;", "DXMI_KAFKA_BOOTSTRAP_SERVERS", "b1:9093,b2:9093",
                "DXMI_KAFKA_", "ignored", "PATH", "/usr/bin", "DXMI_THREADS", "1");
        Map<String, String> p = KafkaClientProperties.fromEnvironment(env);
        assertEquals(Map.of("security.protocol", "SASL_SSL", "sasl.jaas.config", "x required;", "bootstrap.servers",
                "b1:9093,b2:9093"), p);
    }

    @Test
    void aPropertiesFileIsReadAsKafkaToolsReadIt() throws Exception {
        Path f = tmp.resolve("client.properties");
        Files.writeString(f, "# comment\nsecurity.protocol = SASL_SSL\nsasl.jaas.config=a \\\n  b;\n");
        assertEquals(Map.of("security.protocol", "SASL_SSL", "sasl.jaas.config", "a b;"),
                KafkaClientProperties.fromFile(f));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> KafkaClientProperties.fromFile(tmp.resolve("nope.properties")));
        assertTrue(missing.getMessage().contains("nope.properties") && missing.getMessage().contains("not found"),
                missing.getMessage());
        IllegalArgumentException dir = assertThrows(IllegalArgumentException.class,
                () -> KafkaClientProperties.fromFile(tmp));
        assertTrue(dir.getMessage().contains("is a directory"), dir.getMessage());
    }

    @Test
    void laterLayersWin() {
        assertEquals(Map.of("a", "cli", "b", "file", "c", "env"), KafkaClientProperties.merge(
                Map.of("a", "env", "b", "env", "c", "env"), Map.of("a", "file", "b", "file"), Map.of("a", "cli")));
    }

    @Test
    void settingsAClientCannotBeCreatedFromAreNamedWithoutQuotingThem() {
        // Nothing listens at the address: the client is never created, so the probe never gets that far.
        Map<String, String> jaas = Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule requird username=\"u\""
                        + " password=\"jaas-s3cret\";");
        ClusterProbe.InvalidSettings e = assertThrows(ClusterProbe.InvalidSettings.class, () -> ClusterProbe.check(
                KafkaSettings.builder().setBootstrapServers("127.0.0.1:1").optProperties(jaas).build(),
                Duration.ofSeconds(2)));
        assertEquals("the Kafka client settings are invalid: sasl.jaas.config could not be parsed", e.getMessage());

        Map<String, String> number = Map.of("retry.backoff.ms", "s3cret");
        ClusterProbe.InvalidSettings n = assertThrows(ClusterProbe.InvalidSettings.class, () -> ClusterProbe.check(
                KafkaSettings.builder().setBootstrapServers("127.0.0.1:1").optProperties(number).build(),
                Duration.ofSeconds(2)));
        assertEquals("the Kafka client settings are invalid: retry.backoff.ms has an invalid value", n.getMessage());
    }

    @Test
    void aClusterThatDoesNotAnswerFailsWithinTheTimeout() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        KafkaSettings settings = KafkaSettings.builder().setBootstrapServers("127.0.0.1:" + port).build();
        long t0 = System.nanoTime();
        ClusterProbe.Unreachable e = assertThrows(ClusterProbe.Unreachable.class,
                () -> ClusterProbe.check(settings, Duration.ofSeconds(2)));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(e.getMessage().contains("127.0.0.1:" + port) && e.getMessage().contains("did not answer within 2 s"),
                e.getMessage());
        // The probe's own limit, with room for a loaded machine: the old behaviour was to wait for minutes.
        assertTrue(seconds < 20, "took " + seconds + " s");
    }
}
