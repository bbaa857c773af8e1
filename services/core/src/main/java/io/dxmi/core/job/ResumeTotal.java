package io.dxmi.core.job;

import io.dxmi.core.dxmi.DxmiConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What a resumed run may be continued to: the rule behind {@code dxmi train --resume --iterations N}. */
public final class ResumeTotal {

    private ResumeTotal() {}

    /** A saved run that cannot be continued as asked, found before any training: the caller's mistake. */
    public static final class NotResumable extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        NotResumable(String message) {
            super(message);
        }
    }

    /**
     * The saved configuration continued to {@code iterations} in total (unchanged when ≤ 0 or the same). The model
     * and the trainer take the new total, so that the saved model states how long it trained; a schedule laid over the
     * first total (vectors' defaults: the policy's cosine and the box negatives' phase) would be stretched under the
     * iterations already run, so that is refused.
     */
    static DxmiConfig continuedTo(DxmiConfig saved, int iterations, Path dir) {
        if (iterations <= 0 || iterations == saved.iterations()) {
            return saved;
        }
        if (saved.scheduleSpansIterations()) {
            throw new NotResumable("the run in " + dir + " lays its schedule over its "
                    + saved.iterations() + " iterations (" + scheduleParts(saved) + "): continuing it to "
                    + iterations + " would change that schedule under the iterations already run; resume it without"
                    + " --iterations, or train a new run with --iterations " + iterations);
        }
        return saved.toBuilder().optIterations(iterations).build();
    }

    private static String scheduleParts(DxmiConfig c) {
        List<String> parts = new ArrayList<>();
        if (c.cosineDecay()) {
            parts.add("the policy's cosine decay");
        }
        if (c.policyWarmup() > 0) {
            parts.add("the policy's warm-up to iteration " + c.policyWarmupIteration());
        }
        if (c.boxNegativeWeight() > 0 && c.boxNegativeStart() > 0) {
            parts.add("the policy held and box negatives from iteration " + c.boxNegativeStartIteration());
        }
        if (c.boxNegativeWeight() > 0 && c.boxNegativeRamp()) {
            parts.add("the box negatives' ramp");
        }
        return String.join(", ", parts);
    }
}
