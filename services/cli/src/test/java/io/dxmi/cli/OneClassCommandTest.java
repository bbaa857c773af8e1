package io.dxmi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dxmi oneclass}'s mistakes: one line, the usage exit code, and nothing written. */
class OneClassCommandTest {

    @TempDir
    Path tmp;

    private void assertRefused(CommandLineTest.Run r, String... fragments) {
        assertEquals(ExitCode.USAGE, r.code(), r.err());
        String err = r.err().strip();
        assertFalse(err.contains("\n"), "one line expected, got: " + err);
        for (String f : fragments) {
            assertTrue(err.contains(f), "expected '" + f + "' in: " + err);
        }
        assertFalse(Files.exists(tmp.resolve("oc")), "nothing may be written");
    }

    @Test
    void anUnknownNormalClassNamesTheValidOnes() {
        assertRefused(CommandLineTest.dxmi("oneclass", "--data", "fashion-mnist", "--classes", "12", "--out",
                tmp.resolve("oc").toString()), "unknown class '12'", "9 (Ankle boot)");
    }

    @Test
    void vectorDataAndBadCountsAreRefused() {
        assertRefused(CommandLineTest.dxmi("oneclass", "--data", "8gaussians", "--out", tmp.resolve("oc").toString()),
                "8gaussians is neither a built-in image set");
        assertRefused(CommandLineTest.dxmi("oneclass", "--data", "fashion-mnist", "--iterations", "0", "--out",
                tmp.resolve("oc").toString()), "--iterations");
        assertRefused(CommandLineTest.dxmi("oneclass", "--data", "fashion-mnist", "--shape-negatives", "-1", "--out",
                tmp.resolve("oc").toString()), "--shape-negatives");
        assertRefused(CommandLineTest.dxmi("oneclass", "--data", "mnist", "--energy-channels", "0", "--out",
                tmp.resolve("oc").toString()), "--energy-channels must be at least 1");
        assertRefused(CommandLineTest.dxmi("oneclass", "--data", "mnist", "--shape-transforms", "roll,rot45", "--out",
                tmp.resolve("oc").toString()), "--shape-transforms", "unknown shape transformation 'rot45'", "rot270");
    }
}
