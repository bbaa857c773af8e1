package io.dxmi.core.eval;

/**
 * The FD a perfect sampler gets at a sample count: the FD between {@code samples} held-out
 * reference images and the other {@code referenceSamples}, over {@code repeats} random splits.
 * Its mean is the FD's floor (bias) at that count, its spread how noisy an FD of that many
 * samples is.
 */
public record FdNoise(int samples, int referenceSamples, int repeats, double mean, double std) {
}
