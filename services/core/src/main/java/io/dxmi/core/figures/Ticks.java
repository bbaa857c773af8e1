package io.dxmi.core.figures;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** "Nice" axis ticks (steps of 1, 2 or 5 times a power of ten) and their labels. */
final class Ticks {

    private Ticks() {
    }

    /** About {@code target} tick values inside [lo, hi]. */
    static double[] of(double lo, double hi, int target) {
        double step = step(lo, hi, target);
        if (!(step > 0)) {
            return new double[] {lo};
        }
        List<Double> out = new ArrayList<>();
        for (double k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) {
            double v = k * step;
            out.add(v == 0 ? 0.0 : v);
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The tick spacing {@link #of} uses. */
    static double step(double lo, double hi, int target) {
        double span = hi - lo;
        if (!(span > 0) || !Double.isFinite(span)) {
            return 0;
        }
        double raw = span / Math.max(1, target);
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / magnitude;
        double nice = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
        return nice * magnitude;
    }

    /** A label with as many decimals as the step needs. */
    static String label(double v, double step) {
        if (Math.abs(v) >= 1e5 || (v != 0 && Math.abs(v) < 1e-3)) {
            return String.format(Locale.ROOT, "%.2g", v);
        }
        int decimals = step > 0 ? Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9)) : 2;
        return String.format(Locale.ROOT, "%." + Math.min(decimals, 6) + "f", v);
    }
}
