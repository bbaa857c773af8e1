package io.dxmi.cli;

import io.dxmi.core.data.DataSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static io.dxmi.cli.CommandLineTest.dxmi;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dxmi run --resume --out DIR} takes the data the run directory records (no {@code --data} needed), refuses
 * a different {@code --data} before the broker starts, and without {@code --resume} {@code --data} stays required.
 */
@Tag("integration")
class RunResumeDataTest {

    @TempDir
    Path tmp;

    /** A run directory as a run leaves it before its plan is submitted: kafka/ and state/ and its record. */
    private Path runDirectory(String run, String data) throws Exception {
        Path dir = tmp.resolve("run");
        Files.createDirectories(dir.resolve(EmbeddedRun.KAFKA));
        Files.createDirectories(dir.resolve(EmbeddedRun.STATE));
        if (data != null) {
            new RunRecord(run, data, DataSources.resolve(data).contentHash()).write(dir);
        }
        return dir;
    }

    private static String lastLine(CommandLineTest.Run r) {
        return r.err().strip().lines().reduce((a, b) -> b).orElse("");
    }

    @Test
    void withoutResumeDataIsRequired() {
        CommandLineTest.Run r = dxmi("run", "--steps", "3", "--tau", "0.1", "--out", tmp.resolve("new").toString());
        assertEquals(ExitCode.USAGE, r.code(), r.err());
        assertTrue(r.err().strip().startsWith("dxmi run: --data is required") && !r.err().strip().contains("\n"),
                r.err());
    }

    @Test
    void aDifferentDataIsRefusedBeforeTheBrokerStarts() throws Exception {
        Path dir = runDirectory("embedded", "8gaussians");
        CommandLineTest.Run r = dxmi("run", "--resume", "--out", dir.toString(), "--data", "25gaussians",
                "--no-dashboard", "--quiet");
        assertEquals(ExitCode.USAGE, r.code(), r.err());
        assertEquals("dxmi run: --resume: the run in " + dir + " was trained on '8gaussians', not on --data"
                + " 25gaussians (drop --data: --resume uses the run's own data)", r.err().strip());
        try (Stream<Path> kafka = Files.list(dir.resolve(EmbeddedRun.KAFKA))) {
            assertEquals(0, kafka.count(), "the broker did not start");
        }
    }

    @Test
    void resumeTakesTheDataAndNameTheRunDirectoryRecords() throws Exception {
        Path dir = runDirectory("named", "8gaussians");
        // Validation passes without --data or --run-name; the broker starts and finds the run never submitted.
        CommandLineTest.Run r = dxmi("run", "--resume", "--out", dir.toString(), "--no-dashboard", "--quiet");
        assertEquals(ExitCode.USAGE, r.code(), r.err());
        assertTrue(r.err().contains("broker: "), r.err());
        assertTrue(lastLine(r).contains("run 'named' was never submitted there"), r.err());
        assertFalse(r.err().contains("Missing required option"), r.err());

        CommandLineTest.Run other = dxmi("run", "--resume", "--out", dir.toString(), "--run-name", "other",
                "--no-dashboard", "--quiet");
        assertEquals(ExitCode.USAGE, other.code(), other.err());
        assertEquals("dxmi run: --resume: the run in " + dir + " is named 'named', not 'other' (drop --run-name)",
                other.err().strip());
    }

    @Test
    void aRunDirectoryWithoutARecordNeedsData() throws Exception {
        Path dir = runDirectory("embedded", null);
        CommandLineTest.Run r = dxmi("run", "--resume", "--out", dir.toString(), "--no-dashboard", "--quiet");
        assertEquals(ExitCode.USAGE, r.code(), r.err());
        assertTrue(r.err().strip().endsWith("does not record the run's data (a run directory of an older dxmi);"
                + " give the --data it was started with") && !r.err().strip().contains("\n"), r.err());
    }
}
