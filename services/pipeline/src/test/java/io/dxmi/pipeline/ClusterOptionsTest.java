package io.dxmi.pipeline;

import io.dxmi.platform.config.KafkaSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where a process's Kafka settings come from: environment, then --kafka-config, then --kafka-property and --bootstrap. */
class ClusterOptionsTest {

    @TempDir
    Path tmp;

    @Command
    static final class Probe {
        @Mixin
        RunConnectionOptions connection = new RunConnectionOptions();
    }

    private static RunConnectionOptions parse(Map<String, String> env, String... args) {
        Probe p = new Probe();
        new CommandLine(p).parseArgs(args);
        p.connection.cluster().withEnvironment(env);
        return p.connection;
    }

    @Test
    void theCommandLineWinsOverTheFileWhichWinsOverTheEnvironment() throws Exception {
        Path file = tmp.resolve("client.properties");
        Files.writeString(file, "bootstrap.servers=file:9092\nsecurity.protocol=SASL_SSL\nsasl.mechanism=PLAIN\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" "
                + "password=\"file-secret\";\n");
        Map<String, String> env = Map.of("DXMI_KAFKA_BOOTSTRAP_SERVERS", "env:9092", "DXMI_KAFKA_SASL_MECHANISM",
                "SCRAM-SHA-512", "DXMI_KAFKA_CLIENT_DNS_LOOKUP", "use_all_dns_ips");
        KafkaSettings s = parse(env, "--run", "r", "--kafka-config", file.toString(), "--kafka-property",
                "sasl.mechanism=SCRAM-SHA-256").settings("t");
        assertEquals("file:9092", s.bootstrapServers());
        assertEquals("SCRAM-SHA-256", s.properties().get("sasl.mechanism"));
        assertEquals("SASL_SSL", s.properties().get("security.protocol"));
        assertEquals("use_all_dns_ips", s.properties().get("client.dns.lookup"));
        assertFalse(s.properties().containsKey("bootstrap.servers"));
        assertFalse(s.toString().contains("file-secret"), s.toString());
        assertEquals("cli:9092", parse(env, "--run", "r", "--kafka-config", file.toString(), "--bootstrap",
                "cli:9092").settings("t").bootstrapServers());
        assertEquals("env:9092", parse(env, "--run", "r").settings("t").bootstrapServers());
    }

    @Test
    void withoutBootstrapServersAnywhereTheMessageSaysWhereTheyCanCome() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse(Map.of(), "--run", "r").settings("t"));
        assertTrue(e.getMessage().contains("--bootstrap is required") && e.getMessage().contains("--kafka-config")
                && e.getMessage().contains("DXMI_KAFKA_BOOTSTRAP_SERVERS"), e.getMessage());
        IllegalArgumentException run = assertThrows(IllegalArgumentException.class,
                () -> parse(Map.of(), "--run", "a b", "--bootstrap", "h:1").run());
        assertTrue(run.getMessage().contains("a run name is"), run.getMessage());
    }
}
