package io.dxmi.core.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The reproduced Table 1 beside the paper's figures, as text or markdown. */
public final class Table1Report {

    /**
     * One row.
     *
     * @param method "DDPM" or "DxMI"
     * @param variant how the row's sampler was made
     * @param steps T
     * @param pretrained "yes", "no" or "–"
     * @param tau τ as text, "–" for DDPM rows
     * @param swMean SW averaged over seeds
     * @param swStd spread: across seeds when several, else across samplings
     * @param auc mean energy AUC over seeds (NaN for DDPM rows)
     * @param paper the paper's figures for the row, or null
     * @param seeds how many seeds went into the row
     */
    public record Row(String method, String variant, int steps, String pretrained, String tau, double swMean,
            double swStd, double auc, Paper paper, int seeds) {}

    /** A row of the paper's Table 1. */
    public record Paper(double sw, double swStd, double auc) {}

    private final List<Row> rows = new ArrayList<>();
    private final String protocol;

    public Table1Report(String protocol) {
        this.protocol = protocol;
    }

    public void add(Row row) {
        rows.add(row);
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    public String protocol() {
        return protocol;
    }

    /** The paper's row for a method, T, pretraining and τ (null when the paper has none). */
    public static Paper paper(String method, int steps, boolean pretrained, String tau) {
        if ("DDPM".equals(method)) {
            switch (steps) {
                case 5: return new Paper(0.967, 0.005, Double.NaN);
                case 10: return new Paper(0.824, 0.002, Double.NaN);
                case 100: return new Paper(0.241, 0.003, Double.NaN);
                case 1000: return new Paper(0.123, 0.014, Double.NaN);
                default: return null;
            }
        }
        if (steps != 5) {
            return null;
        }
        if (!pretrained) {
            return "0.1".equals(tau) ? new Paper(0.076, 0.011, 0.883) : null;
        }
        switch (tau) {
            case "0": return new Paper(0.074, 0.018, 0.707);
            case "0.01": return new Paper(0.074, 0.017, 0.751);
            case "0.1": return new Paper(0.068, 0.004, 0.898);
            case "1": return new Paper(1.030, 0.004, 0.842);
            default: return null;
        }
    }

    /** GitHub-flavoured markdown. */
    public String toMarkdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| method | sampler | T | pretrained | τ | SW (ours) | AUC (ours) | SW (paper) | AUC (paper) |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s | %s | %s | %s |%n", r.method(),
                    r.variant(), r.steps(), r.pretrained(), r.tau(), sw(r.swMean(), r.swStd()), auc(r.auc()),
                    r.paper() == null ? "–" : sw(r.paper().sw(), r.paper().swStd()),
                    r.paper() == null ? "–" : auc(r.paper().auc())));
        }
        sb.append("\n").append(protocol).append("\n");
        return sb.toString();
    }

    /** Aligned plain text for terminals. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        String fmt = "%-5s %-34s %5s %-4s %-5s %-17s %-6s %-17s %-6s%n";
        sb.append(String.format(Locale.ROOT, fmt, "", "sampler", "T", "pre", "tau", "SW ours", "AUC", "SW paper",
                "AUC"));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, fmt, r.method(), r.variant(), r.steps(), r.pretrained(), r.tau(),
                    sw(r.swMean(), r.swStd()), auc(r.auc()),
                    r.paper() == null ? "-" : sw(r.paper().sw(), r.paper().swStd()),
                    r.paper() == null ? "-" : auc(r.paper().auc())));
        }
        sb.append(protocol).append("\n");
        return sb.toString();
    }

    private static String sw(double mean, double std) {
        return String.format(Locale.ROOT, "%.3f ± %.3f", mean, std);
    }

    private static String auc(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.3f", v);
    }
}
