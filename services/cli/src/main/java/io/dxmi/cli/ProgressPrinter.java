package io.dxmi.cli;

import io.dxmi.core.engine.ProgressListener;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * A progress bar on stderr with rate, ETA and key metrics. On a terminal it redraws one line;
 * otherwise (logs, CI) it prints a line every 10% so that output stays readable.
 */
final class ProgressPrinter implements ProgressListener {

    private final PrintStream out;
    private final boolean quiet;
    private final boolean terminal;
    private String phase;
    private long phaseStart;
    private long phaseStartDone;
    private long lastDraw;
    private int lastDecile = -1;

    ProgressPrinter(PrintStream out, boolean quiet) {
        this.out = out;
        this.quiet = quiet;
        this.terminal = System.console() != null;
    }

    @Override
    public synchronized void onProgress(String phaseName, long done, long total, Map<String, Double> metrics) {
        if (quiet) {
            return;
        }
        long now = System.nanoTime();
        if (!phaseName.equals(phase)) {
            if (phase != null && terminal) {
                out.println();
            }
            phase = phaseName;
            phaseStart = now;
            phaseStartDone = done;
            lastDecile = -1;
            lastDraw = 0;
        }
        boolean finished = done >= total;
        int decile = total > 0 ? (int) (done * 10 / total) : 10;
        if (terminal) {
            if (!finished && now - lastDraw < 200_000_000L) {
                return;
            }
        } else if (decile == lastDecile && !finished) {
            return;
        }
        lastDraw = now;
        lastDecile = decile;
        double elapsed = (now - phaseStart) / 1e9;
        // The rate counts from the phase's first report, so start-up does not distort it.
        double rate = elapsed > 0 ? (done - phaseStartDone) / elapsed : 0;
        double eta = rate > 0 ? (total - done) / rate : Double.NaN;
        String rateText = rate > 0 ? String.format(Locale.ROOT, "%.1f it/s", rate) : "-- it/s";
        int width = 24;
        int filled = total > 0 ? (int) (width * done / total) : width;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-28s [%s%s] %3d%% %d/%d %s ETA %s", phaseName,
                "#".repeat(filled), ".".repeat(width - filled), total > 0 ? done * 100 / total : 100, done, total,
                rateText, duration(eta)));
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            if (e.getValue() != null && !e.getValue().isNaN()) {
                sb.append(' ').append(e.getKey()).append('=').append(format(e.getValue()));
            }
        }
        if (terminal) {
            out.print("\r" + sb + "\u001b[K");
            if (finished) {
                out.println();
                phase = null;
            }
        } else {
            out.println(sb);
        }
        out.flush();
    }

    static String format(double v) {
        double a = Math.abs(v);
        if (v == Math.rint(v) && a < 1e15) {
            // Counts (iterations, skipped updates) read as integers.
            return Long.toString((long) v);
        }
        if (a != 0 && (a < 1e-3 || a >= 1e5)) {
            return String.format(Locale.ROOT, "%.2e", v);
        }
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static String duration(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            return "--";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
