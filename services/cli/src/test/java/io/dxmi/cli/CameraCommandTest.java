package io.dxmi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.anomalyscorer.CameraSimulator;
import io.dxmi.core.data.SampleShape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The camera's image sets: a split cut into normal and anomalous pools by class, with each frame's class. */
class CameraCommandTest {

    @Test
    void theNormalClassesAreOnePoolAndTheOthersTheAnomalies() {
        CameraSimulator.Images[] pools = CameraCommand.imageSet("fashion-mnist", "0,Trouser");
        assertEquals(SampleShape.image(1, 28, 28), pools[0].shape());
        assertEquals(2000, pools[0].count(), "1,000 test images per class");
        assertEquals(8000, pools[1].count());
        assertTrue(Arrays.stream(pools[0].classes()).allMatch(c -> c == 0 || c == 1));
        assertTrue(Arrays.stream(pools[1].classes()).noneMatch(c -> c == 0 || c == 1));
        for (float p : pools[0].rows()) {
            assertTrue(p >= 0f && p <= 1f);
        }
    }

    @Test
    void withoutClassesEveryImageOfTheSplitIsNormal() {
        CameraSimulator.Images[] pools = CameraCommand.imageSet("fashion-mnist:train", null);
        assertEquals(60_000, pools[0].count());
        assertNull(pools[1]);
    }

    @Test
    void unknownSetsAndClassesAreUsageErrors() {
        assertTrue(assertThrows(UsageError.class, () -> CameraCommand.imageSet("no-such-set", null)).getMessage()
                .contains("no-such-set is neither a built-in image set"));
        assertTrue(assertThrows(UsageError.class, () -> CameraCommand.imageSet("fashion-mnist", "11")).getMessage()
                .contains("unknown class '11'"));
    }
}
