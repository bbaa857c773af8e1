package io.dxmi.core.job;

import io.dxmi.core.metrics.MeanStd;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The vector benchmark's table: for every data set, the noise floor of SW, the 1000-step DDPM,
 * the T-step sampler derived from it, and DxMI at T steps, with the energy's AUC beside a
 * reference score's, as text, markdown or JSON rows.
 */
public final class VectorTableReport {

    /** DxMI's SW may be at most this multiple of the 1000-step DDPM's. */
    public static final double MAX_SW_RATIO = 2.0;
    /** DxMI's energy AUC may be at most this far below the reference score's. */
    public static final double MAX_AUC_GAP = 0.02;

    /**
     * One (data set, seed) run.
     *
     * @param set the data set's name
     * @param dimension values per row
     * @param seed the run's seed
     * @param swFloor SW between two independent data samples (the metric's noise floor)
     * @param swDdpm SW of the 1000-step DDPM
     * @param swDerived SW of the T-step sampler derived from it (the DxMI start)
     * @param swDxmi SW of DxMI after training
     * @param aucDxmi the energy's AUC (the evaluation energy: the EMA copy when enabled)
     * @param aucDxmiRaw the last iterate's AUC
     * @param aucReference the reference score's AUC on the same points
     * @param reference what the reference score is
     * @param pretrainSeconds pretraining wall time (0 when reused)
     * @param dxmiSeconds DxMI's training time (iterations only)
     * @param msPer1000Ddpm milliseconds per 1,000 rows drawn by the 1000-step DDPM
     * @param msPer1000Derived the same for the derived T-step sampler
     * @param msPer1000Dxmi the same for DxMI's sampler
     */
    public record Run(String set, int dimension, long seed, MeanStd swFloor, MeanStd swDdpm, MeanStd swDerived,
            MeanStd swDxmi, double aucDxmi, double aucDxmiRaw, double aucReference, String reference,
            double pretrainSeconds, double dxmiSeconds, double msPer1000Ddpm, double msPer1000Derived,
            double msPer1000Dxmi) {

        /** DxMI's SW over the 1000-step DDPM's. */
        public double swRatio() {
            return swDxmi.mean() / swDdpm.mean();
        }

        /** DxMI's energy AUC minus the reference score's. */
        public double aucGap() {
            return aucDxmi - aucReference;
        }

        /** Both targets met: SW within {@value #MAX_SW_RATIO}× of the DDPM's, AUC within {@value #MAX_AUC_GAP}. */
        public boolean passes() {
            return swRatio() <= MAX_SW_RATIO && aucGap() >= -MAX_AUC_GAP;
        }
    }

    private final List<Run> runs = new ArrayList<>();
    private final Map<String, String> descriptions = new LinkedHashMap<>();
    private final int steps;
    private final String protocol;

    public VectorTableReport(int steps, String protocol) {
        this.steps = steps;
        this.protocol = protocol;
    }

    public synchronized void describe(String set, String description) {
        descriptions.put(set, description);
    }

    public synchronized void add(Run run) {
        runs.add(run);
    }

    public synchronized List<Run> runs() {
        return List.copyOf(runs);
    }

    public String protocol() {
        return protocol;
    }

    /** Every run passes. */
    public synchronized boolean allPass() {
        return runs.stream().allMatch(Run::passes);
    }

    /** The runs of each set, in the order the sets were described. */
    private synchronized Map<String, List<Run>> bySet() {
        Map<String, List<Run>> m = new LinkedHashMap<>();
        descriptions.keySet().forEach(k -> m.put(k, new ArrayList<>()));
        for (Run r : runs) {
            m.computeIfAbsent(r.set(), k -> new ArrayList<>()).add(r);
        }
        m.values().removeIf(List::isEmpty);
        m.values().forEach(l -> l.sort((a, b) -> Long.compare(a.seed(), b.seed())));
        return m;
    }

    /** GitHub-flavoured markdown: one row per data set (means over seeds; targets checked on every seed). */
    public String toMarkdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| data | D | SW floor | DDPM 1000 | DDPM T=").append(steps).append(" (derived) | DxMI T=")
                .append(steps).append(" | SW ratio | AUC DxMI (raw) | AUC reference | AUC gap | targets"
                + " | pretrain s | DxMI s | ms / 1k rows (1000 / derived / DxMI) |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, List<Run>> e : bySet().entrySet()) {
            List<Run> rs = e.getValue();
            Run f = rs.get(0);
            sb.append(String.format(Locale.ROOT,
                    "| %s | %d | %s | %s | %s | %s | %s | %s (%s) | %s (%s) | %s | %s | %.0f | %.0f | %.0f / %.1f / %.1f |%n",
                    e.getKey(), f.dimension(), sw(rs, Run::swFloor), sw(rs, Run::swDdpm), sw(rs, Run::swDerived),
                    sw(rs, Run::swDxmi), worst(rs, Run::swRatio, true, "%.2f×"), mean(rs, Run::aucDxmi, "%.3f"),
                    mean(rs, Run::aucDxmiRaw, "%.3f"), mean(rs, Run::aucReference, "%.3f"),
                    f.reference(), worst(rs, Run::aucGap, false, "%+.3f"),
                    passCount(rs), avg(rs, Run::pretrainSeconds), avg(rs, Run::dxmiSeconds),
                    avg(rs, Run::msPer1000Ddpm), avg(rs, Run::msPer1000Derived), avg(rs, Run::msPer1000Dxmi)));
        }
        sb.append("\n").append(protocol).append("\n\n");
        for (Map.Entry<String, String> d : descriptions.entrySet()) {
            sb.append("- `").append(d.getKey()).append("`: ").append(d.getValue()).append("\n");
        }
        return sb.toString();
    }

    /** Aligned plain text for terminals. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        String fmt = "%-14s %2s %4s %-16s %-16s %-16s %-16s %7s %6s %6s %7s %s%n";
        sb.append(String.format(Locale.ROOT, fmt, "data", "D", "seed", "SW floor", "DDPM 1000", "DDPM T derived",
                "DxMI T", "ratio", "AUC", "ref", "gap", "targets"));
        for (List<Run> rs : bySet().values()) {
            for (Run r : rs) {
                sb.append(String.format(Locale.ROOT, fmt, r.set(), r.dimension(), r.seed(), r.swFloor(), r.swDdpm(),
                        r.swDerived(), r.swDxmi(), String.format(Locale.ROOT, "%.2fx", r.swRatio()),
                        String.format(Locale.ROOT, "%.3f", r.aucDxmi()),
                        String.format(Locale.ROOT, "%.3f", r.aucReference()),
                        String.format(Locale.ROOT, "%+.3f", r.aucGap()), r.passes() ? "met" : "MISSED"));
            }
        }
        sb.append(protocol).append("\n");
        return sb.toString();
    }

    private static String sw(List<Run> rs, Function<Run, MeanStd> f) {
        if (rs.size() == 1) {
            MeanStd m = f.apply(rs.get(0));
            return String.format(Locale.ROOT, "%s ± %s", num(m.mean()), num(m.std()));
        }
        MeanStd across = MeanStd.of(rs.stream().mapToDouble(r -> f.apply(r).mean()).toArray());
        return String.format(Locale.ROOT, "%s ± %s", num(across.mean()), num(across.std()));
    }

    /** Three significant digits, whatever the data's units. */
    static String num(double v) {
        if (v == 0 || !Double.isFinite(v)) {
            return String.valueOf(v);
        }
        int digits = Math.max(0, 2 - (int) Math.floor(Math.log10(Math.abs(v))));
        return String.format(Locale.ROOT, "%." + Math.min(digits, 6) + "f", v);
    }

    private static String mean(List<Run> rs, ToDoubleFunction<Run> f, String fmt) {
        return String.format(Locale.ROOT, fmt, rs.stream().mapToDouble(f).average().orElse(Double.NaN));
    }

    private static String worst(List<Run> rs, ToDoubleFunction<Run> f, boolean highIsBad,
            String fmt) {
        double v = highIsBad ? rs.stream().mapToDouble(f).max().orElse(Double.NaN)
                : rs.stream().mapToDouble(f).min().orElse(Double.NaN);
        return String.format(Locale.ROOT, fmt, v);
    }

    private static double avg(List<Run> rs, ToDoubleFunction<Run> f) {
        return rs.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    private static String passCount(List<Run> rs) {
        long met = rs.stream().filter(Run::passes).count();
        return (met == rs.size() ? "met" : "**missed**") + (rs.size() > 1 ? " (" + met + "/" + rs.size() + " seeds)" : "");
    }
}
