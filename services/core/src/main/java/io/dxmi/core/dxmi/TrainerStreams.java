package io.dxmi.core.dxmi;

import io.dxmi.core.random.Rng;

import java.util.Arrays;

/**
 * The trainer's three random streams, one per phase: rollout noise, data batches, policy-step
 * noise. One stream per phase, so that the services that run the phases apart (actor,
 * ebm-learner, value-learner) draw exactly the numbers the single-process trainer draws.
 */
record TrainerStreams(Rng rollout, Rng data, Rng policy) {

    static TrainerStreams forSeed(long seed) {
        Rng root = new Rng(seed ^ 0x5DEECE66DL);
        return new TrainerStreams(root.split(), root.split(), root.split());
    }

    /** The three streams' states, concatenated (rollout, data, policy). */
    long[] state() {
        long[] a = rollout.getState();
        long[] b = data.getState();
        long[] c = policy.getState();
        long[] all = new long[a.length * 3];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, a.length);
        System.arraycopy(c, 0, all, 2 * a.length, a.length);
        return all;
    }

    /** Restores {@link #state()}. */
    void restore(long[] all) {
        int n = all.length / 3;
        if (n * 3 != all.length) {
            throw new IllegalArgumentException("a trainer's random state has 3 streams, got " + all.length + " words");
        }
        rollout.setState(Arrays.copyOfRange(all, 0, n));
        data.setState(Arrays.copyOfRange(all, n, 2 * n));
        policy.setState(Arrays.copyOfRange(all, 2 * n, 3 * n));
    }
}
