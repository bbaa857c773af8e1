package io.dxmi.core.job;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dxmi.core.model.ModelDirectory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The image benchmark's table: the 1000-step DDPM, the few-step samplers derived from it before
 * any DxMI training, and DxMI at the same step counts, each with FD, precision, recall and
 * sampling speed on the project classifier's features, as text, markdown or JSON.
 */
public final class ImageTableReport {

    /** The 1000-step (full-schedule) DDPM sampler. */
    public static final String DDPM = "ddpm";
    /** A T-step sampler derived from the pretrained DDPM, before any DxMI training. */
    public static final String DERIVED = "ddpm-derived";
    /** DxMI's T-step sampler after training. */
    public static final String DXMI = "dxmi";

    /**
     * One sampler's row.
     *
     * @param method {@value #DDPM}, {@value #DERIVED} or {@value #DXMI}
     * @param steps sampling steps
     * @param samples generated images the FD, precision and recall were measured on
     * @param fd Fréchet distance to the test images on the classifier's features
     * @param fdNoiseMean FD of that many held-out test images against the rest (a perfect sampler's FD at this
     *     count), mean over random splits
     * @param fdNoiseStd its standard deviation: how noisy an FD at this sample count is
     * @param precision k-NN precision
     * @param recall k-NN recall
     * @param imagesPerSecond images generated per second (sampling only)
     * @param trainSeconds DxMI's training time (0 for the DDPM rows)
     * @param wallSeconds the row's wall time: training, sampling and evaluation
     * @param modelDir the model directory that {@code dxmi sample} loads for this row (relative to the table)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Row(String method, int steps, int samples, double fd, double fdNoiseMean, double fdNoiseStd,
            double precision, double recall, double imagesPerSecond, double trainSeconds, double wallSeconds,
            String modelDir, Double classShareGap) {

        /** A row without the class-share gap (measured before it existed; read back by --resume). */
        public Row(String method, int steps, int samples, double fd, double fdNoiseMean, double fdNoiseStd,
                double precision, double recall, double imagesPerSecond, double trainSeconds, double wallSeconds,
                String modelDir) {
            this(method, steps, samples, fd, fdNoiseMean, fdNoiseStd, precision, recall, imagesPerSecond,
                    trainSeconds, wallSeconds, modelDir, null);
        }

        /** The class-share gap with three decimals, or "–" where the row has none. */
        @JsonIgnore
        String gapText() {
            return classShareGap == null ? "–" : String.format(Locale.ROOT, "%.3f", classShareGap);
        }

        /** The row's name in the table: "DDPM 1000", "DDPM derived T=4", "DxMI T=4". */
        @JsonIgnore
        public String label() {
            return switch (method) {
                case DDPM -> "DDPM " + steps;
                case DERIVED -> "DDPM derived T=" + steps;
                default -> "DxMI T=" + steps;
            };
        }

        @JsonIgnore
        boolean allFinite() {
            return Double.isFinite(fd) && Double.isFinite(precision) && Double.isFinite(recall)
                    && Double.isFinite(imagesPerSecond);
        }
    }

    private final List<Row> rows = new ArrayList<>();
    private final Map<String, Object> facts = new LinkedHashMap<>();
    private final Map<String, Double> fdAtDdpmCount = new LinkedHashMap<>();
    private final String title;

    /**
     * @param title what was measured, in one line (data, image size, settings)
     */
    public ImageTableReport(String title) {
        this.title = title;
    }

    public void add(Row row) {
        rows.add(row);
    }

    /** A fact written beside the rows in table.json (snake_case key) and listed under the markdown table. */
    public void put(String key, Object value) {
        facts.put(key, value);
    }

    /**
     * A few-step row's FD measured again on as many images as the 1000-step row has: the FD of fewer images is
     * larger, so this is the one to hold against that row's.
     */
    public void putFdAtDdpmCount(String method, int steps, double fd) {
        fdAtDdpmCount.put(method + "/" + steps, fd);
    }

    /**
     * DxMI's FD at T over the 1000-step DDPM's, both on the 1000-step row's image count (the paper's comparison);
     * NaN when either row or the FD at that count is missing.
     */
    public double fdRatioToDdpm(int steps) {
        Row ddpm = ddpmRow();
        Row dxmi = find(DXMI, steps);
        if (ddpm == null || dxmi == null) {
            return Double.NaN;
        }
        Double fd = dxmi.samples() == ddpm.samples() ? Double.valueOf(dxmi.fd()) : fdAtDdpmCount.get(DXMI + "/" + steps);
        return fd == null ? Double.NaN : fd / ddpm.fd();
    }

    /** One line per T: DxMI and the derived sampler at the 1000-step row's image count, against that row. */
    private List<String> ddpmComparisons() {
        Row ddpm = ddpmRow();
        List<String> lines = new ArrayList<>();
        for (int t : dxmiSteps()) {
            double ratio = fdRatioToDdpm(t);
            Double derived = fdAtDdpmCount.get(DERIVED + "/" + t);
            if (Double.isFinite(ratio)) {
                lines.add(String.format(Locale.ROOT, "T = %d on the 1000-step row's %d images: DxMI FD %.3f%s,"
                        + " %.2f× the 1000-step DDPM's %.3f", t, ddpm.samples(), ratio * ddpm.fd(),
                        derived == null ? "" : String.format(Locale.ROOT, " (derived %.3f)", derived), ratio,
                        ddpm.fd()));
            }
        }
        return lines;
    }

    public Map<String, Object> facts() {
        return Map.copyOf(facts);
    }

    /** The rows: DDPM first, then by steps (more first), derived before DxMI at each T. */
    public List<Row> rows() {
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingInt((Row r) -> r.method().equals(DDPM) ? 0 : 1)
                .thenComparing(Comparator.comparingInt(Row::steps).reversed())
                .thenComparingInt(r -> r.method().equals(DERIVED) ? 0 : 1));
        return sorted;
    }

    /** DxMI's row at T over the derived sampler's row at T; NaN when either is missing. */
    public double fdRatio(int steps) {
        Row dxmi = find(DXMI, steps);
        Row derived = find(DERIVED, steps);
        return dxmi == null || derived == null ? Double.NaN : dxmi.fd() / derived.fd();
    }

    /** The 1000-step DDPM's row (whatever its step count), or null. */
    private Row ddpmRow() {
        return rows.stream().filter(r -> r.method().equals(DDPM)).findFirst().orElse(null);
    }

    /** The row of a method at a step count, or null. */
    public Row find(String method, int steps) {
        return rows.stream().filter(r -> r.method().equals(method) && r.steps() == steps).findFirst().orElse(null);
    }

    /** The DxMI step counts in the table, most steps first. */
    private List<Integer> dxmiSteps() {
        return rows().stream().filter(r -> r.method().equals(DXMI)).map(Row::steps).toList();
    }

    /** GitHub-flavoured markdown: one line per sampler, then DxMI against the derived samplers, then the facts. */
    public String toMarkdown() {
        StringBuilder sb = new StringBuilder();
        sb.append(title).append("\n\n");
        sb.append("| method | steps | samples | FD | FD noise at this count | precision | recall | class gap"
                + " | images/s |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows()) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %.3f | %.3f ± %.3f | %.3f | %.3f | %s | %s |%n",
                    r.label(), r.steps(), r.samples(), r.fd(), r.fdNoiseMean(), r.fdNoiseStd(), r.precision(),
                    r.recall(), r.gapText(), speed(r.imagesPerSecond())));
        }
        sb.append('\n');
        for (int t : dxmiSteps()) {
            double ratio = fdRatio(t);
            if (Double.isFinite(ratio)) {
                sb.append(String.format(Locale.ROOT, "- T = %d: DxMI's FD is %.2f× the derived sampler's (%s)%n", t,
                        ratio, ratio < 1 ? "lower" : "**not lower**"));
            }
        }
        ddpmComparisons().forEach(l -> sb.append("- ").append(l).append('\n'));
        for (Map.Entry<String, Object> f : facts.entrySet()) {
            sb.append("- ").append(f.getKey()).append(": ").append(f.getValue()).append('\n');
        }
        return sb.toString();
    }

    /** Aligned plain text for terminals. */
    public String toText() {
        StringBuilder sb = new StringBuilder(title).append('\n');
        String fmt = "%-20s %7s %9s %19s %9s %7s %9s %9s%n";
        sb.append(String.format(Locale.ROOT, fmt, "method", "samples", "FD", "FD noise", "precision", "recall",
                "class gap", "images/s"));
        for (Row r : rows()) {
            sb.append(String.format(Locale.ROOT, fmt, r.label(), r.samples(), String.format(Locale.ROOT, "%.3f", r.fd()),
                    String.format(Locale.ROOT, "%.3f ± %.3f", r.fdNoiseMean(), r.fdNoiseStd()),
                    String.format(Locale.ROOT, "%.3f", r.precision()), String.format(Locale.ROOT, "%.3f", r.recall()),
                    r.gapText(), speed(r.imagesPerSecond())));
        }
        for (int t : dxmiSteps()) {
            double ratio = fdRatio(t);
            if (Double.isFinite(ratio)) {
                sb.append(String.format(Locale.ROOT, "T = %d: DxMI FD / derived FD = %.2f (%s)%n", t, ratio,
                        ratio < 1 ? "lower" : "NOT lower"));
            }
        }
        ddpmComparisons().forEach(l -> sb.append(l).append('\n'));
        return sb.toString();
    }

    /**
     * table.json: {@code rows} (every field of {@link Row}), the DxMI/derived FD ratios, the few-step rows' FD at the
     * 1000-step row's image count and DxMI's ratio to that row there, then the facts.
     */
    public ObjectNode toJson() {
        ObjectNode json = ModelDirectory.json().createObjectNode();
        json.put("title", title);
        ArrayNode list = json.putArray("rows");
        rows().forEach(r -> list.add((ObjectNode) ModelDirectory.json().valueToTree(r)));
        ObjectNode ratios = json.putObject("fd_ratio_dxmi_to_derived");
        for (int t : dxmiSteps()) {
            double ratio = fdRatio(t);
            if (Double.isFinite(ratio)) {
                ratios.put("T" + t, ratio);
            }
        }
        ObjectNode atCount = json.putObject("fd_at_ddpm_count");
        fdAtDdpmCount.forEach(atCount::put);
        ObjectNode toDdpm = json.putObject("fd_ratio_dxmi_to_ddpm");
        for (int t : dxmiSteps()) {
            double ratio = fdRatioToDdpm(t);
            if (Double.isFinite(ratio)) {
                toDdpm.put("T" + t, ratio);
            }
        }
        json.put("all_rows_finite", !rows.isEmpty() && rows.stream().allMatch(Row::allFinite));
        facts.forEach((k, v) -> json.set(k, ModelDirectory.json().valueToTree(v)));
        return json;
    }

    /** Images per second with three significant digits (1000-step sampling is slow, few-step fast). */
    static String speed(double v) {
        return VectorTableReport.num(v);
    }
}
