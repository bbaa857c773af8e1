package io.dxmi.core.anomaly;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dxmi.core.model.ModelDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code oneclass.json} holds: the image AUROC of each finished normal class, their mean,
 * the localisation's pixel AUROC per defect kind, and the settings they were measured with; and
 * the table printed beside the published means of methods trained from scratch.
 *
 * @param data the data set's name
 * @param settingsHash identifies the settings and data (a rerun with other ones is refused)
 * @param config DxMI's settings
 * @param pretrainConfig the DDPM pretraining's settings
 * @param classes finished classes, in label order
 * @param meanAuroc the mean image AUROC over {@code classes} (NaN when none)
 * @param meanReferenceAuroc the mean of the classes' {@link ClassResult#referenceAuroc} (null when a class lacks one)
 */
public record OneClassReport(String data, String settingsHash, JsonNode config, JsonNode pretrainConfig,
        List<ClassResult> classes, double meanAuroc, Double meanReferenceAuroc) {

    /**
     * One normal class.
     *
     * @param normalClass its label
     * @param name its label and name, as printed
     * @param auroc image AUROC of the model's score on the whole test set (this class normal): the feature
     *     density's when the run fitted one, else the energy's
     * @param trainImages training images of the class
     * @param testNormal test images of the class
     * @param testAnomalous test images of the other classes
     * @param seconds training and evaluation time of this class in the run that finished it
     * @param defects pixel and image AUROC per synthetic defect kind on this class's test images
     * @param referenceAuroc the AUROC of {@link MeanImageReference} on the same test images (null in reports written
     *     before it)
     * @param energyHeadAuroc with a feature density, the AUROC of the energy's own head (null without one, and in
     *     reports written before it)
     */
    public record ClassResult(int normalClass, String name, double auroc, int trainImages, int testNormal,
            int testAnomalous, double seconds, List<DefectResult> defects, Double referenceAuroc,
            Double energyHeadAuroc) {}

    /**
     * {@link DefectEvaluation.KindResult} as stored; {@code referencePixelAuroc}, {@code restorationPixelAuroc},
     * {@code combinedPixelAuroc} and {@code gradientMeanPixelAuroc} are null in reports written before them.
     */
    public record DefectResult(String kind, int images, double meanArea, double pixelAuroc, double imageAuroc,
            Double referencePixelAuroc, Double restorationPixelAuroc, Double combinedPixelAuroc,
            Double gradientMeanPixelAuroc) {
        static List<DefectResult> of(List<DefectEvaluation.KindResult> results) {
            List<DefectResult> out = new ArrayList<>();
            for (DefectEvaluation.KindResult r : results) {
                out.add(new DefectResult(r.kind().label(), r.images(), r.meanArea(), r.pixelAuroc(), r.imageAuroc(),
                        r.referencePixelAuroc(), r.restorationPixelAuroc(), r.combinedPixelAuroc(),
                        r.gradientMeanPixelAuroc()));
            }
            return out;
        }
    }

    /** Published mean AUROC (%) of one-class methods trained from scratch, by data set. */
    public static final Map<String, Map<String, Double>> PUBLISHED = Map.of(
            "fashion-mnist", ordered("GEOM", 93.5, "ARNet", 93.9, "GOAD", 94.1, "OC-SVM", 92.8, "Deep SAD", 89.2),
            "mnist", ordered("Deep SVDD", 94.8, "OCGAN", 97.5, "GEOM", 98.0));

    private static final ObjectMapper JSON = ModelDirectory.json();

    public OneClassReport {
        classes = List.copyOf(classes);
    }

    static OneClassReport empty(String data, String settingsHash, JsonNode config, JsonNode pretrainConfig) {
        return new OneClassReport(data, settingsHash, config, pretrainConfig, List.of(), Double.NaN, null);
    }

    boolean hasClass(int k) {
        return classes.stream().anyMatch(c -> c.normalClass() == k);
    }

    /** This report with one more finished class. */
    OneClassReport with(ClassResult r) {
        List<ClassResult> all = new ArrayList<>(classes);
        all.removeIf(c -> c.normalClass() == r.normalClass());
        all.add(r);
        all.sort(Comparator.comparingInt(ClassResult::normalClass));
        double mean = all.stream().mapToDouble(ClassResult::auroc).average().orElse(Double.NaN);
        Double reference = all.stream().allMatch(c -> c.referenceAuroc() != null)
                ? all.stream().mapToDouble(ClassResult::referenceAuroc).average().orElse(Double.NaN) : null;
        return new OneClassReport(data, settingsHash, config, pretrainConfig, all, mean, reference);
    }

    /** Reads a report, or empty when the file does not exist. */
    public static Optional<OneClassReport> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), OneClassReport.class));
        } catch (IOException e) {
            throw new IOException(file + " is not a one-class report: " + e.getMessage(), e);
        }
    }

    /** Writes atomically (a reader never sees half a report). */
    public void write(Path file) throws IOException {
        ModelDirectory.writeJson(file, JSON.valueToTree(this));
    }

    /** The table: AUROC (%) per class and the mean, then the published means for this data set. */
    public List<String> table() {
        List<String> lines = new ArrayList<>();
        List<String> kinds = classes.isEmpty() ? List.of()
                : classes.get(0).defects().stream().map(DefectResult::kind).toList();
        StringBuilder head = new StringBuilder("| normal class | AUROC (%) | energy head (%) |"
                + " reference: distance to the mean image (%) |");
        StringBuilder rule = new StringBuilder("|---|---|---|---|");
        for (String k : kinds) {
            head.append(" pixel AUROC, ").append(k)
                    .append(": gradient / restoration / combined / gradient + mean (reference) |");
            rule.append("---|");
        }
        lines.add(head.append(" train images | minutes |").toString());
        lines.add(rule.append("---|---|").toString());
        for (ClassResult c : classes) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %.1f | %s | %s |", c.name(),
                    100 * c.auroc(), percent(c.energyHeadAuroc()), percent(c.referenceAuroc())));
            for (DefectResult d : c.defects()) {
                row.append(String.format(Locale.ROOT, " %.1f", 100 * d.pixelAuroc()));
                row.append(d.restorationPixelAuroc() == null ? "" : " / " + percent(d.restorationPixelAuroc()));
                row.append(d.combinedPixelAuroc() == null ? "" : " / " + percent(d.combinedPixelAuroc()));
                row.append(d.gradientMeanPixelAuroc() == null ? "" : " / " + percent(d.gradientMeanPixelAuroc()));
                row.append(d.referencePixelAuroc() == null ? " |" : " (" + percent(d.referencePixelAuroc()) + ") |");
            }
            lines.add(row.append(String.format(Locale.ROOT, " %d | %.1f |", c.trainImages(), c.seconds() / 60))
                    .toString());
        }
        boolean allHeads = !classes.isEmpty() && classes.stream().allMatch(c -> c.energyHeadAuroc() != null);
        Double meanHead = allHeads ? classes.stream().mapToDouble(ClassResult::energyHeadAuroc).average().orElse(0) : null;
        lines.add(String.format(Locale.ROOT, "| **mean of %d** | **%.1f** | %s | %s |%s", classes.size(), 100 * meanAuroc,
                percent(meanHead), percent(meanReferenceAuroc), " |".repeat(kinds.size() + 2)));
        Map<String, Double> published = PUBLISHED.getOrDefault(data, Map.of());
        if (!published.isEmpty()) {
            lines.add("");
            lines.add("| published (mean of 10 classes, trained from scratch) | AUROC (%) |");
            lines.add("|---|---|");
            published.forEach((method, auroc) -> lines.add(String.format(Locale.ROOT, "| %s | %.1f |", method, auroc)));
        }
        return lines;
    }

    private static String percent(Double auroc) {
        return auroc == null ? "–" : String.format(Locale.ROOT, "%.1f", 100 * auroc);
    }

    private static Map<String, Double> ordered(Object... nameValue) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            m.put((String) nameValue[i], (Double) nameValue[i + 1]);
        }
        return m;
    }
}
