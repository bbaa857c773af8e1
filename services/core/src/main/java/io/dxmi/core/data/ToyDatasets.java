package io.dxmi.core.data;

import io.dxmi.core.random.Rng;
import java.util.List;
import java.util.Optional;

/**
 * The built-in 2D data sets of the paper's toy experiments (generators after FFJORD's
 * {@code toy_data.py}). All are evaluated on [-4, 4]^2.
 */
public final class ToyDatasets {

    private static final List<String> NAMES =
            List.of("8gaussians", "25gaussians", "2spirals", "checkerboard", "rings");

    /** FFJORD rescales the Gaussian mixtures by this constant (about sqrt 2). */
    private static final double MIXTURE_SCALE = 1.414;

    /** Per-mode standard deviations before the rescaling. */
    private static final double EIGHT_STD = 0.5;
    private static final double TWENTY_FIVE_STD = 0.3;

    private static final double[] EIGHT_X = new double[8];
    private static final double[] EIGHT_Y = new double[8];

    static {
        for (int k = 0; k < 8; k++) {
            EIGHT_X[k] = 4 * Math.cos(k * Math.PI / 4);
            EIGHT_Y[k] = 4 * Math.sin(k * Math.PI / 4);
        }
    }

    private static final double[] RING_RADII = {1.0, 0.75, 0.5, 0.25};

    private ToyDatasets() {
    }

    /** The built-in names, in a fixed order. */
    public static List<String> names() {
        return NAMES;
    }

    /** Whether {@code name} is a built-in data set. */
    public static boolean isBuiltIn(String name) {
        return NAMES.contains(name);
    }

    /** The built-in data set of that name; IllegalArgumentException listing the names otherwise. */
    public static DataSource byName(String name) {
        if (name == null) {
            throw new IllegalArgumentException(unknownMessage("null"));
        }
        return switch (name) {
            case "8gaussians" -> new ToyDataset(name,
                    "8 modes on radius 4 at k*pi/4, std 0.5, scaled by 1/1.414",
                    "[-4, 4]^2 as in the paper", ToyDatasets::eightGaussians);
            case "25gaussians" -> new ToyDataset(name,
                    "5x5 grid {-4,-2,0,2,4}^2, std 0.3, scaled by 1/1.414",
                    "[-4, 4]^2", ToyDatasets::twentyFiveGaussians);
            case "2spirals" -> new ToyDataset(name,
                    "FFJORD 2spirals: sqrt(u)*540deg, jitter U(0,0.5), /3, noise std 0.1",
                    "[-4, 4]^2", ToyDatasets::twoSpirals);
            case "checkerboard" -> new ToyDataset(name,
                    "FFJORD checkerboard: x1 in [-2,2), 4x4 board, scaled by 2",
                    "[-4, 4]^2", ToyDatasets::checkerboard);
            case "rings" -> new ToyDataset(name,
                    "4 circles radii 1,0.75,0.5,0.25 chosen uniformly, scaled by 3, noise std 0.08",
                    "[-4, 4]^2", ToyDatasets::rings);
            default -> throw new IllegalArgumentException(unknownMessage(name));
        };
    }

    /**
     * The closed-form density of a built-in Gaussian-mixture set (8gaussians, 25gaussians), in
     * data units; empty for the others, which have no simple closed form.
     */
    public static Optional<GaussianMixture> mixture(String name) {
        if ("8gaussians".equals(name)) {
            float[] means = new float[16];
            for (int k = 0; k < 8; k++) {
                means[2 * k] = (float) (EIGHT_X[k] / MIXTURE_SCALE);
                means[2 * k + 1] = (float) (EIGHT_Y[k] / MIXTURE_SCALE);
            }
            return Optional.of(new GaussianMixture(means, EIGHT_STD / MIXTURE_SCALE, 2));
        }
        if ("25gaussians".equals(name)) {
            float[] means = new float[50];
            for (int k = 0; k < 25; k++) {
                means[2 * k] = (float) (gridCentre(k / 5) / MIXTURE_SCALE);
                means[2 * k + 1] = (float) (gridCentre(k % 5) / MIXTURE_SCALE);
            }
            return Optional.of(new GaussianMixture(means, TWENTY_FIVE_STD / MIXTURE_SCALE, 2));
        }
        return Optional.empty();
    }

    /**
     * The modes of a built-in Gaussian mixture (8gaussians, 25gaussians) in data coordinates, as
     * the generator draws them; empty for the other data sets. Mode k of 8gaussians lies at angle
     * k*pi/4.
     */
    public static Optional<MixtureModes> mixtureModes(String name) {
        return mixture(name).map(GaussianMixture::modes);
    }

    /** Coordinate of row or column i (0…4) of the 25-Gaussian grid, before rescaling. */
    private static double gridCentre(int i) {
        return (i - 2) * 2;
    }

    /** The message for a name that is neither built in nor a CSV file. */
    static String unknownMessage(String name) {
        return "unknown data set '" + name + "'; built-in data sets: " + String.join(", ", NAMES)
                + " (or give a path to a .csv file)";
    }

    private static void eightGaussians(Rng rng, float[] out, int o) {
        int k = rng.nextInt(8);
        double x = EIGHT_X[k] + EIGHT_STD * rng.nextGaussian();
        double y = EIGHT_Y[k] + EIGHT_STD * rng.nextGaussian();
        out[o] = (float) (x / MIXTURE_SCALE);
        out[o + 1] = (float) (y / MIXTURE_SCALE);
    }

    private static void twentyFiveGaussians(Rng rng, float[] out, int o) {
        int k = rng.nextInt(25);
        double x = gridCentre(k / 5) + TWENTY_FIVE_STD * rng.nextGaussian();
        double y = gridCentre(k % 5) + TWENTY_FIVE_STD * rng.nextGaussian();
        out[o] = (float) (x / MIXTURE_SCALE);
        out[o + 1] = (float) (y / MIXTURE_SCALE);
    }

    private static void twoSpirals(Rng rng, float[] out, int o) {
        double n = Math.sqrt(rng.nextDouble()) * 540 * (2 * Math.PI / 360);
        double x = -Math.cos(n) * n + rng.nextDouble() * 0.5;
        double y = Math.sin(n) * n + rng.nextDouble() * 0.5;
        if (rng.nextDouble() < 0.5) {
            x = -x;
            y = -y;
        }
        out[o] = (float) (x / 3 + 0.1 * rng.nextGaussian());
        out[o + 1] = (float) (y / 3 + 0.1 * rng.nextGaussian());
    }

    private static void checkerboard(Rng rng, float[] out, int o) {
        double x1 = rng.nextDouble() * 4 - 2;
        double x2 = rng.nextDouble() - rng.nextInt(2) * 2;
        // Python's floor(x1) % 2 is non-negative; floorMod matches it for negative x1.
        x2 += Math.floorMod((int) Math.floor(x1), 2);
        out[o] = (float) (x1 * 2);
        out[o + 1] = (float) (x2 * 2);
    }

    private static void rings(Rng rng, float[] out, int o) {
        double r = RING_RADII[rng.nextInt(RING_RADII.length)] * 3;
        double angle = rng.nextDouble() * 2 * Math.PI;
        out[o] = (float) (r * Math.cos(angle) + 0.08 * rng.nextGaussian());
        out[o + 1] = (float) (r * Math.sin(angle) + 0.08 * rng.nextGaussian());
    }
}
