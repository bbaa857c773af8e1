package io.dxmi.cli;

import io.dxmi.pipeline.RunTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.dxmi.cli.CommandLineTest.dxmi;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster commands as a user meets them on a real broker: every wrong start-up ends with one line and its
 * exit code within its timeout (unreachable cluster 3, no plan 4, bad flags 2), and {@code dxmi runs} lists,
 * shows, stops (a running service ends gracefully), resumes and deletes runs.
 */
@Tag("integration")
class ClusterCommandsTest {

    @TempDir
    static Path tmp;

    static TinyRun fixture;

    @BeforeAll
    static void broker() {
        fixture = TinyRun.start(tmp, 100);
    }

    @AfterAll
    static void close() throws Exception {
        fixture.close();
    }

    /** One line, no stack trace, no Vert.x blocked-thread warning, the expected code and words. */
    private static void assertOneLine(CommandLineTest.Run r, int code, String... fragments) {
        assertEquals(code, r.code(), r.out() + r.err());
        String err = r.err().strip();
        assertFalse(err.contains("\n"), "one line expected, got: " + err);
        assertFalse(err.contains("Exception") || err.contains("Thread blocked"), err);
        for (String f : fragments) {
            assertTrue(err.contains(f), "expected '" + f + "' in: " + err);
        }
    }

    @Test
    void anUnreachableClusterFailsWithinItsTimeout() throws Exception {
        int port = ClusterProcessesTest.freePort("127.0.0.1"); // nothing listens there once the probe socket closes
        long t0 = System.nanoTime();
        CommandLineTest.Run r = dxmi("service", "ebm-learner", "--bootstrap", "localhost:" + port, "--run", "x",
                "--connect-timeout", "2", "--plan-timeout", "1", "--metrics-port", "0", "--state-dir",
                tmp.resolve("s").toString());
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertOneLine(r, ExitCode.UNREACHABLE, "localhost:" + port, "did not answer within 2 s");
        // A hang guard, not a speed check: without --connect-timeout the client waits 60 s or more.
        assertTrue(seconds < 45, "took " + seconds + " s with --connect-timeout 2");
        for (String[] cmd : new String[][] {{"submit", "--run", "x", "--data", "8gaussians", "--steps", "3", "--tau",
                "0.1", "--pretrain-iterations", "1000000"}, {"runs", "list"}, {"export", "--run", "x", "--out",
                tmp.resolve("e").toString()}, {"dashboard", "--run", "x", "--port", "0"}}) {
            String[] args = new String[cmd.length + 4];
            System.arraycopy(cmd, 0, args, 0, cmd.length);
            System.arraycopy(new String[] {"--bootstrap", "localhost:" + port, "--connect-timeout", "2"}, 0, args,
                    cmd.length, 4);
            assertOneLine(dxmi(args), ExitCode.UNREACHABLE, "did not answer within 2 s");
        }
    }

    @Test
    void aRunThatNeverComesEndsAfterThePlanTimeoutNamingTheRunsThatExist() throws Exception {
        fixture.submit("existing", TinyRun.config(10, 1), "sync", 0, 5, 0);
        CommandLineTest.Run r = dxmi("service", "sampler-actor", "--bootstrap", fixture.bootstrap(), "--run",
                "exisitng", "--plan-timeout", "3", "--metrics-port", "0");
        assertEquals(ExitCode.NO_PLAN, r.code(), r.err());
        assertEquals(1, ClusterProcessesTest.count(r.err(), "waiting for the plan of run 'exisitng'"), r.err());
        String last = r.err().strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.contains("no plan for run 'exisitng'") && last.contains("runs there: existing"), last);
        assertFalse(r.err().contains("Exception") || r.err().contains("Thread blocked"), r.err());
        // The mistyped name created nothing.
        assertFalse(topics().contains(new RunTopics("exisitng").spec()), topics().toString());
    }

    @Test
    void badFlagsAreUsageErrorsFoundBeforeAnyWork() throws Exception {
        String b = fixture.bootstrap();
        assertOneLine(dxmi("service", "ebm-learner", "--bootstrap", "localhost", "--run", "x"), ExitCode.USAGE,
                "expected host:port");
        assertOneLine(dxmi("service", "ebm-learner", "--bootstrap", b, "--run", "no spaces"), ExitCode.USAGE,
                "a run name is");
        assertOneLine(dxmi("service", "ebm-learner", "--run", "x"), ExitCode.USAGE, "--bootstrap is required");
        assertOneLine(dxmi("service", "sampler-actor", "--bootstrap", b, "--run", "x", "--out", "o"), ExitCode.USAGE,
                "--out does not apply to the sampler-actor");
        assertOneLine(dxmi("service", "evaluator", "--bootstrap", b, "--run", "x", "--metrics-port", "70000"),
                ExitCode.USAGE, "--metrics-port must be 0-65535");
        assertOneLine(dxmi("service", "evaluator", "--bootstrap", b, "--run", "x", "--kafka-config",
                tmp.resolve("missing.properties").toString()), ExitCode.USAGE, "missing.properties", "not found");
        assertOneLine(dxmi("service", "learner", "--bootstrap", b, "--run", "x"), ExitCode.USAGE, "unknown service");
        assertOneLine(dxmi("submit", "--bootstrap", b, "--run", "x", "--data", "8gaussians", "--steps", "3", "--tau",
                "0.1", "--mode", "asynch"), ExitCode.USAGE, "--mode", "asynch");
        assertOneLine(dxmi("run", "--data", "8gaussians", "--steps", "3", "--tau", "0.1", "--out",
                tmp.resolve("r").toString(), "--mode", "asynch"), ExitCode.USAGE, "--mode", "asynch");
        assertOneLine(dxmi("run", "--data", "8gaussians", "--steps", "3", "--tau", "0.1", "--out",
                tmp.resolve("r").toString(), "--actors", "2"), ExitCode.USAGE, "--mode sync runs exactly one actor");
        assertOneLine(dxmi("run", "--data", "8gaussians", "--steps", "3", "--tau", "0.1", "--out",
                tmp.resolve("r").toString(), "--iterations", "0"), ExitCode.USAGE, "--iterations must be at least 1");
        assertOneLine(dxmi("train", "--data", "8gaussians", "--steps", "5", "--tau", "0.1", "--out",
                tmp.resolve("t").toString(), "--batch", "2000000000"), ExitCode.USAGE, "--batch 2000000000 is too large");
        assertOneLine(dxmi("pretrain", "--data", "8gaussians", "--out", tmp.resolve("p").toString(), "--iterations",
                "0"), ExitCode.USAGE, "--iterations must be at least 1");
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        assertOneLine(dxmi("train", "--data", "8gaussians", "--steps", "5", "--tau", "0.1", "--out",
                file.resolve("sub").toString()), ExitCode.USAGE, "--out", "cannot be written", "a file is in the way");
        // A run directory that holds a run is refused unless --resume or --force.
        Path held = tmp.resolve("held");
        Files.createDirectories(held.resolve("kafka"));
        assertOneLine(dxmi("run", "--data", "8gaussians", "--steps", "3", "--tau", "0.1", "--out", held.toString()),
                ExitCode.USAGE, "holds a run", "--resume", "--force");
        assertOneLine(dxmi("run", "--data", "8gaussians", "--out", held.toString(), "--resume", "--steps", "4"),
                ExitCode.USAGE, "--resume continues the run as it was submitted", "--steps");
        // Its cadence is part of the plan on the broker: a new one is refused, not silently ignored.
        assertOneLine(dxmi("run", "--out", held.toString(), "--resume", "--checkpoint-every", "5"),
                ExitCode.USAGE, "--resume continues the run as it was submitted", "--checkpoint-every");
        assertOneLine(dxmi("run", "--data", "8gaussians", "--out", held.toString(), "--resume"), ExitCode.USAGE,
                "holds no run to continue");
        // An existing run is not submitted over.
        fixture.submit("taken", TinyRun.config(10, 1), "sync", 0, 5, 0);
        assertOneLine(dxmi("submit", "--bootstrap", b, "--run", "taken", "--data", "8gaussians", "--steps", "3",
                "--tau", "0.1"), ExitCode.USAGE, "run 'taken' already exists");
        assertOneLine(dxmi("export", "--bootstrap", b, "--run", "nothing-here", "--out", tmp.resolve("x").toString()),
                ExitCode.USAGE, "no run 'nothing-here'", "runs there:");
    }

    @Test
    void runsAreListedShownStoppedResumedAndDeleted() throws Exception {
        String b = fixture.bootstrap();
        fixture.submit("managed", TinyRun.config(1000, 2), "sync", 0, 10, 0);
        CommandLineTest.Run list = dxmi("runs", "list", "--bootstrap", b);
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("managed ") && l.contains("submitted")
                && l.contains("0 / 1000")), list.out());
        CommandLineTest.Run status = dxmi("runs", "status", "managed", "--bootstrap", b);
        assertEquals(0, status.code(), status.err());
        assertTrue(status.out().contains("state:      submitted") && status.out().contains("T = 3"), status.out());
        assertOneLine(dxmi("runs", "status", "managd", "--bootstrap", b), ExitCode.USAGE, "no run 'managd'", "managed");

        // A learner of the run, as its own process: it waits for batches (no actor) until the run is stopped.
        Path state = tmp.resolve("managed-state");
        try (DxmiProcess learner = DxmiProcess.start(tmp.resolve("managed-ebm.log"), "service", "ebm-learner",
                "--bootstrap", b, "--run", "managed", "--state-dir", state.toString(), "--metrics-port", "0")) {
            assertTrue(learner.awaitOutput("ebm-learner of run 'managed' started", 180), learner.output());
            assertOneLine(dxmi("runs", "delete", "managed", "--bootstrap", b), ExitCode.USAGE,
                    "run 'managed' is submitted", "stop it first");
            CommandLineTest.Run stop = dxmi("runs", "stop", "managed", "--bootstrap", b, "--reason", "test over");
            assertEquals(0, stop.code(), stop.err());
            assertEquals(0, learner.await(120), learner.output());
            assertTrue(learner.output().contains("run 'managed' was stopped ('test over'); stopping"),
                    learner.output());
        }
        CommandLineTest.Run stopped = dxmi("runs", "status", "managed", "--bootstrap", b);
        assertTrue(stopped.out().contains("state:      stopped (test over"), stopped.out());
        // A service started for a stopped run says so and ends at once.
        CommandLineTest.Run late = dxmi("service", "sampler-actor", "--bootstrap", b, "--run", "managed",
                "--metrics-port", "0");
        assertEquals(0, late.code(), late.err());
        assertTrue(late.err().contains("was stopped"), late.err());
        assertEquals(0, dxmi("runs", "resume", "managed", "--bootstrap", b).code());
        assertTrue(dxmi("runs", "status", "managed", "--bootstrap", b).out().contains("state:      submitted"));
        dxmi("runs", "stop", "managed", "--bootstrap", b);

        assertTrue(Files.isDirectory(state.resolve("managed").resolve("ebm-learner")), "the learner kept its state");
        CommandLineTest.Run delete = dxmi("runs", "delete", "managed", "--bootstrap", b, "--state", state.toString());
        assertEquals(0, delete.code(), delete.err());
        assertTrue(delete.out().contains(new RunTopics("managed").all().size() + " topics"), delete.out());
        assertFalse(Files.exists(state.resolve("managed")));
        long left = topics().stream().filter(t -> t.startsWith("dxmi.managed.")).count();
        for (int i = 0; i < 50 && left > 0; i++) { // topic deletion completes asynchronously on the broker
            Thread.sleep(200);
            left = topics().stream().filter(t -> t.startsWith("dxmi.managed.")).count();
        }
        assertEquals(0, left, topics().toString());
        assertFalse(dxmi("runs", "list", "--bootstrap", b).out().contains("managed"));
    }

    private static Set<String> topics() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, fixture.bootstrap()))) {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS);
        }
    }
}
