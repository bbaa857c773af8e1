package io.dxmi.core.random;

import java.util.Arrays;

/**
 * A small, fast pseudo-random generator (xoshiro256**) whose whole state can be saved and
 * restored, so that a training run stopped and resumed draws exactly the same numbers as one
 * never stopped. All randomness of training (data batches, noise, initial weights) comes from
 * here rather than from the engine's generator, whose state DJL cannot export.
 */
public final class Rng {

    private long s0;
    private long s1;
    private long s2;
    private long s3;
    /** Box–Muller yields pairs; the second value waits here. NaN when none is waiting. */
    private double spareGaussian = Double.NaN;

    /** Creates a generator seeded through SplitMix64, as the xoshiro authors recommend. */
    public Rng(long seed) {
        long x = seed;
        x += 0x9E3779B97F4A7C15L;
        s0 = mix(x);
        x += 0x9E3779B97F4A7C15L;
        s1 = mix(x);
        x += 0x9E3779B97F4A7C15L;
        s2 = mix(x);
        x += 0x9E3779B97F4A7C15L;
        s3 = mix(x);
    }

    private Rng(long[] state) {
        setState(state);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A generator restored from {@link #getState()}. */
    public static Rng fromState(long[] state) {
        return new Rng(state);
    }

    /** A new, independent generator derived from this one (advances this one). */
    public Rng split() {
        return new Rng(nextLong());
    }

    public long nextLong() {
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /** Uniform in [0, 1). */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, 1). */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** Uniform integer in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive: " + bound);
        }
        // Lemire's multiply-shift: unbiased enough for bound << 2^32, branch-free.
        long r = (nextLong() >>> 32) * bound;
        return (int) (r >>> 32);
    }

    /** The numbers 0 … n−1 in a uniformly random order (Fisher–Yates). */
    public int[] permutation(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** Standard normal (Box–Muller). */
    public double nextGaussian() {
        if (!Double.isNaN(spareGaussian)) {
            double g = spareGaussian;
            spareGaussian = Double.NaN;
            return g;
        }
        double u1;
        do {
            u1 = nextDouble();
        } while (u1 <= 0.0);
        double u2 = nextDouble();
        double r = Math.sqrt(-2.0 * Math.log(u1));
        double theta = 2.0 * Math.PI * u2;
        spareGaussian = r * Math.sin(theta);
        return r * Math.cos(theta);
    }

    /** n standard normal floats. */
    public float[] gaussians(int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) nextGaussian();
        }
        return out;
    }

    /** n uniform floats in [lo, hi). */
    public float[] uniforms(int n, float lo, float hi) {
        float[] out = new float[n];
        float w = hi - lo;
        for (int i = 0; i < n; i++) {
            out[i] = lo + w * nextFloat();
        }
        return out;
    }

    /** The whole state: four words of xoshiro and the waiting Gaussian's bits. */
    public long[] getState() {
        return new long[] {s0, s1, s2, s3, Double.doubleToRawLongBits(spareGaussian)};
    }

    /** Restores a state taken by {@link #getState()}. */
    public void setState(long[] state) {
        if (state.length != 5) {
            throw new IllegalArgumentException(
                    "an Rng state has 5 words, got " + state.length + ": " + Arrays.toString(state));
        }
        s0 = state[0];
        s1 = state[1];
        s2 = state[2];
        s3 = state[3];
        spareGaussian = Double.longBitsToDouble(state[4]);
        if ((s0 | s1 | s2 | s3) == 0) {
            throw new IllegalArgumentException("an all-zero xoshiro state is invalid");
        }
    }
}
