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
        assertTrue(line.startsWith("the embedded Kafka broker ends this process (status 1): log dirs failed"), line);
        assertTrue(line.contains("restart on the same data directory"), line);
    }

    @Test
    void aHaltOfAStartedBrokerIsExplainedBeforeTheProcessEnds() throws IOException, InterruptedException {
        assertExplained("halt", 3);
    }

    @Test
    void anExitOfAStartedBrokerIsExplainedBeforeTheProcessEnds() throws IOException, InterruptedException {
        assertExplained("exit", 4);
    }

    private void assertExplained(String how, int status) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), HaltingBroker.class.getName(), dir.toString(), how,
                Integer.toString(status))
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        try {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM did not end");
        } finally {
            p.destroyForcibly();
        }
        String out = Files.readString(dir.resolve("child.log"), StandardCharsets.UTF_8);
        assertEquals(status, p.exitValue(), out);
        assertTrue(out.contains("the embedded Kafka broker ends this process (status " + status + "): simulated fatal"
                + " fault; data directory " + dir.resolve("kafka")), out);
    }

    /** Starts a broker, then halts or exits the way Kafka's fatal-fault handlers do (its log manager halts). */
    public static final class HaltingBroker {
        public static void main(String[] args) {
            EmbeddedKafkaBroker.builder().setDataDir(Path.of(args[0]).resolve("kafka")).build().start();
            int status = Integer.parseInt(args[2]);
            if ("halt".equals(args[1])) {
                Exit.halt(status, "simulated fatal fault");
            } else {
                Exit.exit(status, "simulated fatal fault");
            }
        }
    }
}
