package io.dxmi.cli;

import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.dxmi.DxmiTrainer;
import io.dxmi.core.model.DataInfo;
import io.dxmi.pipeline.LearnerCheckpoints;
import io.dxmi.pipeline.RunPlan;
import io.dxmi.platform.checkpoint.DirectoryLock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;

import java.nio.file.Path;
import java.util.List;

import static io.dxmi.cli.CommandLineTest.dxmi;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A learner given a state directory it must not use (another instance holds it, or it holds a checkpoint of
 * another plan) is a configuration mistake: exit 2, and the line that says why is the last one printed, with no
 * shutdown chatter before it.
 */
@Tag("integration")
class StateDirectoryMistakesTest {

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

    private static void assertUsageErrorLast(CommandLineTest.Run r, String... fragments) {
        assertEquals(ExitCode.USAGE, r.code(), r.err());
        String last = r.err().strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("dxmi service: ebm-learner did not start: "), r.err());
        for (String f : fragments) {
            assertTrue(last.contains(f), "expected '" + f + "' in: " + last);
        }
        assertFalse(r.err().contains("GracefulShutdown"), r.err());
    }

    private static CommandLineTest.Run ebmLearner(String run, Path state) {
        return dxmi("service", "ebm-learner", "--bootstrap", fixture.bootstrap(), "--run", run, "--state-dir",
                state.toString(), "--metrics-port", "0", "--plan-timeout", "30");
    }

    @Test
    @SuppressWarnings("try") // the lock is held, not used, while the second learner tries
    void aSecondLearnerOnALockedStateDirectory() throws Exception {
        fixture.submit("locked", TinyRun.config(10, 1), "sync", 0, 5, 0);
        Path state = tmp.resolve("locked-state");
        CommandLineTest.Run r;
        try (DirectoryLock first = DirectoryLock.acquire(state.resolve("locked").resolve("ebm-learner"),
                "the first ebm-learner")) {
            r = ebmLearner("locked", state);
        }
        assertUsageErrorLast(r, "is in use by another instance (the first ebm-learner");
    }

    @Test
    void aCheckpointOfAnotherPlan() throws Exception {
        RunPlan plan = fixture.submit("reused", TinyRun.config(10, 1), "sync", 0, 5, 0);
        // The same run name submitted before with other settings, its checkpoint left in the state directory.
        RunPlan earlier = new RunPlan(plan.spec(), "sync", 0, plan.checkpointEvery() + 1, plan.evalEvery());
        Path state = tmp.resolve("reused-state");
        try (DxmiModel model = earlier.spec().newModel();
                LearnerCheckpoints checkpoints = new LearnerCheckpoints(state, "ebm-learner", earlier, "earlier")) {
            checkpoints.save(new DxmiTrainer(model, fixture.data()::sample), DataInfo.of(fixture.data()),
                    new LearnerCheckpoints.Position(0, 0, -1, List.of()));
        }
        assertUsageErrorLast(ebmLearner("reused", state), "belongs to run 'reused' (plan " + earlier.hash() + ")");
    }
}
