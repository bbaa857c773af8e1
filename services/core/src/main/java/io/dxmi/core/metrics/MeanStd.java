package io.dxmi.core.metrics;

import java.util.Locale;

/**
 * A mean and standard deviation over repeated evaluations. The std is the sample standard
 * deviation (divisor n - 1), and 0 for a single value.
 */
public record MeanStd(double mean, double std) {

    /** Mean and sample std (n - 1) of the values; std is 0 when there is one value. */
    public static MeanStd of(double[] values) {
        if (values == null || values.length == 0) {
            throw new IllegalArgumentException("need at least one value for a mean");
        }
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        double mean = sum / values.length;
        if (values.length == 1) {
            return new MeanStd(mean, 0);
        }
        // Two passes: summing squared deviations avoids the cancellation of E[x^2] - E[x]^2.
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        return new MeanStd(mean, Math.sqrt(squares / (values.length - 1)));
    }

    /** For example "0.0680 ± 0.0040". */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.4f ± %.4f", mean, std);
    }
}
