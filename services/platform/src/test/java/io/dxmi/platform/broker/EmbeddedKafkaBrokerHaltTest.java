package io.dxmi.platform.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.common.utils.Exit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When Kafka halts the process (every log directory failed, most often a full disk), the embedded
 * broker says so first, naming its data directory and the free space there: checked in a child JVM,
 * since the halt ends the process it happens in.
 */
class EmbeddedKafkaBrokerHaltTest {

    @TempDir
    Path dir;

    @Test
    void theMessageNamesTheDataDirectoryAndItsFreeSpace() {
        String line = EmbeddedKafkaBroker.haltMessage(1, "log dirs failed", List.of(dir));
        Matcher m = Pattern.compile("data directory " + Pattern.quote(dir.toString()) + " has (\\d+) MiB free")
                .matcher(line);
        assertTrue(m.find(), line);
        assertTrue(line.startsWith("the embedded Kafka broker halts this process (status 1): log dirs failed"), line);
        assertTrue(line.contains("restart on the same data directory"), line);
    }

    @Test
    void aHaltOfAStartedBrokerIsExplainedBeforeTheProcessEnds() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), HaltingBroker.class.getName(), dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        try {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM did not end");
        } finally {
            p.destroyForcibly();
        }
        String out = Files.readString(dir.resolve("child.log"), StandardCharsets.UTF_8);
        assertEquals(3, p.exitValue(), out);
        assertTrue(out.contains("the embedded Kafka broker halts this process (status 3): simulated log dir failure"
                + "; data directory " + dir.resolve("kafka")), out);
    }

    /** Starts a broker, then halts the way Kafka's log manager does when its last log directory fails. */
    public static final class HaltingBroker {
        public static void main(String[] args) {
            EmbeddedKafkaBroker.builder().setDataDir(Path.of(args[0]).resolve("kafka")).build().start();
            Exit.halt(3, "simulated log dir failure");
        }
    }
}
