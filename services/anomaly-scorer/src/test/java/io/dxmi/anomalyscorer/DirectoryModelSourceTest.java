package io.dxmi.anomalyscorer;

import io.dxmi.core.anomaly.CalibrationFile;
import io.dxmi.core.dxmi.FeatureDensityFile;
import io.dxmi.platform.metrics.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The watched model directory: a model caught half written is read again once its files change further. */
class DirectoryModelSourceTest {

    @TempDir
    Path tmp;

    @Test
    void aFileWrittenWhileAFailedLoadRanIsReadAtTheNextTick() throws Exception {
        Path dir = tmp.resolve("model");
        ScorerFixtures.writeModel(dir, 1, 0.0);
        List<String> loaded = new ArrayList<>();
        int[] calls = {0};
        DirectoryModelSource source = new DirectoryModelSource(dir, Duration.ZERO, d -> {
            calls[0]++;
            if (calls[0] == 2) {
                // The weights are new but the calibration still the old one's, and the calibration is
                // rewritten while this load runs: the load fails, and the directory has changed again.
                Path calibration = d.resolve(CalibrationFile.FILE);
                Files.setLastModifiedTime(calibration,
                        FileTime.fromMillis(Files.getLastModifiedTime(calibration).toMillis() + 5_000));
                throw new IOException("calibrated on other weights");
            }
            ScoringModel m = ScoringModel.fromDirectory(d);
            loaded.add(m.version());
            return m;
        });
        try (ScorerState state = new ScorerState(new ScorerMetrics(Metrics.create("t")))) {
            source.start(state);
            ScorerFixtures.writeModel(dir, 7, 0.5); // a new model copied in
            source.check(state); // fails, and meanwhile the calibration changed
            assertEquals(2, calls[0]);
            source.check(state); // the further change is seen: read again, and it loads
            assertEquals(3, calls[0], "the directory was not read again after the file written during the failed load");
            assertEquals(2, loaded.size());
            assertNotEquals(loaded.get(0), loaded.get(1), "the new model was loaded");
            source.check(state); // nothing changed since: not read again
            assertEquals(3, calls[0]);
        } finally {
            source.close();
        }
    }

    @Test
    void aFeatureDensityWrittenBesideTheModelIsReadAgain() throws Exception {
        Path dir = tmp.resolve("density");
        ScorerFixtures.writeModel(dir, 1, 0.0);
        List<String> failures = new ArrayList<>();
        int[] calls = {0};
        DirectoryModelSource source = new DirectoryModelSource(dir, Duration.ZERO, d -> {
            calls[0]++;
            try {
                return ScoringModel.fromDirectory(d);
            } catch (IOException e) {
                failures.add(e.getMessage());
                throw e;
            }
        });
        try (ScorerState state = new ScorerState(new ScorerMetrics(Metrics.create("t")))) {
            source.start(state);
            int before = calls[0];
            source.check(state);
            assertEquals(before, calls[0], "nothing changed: not read again");
            // `dxmi feature-density` writes its files beside the model: the scorer reads the directory again
            // (here a density this build cannot read, which is refused and leaves the model in force).
            Files.writeString(dir.resolve(FeatureDensityFile.FILE), "{\"format\": \"something-else\"}");
            source.check(state);
            assertEquals(before + 1, calls[0], "the density's file is watched");
            assertEquals(1, failures.size());
            assertTrue(failures.get(0).contains("is not a feature density"), failures.get(0));
        } finally {
            source.close();
        }
    }
}
