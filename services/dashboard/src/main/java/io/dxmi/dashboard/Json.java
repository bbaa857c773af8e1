package io.dxmi.dashboard;

/** JSON helpers: the browser's JSON.parse refuses NaN and Infinity, so non-finite numbers go out as null. */
final class Json {

    private Json() {}

    static Double num(Double v) {
        return v == null || !Double.isFinite(v) ? null : v;
    }

    static Double num(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
