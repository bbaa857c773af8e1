package io.dxmi.examples.modecoverage;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.MixtureModes;
import io.dxmi.core.data.ToyDatasets;
import io.dxmi.evaluator.api.EvaluationContext;
import io.dxmi.evaluator.api.EvaluationMetric;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code mode_coverage}: how a generator spreads its samples over the modes of a Gaussian
 * mixture. Each sample goes to its nearest mode if it lies within {@code radius_stds} standard
 * deviations of it (default {@value #DEFAULT_RADIUS_STDS}: about 99% of a 2D Gaussian's mass),
 * and off-mode otherwise. Reports {@code share_mode_<k>} for every mode, {@code share_off_mode},
 * and {@code modes_dropped}: modes holding less than {@code drop_fraction} (default
 * {@value #DEFAULT_DROP_FRACTION}) of the uniform share 1/K.
 *
 * <p>The modes are those of the built-in 8gaussians and 25gaussians sets, as
 * {@link ToyDatasets#mixtureModes} defines them, in data coordinates (the evaluator's sampler
 * returns data coordinates whatever the run's normalisation). For other data the options
 * {@code mode_coverage.modes=x,y;x,y;...} and {@code mode_coverage.std=S} give them; without them
 * the plug-in reports nothing.
 */
public final class ModeCoverage implements EvaluationMetric {

    public static final String ID = "mode_coverage";
    public static final double DEFAULT_RADIUS_STDS = 3;
    public static final double DEFAULT_DROP_FRACTION = 0.1;

    /** Shares per mode and off-mode (summing to 1) and the number of dropped modes. */
    public record Coverage(double[] modeShares, double offModeShare, int modesDropped) {}

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "share of samples near each mode of a Gaussian mixture, and the number of modes dropped";
    }

    @Override
    public Map<String, Double> evaluate(EvaluationContext context) {
        Optional<MixtureModes> found = modes(context);
        if (found.isEmpty()) {
            return Map.of();
        }
        MixtureModes modes = found.get();
        if (modes.dimension() != context.data().dimension()) {
            throw new IllegalArgumentException("the modes have " + modes.dimension() + " coordinates, the data "
                    + context.data().dimension());
        }
        double radius = Double.parseDouble(context.option(name("radius_stds"), "" + DEFAULT_RADIUS_STDS))
                * modes.std();
        double dropFraction = Double.parseDouble(context.option(name("drop_fraction"), "" + DEFAULT_DROP_FRACTION));
        Coverage c = measure(context.sample(context.samples(), context.rng()), modes, radius, dropFraction);
        Map<String, Double> out = new LinkedHashMap<>();
        for (int k = 0; k < c.modeShares().length; k++) {
            out.put(name("share_mode_" + k), c.modeShares()[k]);
        }
        out.put(name("share_off_mode"), c.offModeShare());
        out.put(name("modes_dropped"), (double) c.modesDropped());
        return out;
    }

    /**
     * The modes to measure against: the options' when given, else the built-in data set's (only
     * when the data really is that set: a CSV file could share its name).
     */
    static Optional<MixtureModes> modes(EvaluationContext context) {
        String given = context.options().get(ID + ".modes");
        if (given != null) {
            String std = context.options().get(ID + ".std");
            if (std == null) {
                throw new IllegalArgumentException(ID + ".modes needs " + ID + ".std (each mode's standard deviation)");
            }
            return Optional.of(new MixtureModes(parseCentres(given), Double.parseDouble(std)));
        }
        DataSource data = context.data();
        if (!ToyDatasets.isBuiltIn(data.name())
                || !ToyDatasets.byName(data.name()).contentHash().equals(data.contentHash())) {
            return Optional.empty();
        }
        return ToyDatasets.mixtureModes(data.name());
    }

    /** "x,y;x,y;..." → one centre per ';'-separated group. */
    static double[][] parseCentres(String text) {
        String[] groups = text.split(";");
        double[][] centres = new double[groups.length][];
        for (int k = 0; k < groups.length; k++) {
            String[] values = groups[k].trim().split(",");
            centres[k] = new double[values.length];
            for (int d = 0; d < values.length; d++) {
                try {
                    centres[k][d] = Double.parseDouble(values[d].trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("mode " + k + " of '" + text + "' is not a list of numbers");
                }
            }
        }
        return centres;
    }

    /**
     * Assigns rows to modes.
     *
     * @param rows row-major samples, {@code modes.dimension()} values each
     * @param radius the largest distance to a mode's centre that still counts as that mode
     * @param dropFraction a mode is dropped below {@code dropFraction / K} of the samples
     */
    public static Coverage measure(float[] rows, MixtureModes modes, double radius, double dropFraction) {
        int dim = modes.dimension();
        int n = rows.length / dim;
        if (n == 0 || rows.length % dim != 0) {
            throw new IllegalArgumentException(rows.length + " values are not a positive number of " + dim
                    + "-value rows");
        }
        double[][] centres = modes.centres();
        long[] counts = new long[centres.length];
        long off = 0;
        double r2 = radius * radius;
        for (int i = 0; i < n; i++) {
            int best = -1;
            double bestD2 = Double.POSITIVE_INFINITY;
            for (int k = 0; k < centres.length; k++) {
                double d2 = 0;
                for (int d = 0; d < dim; d++) {
                    double diff = rows[i * dim + d] - centres[k][d];
                    d2 += diff * diff;
                }
                if (d2 < bestD2) {
                    bestD2 = d2;
                    best = k;
                }
            }
            // A non-finite row has no nearest mode (best stays -1): it is off-mode.
            if (best >= 0 && bestD2 <= r2) {
                counts[best]++;
            } else {
                off++;
            }
        }
        double[] shares = new double[centres.length];
        int dropped = 0;
        double floor = dropFraction / centres.length;
        for (int k = 0; k < centres.length; k++) {
            shares[k] = (double) counts[k] / n;
            if (shares[k] < floor) {
                dropped++;
            }
        }
        return new Coverage(shares, (double) off / n, dropped);
    }
}
