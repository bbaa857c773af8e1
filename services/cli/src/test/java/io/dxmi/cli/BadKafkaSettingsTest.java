package io.dxmi.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.dxmi.cli.CommandLineTest.dxmi;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Client settings Kafka cannot create a client from are the user's configuration: one line naming the setting,
 * never its value (a JAAS line holds a password), exit 2.
 */
class BadKafkaSettingsTest {

    @TempDir
    Path tmp;

    @Test
    void aMalformedJaasLineIsAUsageErrorThatQuotesNothing() throws Exception {
        Path config = Files.writeString(tmp.resolve("client.properties"), "security.protocol=SASL_PLAINTEXT\n"
                + "sasl.mechanism=PLAIN\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule requird username=\"u\" \\\n"
                + "    password=\"jaas-s3cret\";\n");
        // Nothing listens at the address: the client is refused before it would try.
        CommandLineTest.Run r = dxmi("runs", "list", "--bootstrap", "127.0.0.1:1", "--connect-timeout", "2",
                "--kafka-config", config.toString());
        assertEquals(ExitCode.USAGE, r.code(), r.err());
        assertEquals("dxmi runs list: the Kafka client settings are invalid: sasl.jaas.config could not be parsed",
                r.err().strip());
    }
}
