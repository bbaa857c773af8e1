package io.dxmi.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MeanStdTest {

    @Test
    void sampleStdWithNMinusOne() {
        // Mean 2; squared deviations 1, 0, 1 -> 2 / (3 - 1) = 1.
        MeanStd m = MeanStd.of(new double[] {1, 2, 3});
        assertEquals(2.0, m.mean(), 1e-15);
        assertEquals(1.0, m.std(), 1e-15);
    }

    @Test
    void singleValueHasZeroStd() {
        assertEquals(new MeanStd(0.5, 0), MeanStd.of(new double[] {0.5}));
    }

    @Test
    void formatsWithFourDecimals() {
        assertEquals("0.0680 ± 0.0040", new MeanStd(0.068, 0.004).toString());
    }
}
