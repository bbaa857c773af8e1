package io.dxmi.core.dxmi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TimeCostTest {

    @Test
    void sigmoidMatchesTheAuthorsTableForTenSteps() {
        double[] expected = {0.0113, 0.0294, 0.0718, 0.1497, 0.2311, 0.2311, 0.1497, 0.0718, 0.0294, 0.0113};
        for (int t = 0; t < 10; t++) {
            assertEquals(expected[t], TimeCost.SIGMOID.fixedCost(t, 10, 0.05), 5e-5, "t = " + t);
        }
    }

    @Test
    void sigmoidForOddStepsUsesTheFloorOfHalf() {
        // T = 5: c = 2, R(2) = sigma(0) - sigma(-1) = 0.5 - 0.26894
        assertEquals(0.5 - 1 / (1 + Math.E), TimeCost.SIGMOID.fixedCost(2, 5, 0.05), 1e-12);
    }

    @Test
    void constantIsTheConfiguredValue() {
        for (int t = 0; t < 5; t++) {
            assertEquals(0.05, TimeCost.CONSTANT.fixedCost(t, 5, 0.05), 0);
            assertEquals(0.3, TimeCost.CONSTANT.fixedCost(t, 5, 0.3), 0);
        }
    }

    @Test
    void runningHasNoFixedCost() {
        for (int t = 0; t < 5; t++) {
            assertEquals(0, TimeCost.RUNNING.fixedCost(t, 5, 0.05), 0);
        }
    }
}
