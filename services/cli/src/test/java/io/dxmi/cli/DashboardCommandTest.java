package io.dxmi.cli;

import org.junit.jupiter.api.Test;

import java.net.ServerSocket;

import static io.dxmi.cli.CommandLineTest.dxmi;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dxmi dashboard}'s flags: a run, cameras or both; every mistake one line and exit 2, before any work. */
class DashboardCommandTest {

    private static void assertUsage(String fragment, String... args) {
        CommandLineTest.Run r = dxmi(args);
        String err = r.err().strip();
        assertEquals(ExitCode.USAGE, r.code(), err);
        assertFalse(err.contains("\n") || err.contains("Exception"), "one line expected, got: " + err);
        assertTrue(err.contains(fragment), "expected '" + fragment + "' in: " + err);
    }

    @Test
    void flagsAreCheckedBeforeAnyWork() {
        String b = "localhost:9092";
        assertUsage("give --run RUN, --cameras, or both", "dashboard", "--bootstrap", b);
        assertUsage("--scores applies to the cameras view: add --cameras", "dashboard", "--bootstrap", b, "--run", "r1",
                "--scores", "s");
        assertUsage("--frames applies to the cameras view", "dashboard", "--bootstrap", b, "--run", "r1", "--frames",
                "f");
        assertUsage("--max-cameras applies to the cameras view", "dashboard", "--bootstrap", b, "--run", "r1",
                "--max-cameras", "3");
        assertUsage("--max-cameras must be 1-1024, got 0", "dashboard", "--bootstrap", b, "--cameras",
                "--max-cameras", "0");
        assertUsage("--window must be 1-86400 seconds", "dashboard", "--bootstrap", b, "--cameras", "--window", "0.5");
        assertUsage("--scores: the scores topic must be", "dashboard", "--bootstrap", b, "--cameras", "--scores",
                "no spaces");
        assertUsage("must differ", "dashboard", "--bootstrap", b, "--cameras", "--scores", "x", "--frames", "x");
        assertUsage("--run-dir is a run's directory: add --run RUN", "dashboard", "--bootstrap", b, "--cameras",
                "--run-dir", "somewhere");
        assertUsage("a run name is", "dashboard", "--bootstrap", b, "--cameras", "--run", "no spaces");
        assertUsage("--bootstrap is required", "dashboard", "--cameras");
        assertUsage("--port must be 0-65535", "dashboard", "--bootstrap", b, "--cameras", "--port", "70000");
    }

    @Test
    void aCamerasDashboardOfAClusterThatDoesNotAnswerEndsWithExitThree() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // nothing listens there once closed
        }
        CommandLineTest.Run r = dxmi("dashboard", "--bootstrap", "localhost:" + port, "--cameras", "--connect-timeout",
                "1", "--port", "0");
        assertEquals(ExitCode.UNREACHABLE, r.code(), r.err());
        assertTrue(r.err().contains("did not answer within 1 s"), r.err());
    }
}
