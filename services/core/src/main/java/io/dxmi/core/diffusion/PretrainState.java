package io.dxmi.core.diffusion;

import java.util.LinkedHashMap;

/**
 * Everything DDPM pretraining needs to continue exactly where it stopped: the trained weights,
 * their moving average, Adam's moments and step count, the next iteration and the random
 * generator's state. Tensors are named {@code train.*}, {@code ema.*} and {@code opt.*}.
 *
 * @param tensors every tensor by name
 * @param iteration steps done
 * @param rngState the generator's state after those steps
 * @param adamSteps Adam's step count
 * @param skippedSteps steps skipped for non-finite values so far
 */
public record PretrainState(LinkedHashMap<String, float[]> tensors, long iteration, long[] rngState, long adamSteps,
        long skippedSteps) {

    public static final String TRAIN = "train.";
    public static final String EMA = "ema.";
    public static final String OPTIMIZER = "opt.";

    /** The tensors under one prefix, with the prefix removed. */
    public LinkedHashMap<String, float[]> part(String prefix) {
        LinkedHashMap<String, float[]> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }
}
