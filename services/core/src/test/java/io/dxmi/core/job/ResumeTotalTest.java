package io.dxmi.core.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.dxmi.DxmiConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

/** Which saved runs may be continued to another total of iterations, and what the continued model records. */
class ResumeTotalTest {

    private static final Path DIR = Path.of("runs", "x");

    @Test
    void theVectorDefaultsLayTheirScheduleOverTheTotalAndRefuseAnother() {
        DxmiConfig vectors = DxmiConfig.builder().build();
        assertTrue(vectors.scheduleSpansIterations());
        assertSame(vectors, ResumeTotal.continuedTo(vectors, -1, DIR), "no --iterations: the saved total");
        assertSame(vectors, ResumeTotal.continuedTo(vectors, vectors.iterations(), DIR), "the same total");
        ResumeTotal.NotResumable e = assertThrows(ResumeTotal.NotResumable.class,
                () -> ResumeTotal.continuedTo(vectors, 12000, DIR));
        assertTrue(e.getMessage().contains("over its 10000 iterations (the policy's cosine decay, the policy held and"
                + " box negatives from iteration 6000)"), e.getMessage());
    }

    @Test
    void eachPartOfASpanningScheduleIsNamed() {
        DxmiConfig constant = DxmiConfig.builder().optCosineDecay(false).optBoxNegativeWeight(0f).build();
        assertFalse(constant.scheduleSpansIterations());
        assertTrue(constant.toBuilder().optPolicyWarmup(0.1f).build().scheduleSpansIterations());
        DxmiConfig ramp = constant.toBuilder().optBoxNegativeWeight(3f).optBoxNegativeStart(0f)
                .optBoxNegativeRamp(true).build();
        assertTrue(ramp.scheduleSpansIterations());
        assertTrue(assertThrows(ResumeTotal.NotResumable.class, () -> ResumeTotal.continuedTo(ramp, 20000, DIR))
                .getMessage().contains("the box negatives' ramp"));
        // Box negatives throughout, at a constant weight, are no schedule.
        assertFalse(constant.toBuilder().optBoxNegativeWeight(3f).optBoxNegativeStart(0f).build()
                .scheduleSpansIterations());
    }

    @Test
    void imageRunsRunOnToTheNewTotalAndTheirConfigurationSaysSo() {
        DxmiConfig images = DxmiConfig.imageBuilder().optIterations(400).build();
        assertFalse(images.scheduleSpansIterations());
        DxmiConfig longer = ResumeTotal.continuedTo(images, 1000, DIR);
        assertEquals(1000, longer.iterations());
        assertEquals(images.toBuilder().optIterations(1000).build(), longer, "nothing else changes");
    }
}
