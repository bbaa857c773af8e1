package io.dxmi.core.dxmi;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything a trainer needs to continue exactly where it stopped: every weight and optimizer
 * moment (as named tensors), the iteration counter, the random generator's state, the AVR
 * scales, the optimizers' step counts, the guard's counters and what the newest energy step saw
 * ({@code lastEnergyGap}, the policy gate's input; NaN when unknown).
 */
public record TrainingState(LinkedHashMap<String, float[]> tensors, long iteration, long[] rngState,
        double[] avrScales, boolean avrInitialized, Map<String, Long> optimizerSteps, long skippedUpdates,
        long recoveries, double lastEnergyGap) {}
