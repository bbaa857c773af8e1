package io.dxmi.core.dxmi;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything a trainer needs to continue exactly where it stopped: every weight and optimizer
 * moment (as named tensors), the iteration counter, the random generator's state, the AVR
 * scales, the optimizers' step counts and the guard's counters.
 */
public record TrainingState(LinkedHashMap<String, float[]> tensors, long iteration, long[] rngState,
        double[] avrScales, boolean avrInitialized, Map<String, Long> optimizerSteps, long skippedUpdates,
        long recoveries) {}
