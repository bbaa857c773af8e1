package io.dxmi.cli;

import io.dxmi.core.engine.ProgressListener;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A progress bar on stderr with rate, ETA and key metrics. On a terminal it redraws one line;
 * otherwise (logs, CI) it prints a line every 10% so that output stays readable. Phases that run at
 * once on two threads (image-table --jobs 2) keep their own rate and deciles.
 */
final class ProgressPrinter implements ProgressListener {

    private final PrintStream out;
    private final boolean quiet;
    private final boolean terminal;
    /** The phase whose line a terminal shows now. */
    private String phase;
    private final Map<String, PhaseState> phases = new HashMap<>();

    /** Where a phase's rate counts from and what was last drawn of it. */
    private static final class PhaseState {
        final long start;
        final long startDone;
        long lastDraw;
        int lastDecile = -1;

        PhaseState(long start, long startDone) {
            this.start = start;
            this.startDone = startDone;
        }
    }

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
        PhaseState st = phases.computeIfAbsent(phaseName, k -> new PhaseState(now, done));
        boolean finished = done >= total;
        int decile = total > 0 ? (int) (done * 10 / total) : 10;
        if (terminal) {
            if (!finished && phaseName.equals(phase) && now - st.lastDraw < 200_000_000L) {
                return;
            }
            if (phase != null && !phaseName.equals(phase)) {
                out.println(); // another phase's line stays as it was drawn last
            }
            phase = phaseName;
        } else if (decile == st.lastDecile && !finished) {
            return;
        }
        st.lastDraw = now;
        st.lastDecile = decile;
        double elapsed = (now - st.start) / 1e9;
        // The rate counts from the phase's first report, so start-up does not distort it.
        double rate = elapsed > 0 ? (done - st.startDone) / elapsed : 0;
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
        if (finished) {
            phases.remove(phaseName); // a later phase of the same name (a resumed row) starts afresh
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
