package io.dxmi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.data.SampleShape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The camera's image sets: a split cut into normal and anomalous pools by class, with each frame's class. */
class ImagePoolsTest {

    @Test
    void theNormalClassesAreOnePoolAndTheOthersTheAnomalies() {
        ImagePools pools = ImagePools.of("fashion-mnist", "0,Trouser", null);
        assertEquals(SampleShape.image(1, 28, 28), pools.normal().shape());
        assertEquals(2000, pools.normal().count(), "1,000 test images per class");
        assertEquals(8000, pools.anomalous().count());
        assertTrue(Arrays.stream(pools.normal().classes()).allMatch(c -> c == 0 || c == 1));
        assertTrue(Arrays.stream(pools.anomalous().classes()).noneMatch(c -> c == 0 || c == 1));
        for (float p : pools.normal().rows()) {
            assertTrue(p >= 0f && p <= 1f);
        }
    }

    @Test
    void anomalousClassesPickThePairAndMayNotOverlap() {
        ImagePools pair = ImagePools.of("fashion-mnist", "0", "Trouser");
        assertEquals(1000, pair.normal().count());
        assertEquals(1000, pair.anomalous().count());
        assertTrue(Arrays.stream(pair.anomalous().classes()).allMatch(c -> c == 1));
        assertTrue(assertThrows(UsageError.class, () -> ImagePools.of("fashion-mnist", "0,1", "1,2"))
                .getMessage().contains("--anomalous-classes 1,2 overlaps the normal classes 0,1"));
    }

    @Test
    void withoutClassesEveryImageOfTheSplitIsNormal() {
        ImagePools pools = ImagePools.of("fashion-mnist:train", null, null);
        assertEquals(60_000, pools.normal().count());
        assertNull(pools.anomalous());
    }

    @Test
    void unknownSetsAndClassesAreUsageErrors() {
        assertTrue(assertThrows(UsageError.class, () -> ImagePools.of("no-such-set", null, null)).getMessage()
                .contains("no-such-set is neither a built-in image set"));
        assertTrue(assertThrows(UsageError.class, () -> ImagePools.of("fashion-mnist", "11", null)).getMessage()
                .contains("unknown class '11'"));
    }
}
