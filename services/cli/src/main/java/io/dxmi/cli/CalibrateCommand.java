package io.dxmi.cli;

import io.dxmi.anomalyscorer.CameraSimulator;
import io.dxmi.core.anomaly.Calibration;
import io.dxmi.core.anomaly.CalibrationFile;
import io.dxmi.core.anomaly.Calibrator;
import io.dxmi.core.anomaly.ThresholdCriterion;
import io.dxmi.core.data.CsvDataset;
import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.DataSources;
import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.dxmi.ModelStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code dxmi calibrate}: a threshold and score normalisation stored with the model. */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = {"Choose an anomaly threshold on a trained energy and store it with the model "
                + "(DIR/calibration.json), with anomalib's score normalisation.",
            "By target false-positive rate on held-out normal data (--fpr), or, when labelled anomalies are given "
                + "(--anomalous), the best by --criterion (default: F1 with both classes weighted equally)."})
final class CalibrateCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A DxMI model directory.")
    Path model;

    @Option(names = "--normal", required = true, paramLabel = "FILE.csv|NAME[:test|train]",
            description = {"Held-out normal data (not the training data), every row scored: a CSV file, or an image "
                    + "set (fashion-mnist, mnist, an idx file, a folder; its test split unless ':train' follows) "
                    + "whose --classes are normal."})
    String normal;

    @Option(names = "--anomalous", paramLabel = "FILE.csv|NAME[:test|train]",
            description = {"Labelled anomalies: choose the threshold by --criterion instead of by FPR. A CSV file, "
                    + "or an image set whose classes outside --classes (or its --anomalous-classes) are the anomalies."})
    String anomalous;

    @Option(names = "--anomalous-classes", paramLabel = "C1,C2,...",
            description = "Image sets: the anomalous classes (default: every class outside --classes).")
    String anomalousClasses;

    @Option(names = "--criterion", paramLabel = "balanced-f1|f1|youden",
            description = {"With --anomalous: what the threshold maximises (default: balanced-f1, F1 with both classes "
                    + "weighted equally, which does not move with how many anomalies you labelled;",
                "f1: anomalib's F1 on the rows as given; youden: true-positive rate minus false-positive rate)."})
    String criterion;

    @Option(names = "--classes", paramLabel = "C1,C2,...",
            description = "Image sets: the normal classes (label numbers or names; default: every class).")
    String classes;

    @Option(names = "--image-size", paramLabel = "N",
            description = "Image sets: resize to N x N first (the size the model was trained at).")
    Integer imageSize;

    @Option(names = "--fpr", paramLabel = "P",
            description = "Target false-positive rate on the normal data (default 0.01; not with --anomalous).")
    Double fpr;

    @Mixin
    EngineOptions engine = new EngineOptions();

    @Override
    public Integer call() throws Exception {
        engine.apply();
        if (anomalous != null && fpr != null) {
            throw new UsageError("--fpr and --anomalous exclude each other: with labelled anomalies the "
                    + "threshold is the best by --criterion");
        }
        if (anomalous == null && (criterion != null || anomalousClasses != null)) {
            throw new UsageError((criterion != null ? "--criterion" : "--anomalous-classes")
                    + " needs labelled anomalies (--anomalous)");
        }
        ThresholdCriterion chosen;
        try {
            chosen = criterion == null ? ThresholdCriterion.BALANCED_F1 : ThresholdCriterion.of(criterion);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--criterion: " + e.getMessage(), e);
        }
        ModelStore.LoadedDxmi loaded = ModelStore.loadDxmi(model);
        String weights = loaded.manifest().path("provenance").path("weightsSha256").asText(null);
        Calibration c;
        if (classes != null && !ImagePools.isImageSet(normal)) {
            throw new UsageError("--classes applies to an image set, not to " + normal);
        }
        try (DxmiModel m = loaded.model()) {
            Rows normalRows = rows(normal, false, m.dimension());
            if (normalRows.hash().equals(loaded.data().contentHash()) || normal.endsWith(":train")) {
                System.err.println("calibrate: warning: " + normal + " is the model's training data; a threshold "
                        + "chosen on it under-estimates the false-positive rate on new data");
            }
            float[] normalEnergies = m.energy(normalRows.values());
            if (anomalous == null) {
                c = Calibrator.byFalsePositiveRate(normalEnergies, fpr == null ? 0.01 : fpr, normalRows.hash(),
                        weights);
            } else {
                Rows anomalousRows = rows(anomalous, true, m.dimension());
                c = Calibrator.withAnomalies(normalEnergies, m.energy(anomalousRows.values()), chosen,
                        normalRows.hash(), anomalousRows.hash(), weights);
            }
        }
        CalibrationFile.write(model, c);
        System.out.println(describe(c) + "; written to " + model.resolve(CalibrationFile.FILE));
        if (anomalous != null && c.achieved().fpr() >= 0.5) {
            System.err.println(String.format(Locale.ROOT, "calibrate: warning: this threshold flags %.0f%% of the "
                    + "normal rows (the energy's AUROC on this data is %.3f): the model separates the classes poorly",
                    100 * c.achieved().fpr(), c.achieved().auroc()));
        }
        return 0;
    }

    /** Rows to score and their data's hash. */
    private record Rows(float[] values, String hash) {}

    /** A CSV file's rows, or an image set's normal (or, for {@code anomalies}, other) classes' images. */
    private Rows rows(String data, boolean anomalies, int dimension) {
        if (!ImagePools.isImageSet(data)) {
            DataSource source = DataSources.resolve(data);
            return new Rows(allRows(source, dimension, data), source.contentHash());
        }
        ImagePools pools = ImagePools.of(data, classes, anomalousClasses, imageSize == null ? 0 : imageSize);
        CameraSimulator.Images images = anomalies ? pools.anomalous() : pools.normal();
        if (images == null) {
            throw new UsageError(data + " has no images outside the normal classes " + classes
                    + ": give --classes, the anomalies are the other classes");
        }
        if (images.shape().size() != dimension) {
            throw new UsageError(data + " holds " + images.shape() + " images but the model expects " + dimension
                    + " values per sample (train and calibrate at the same --image-size)");
        }
        return new Rows(images.rows(), ImagePools.hash(images));
    }

    /** Every row of a finite data set, checked against the model's width. */
    static float[] allRows(DataSource data, int dimension, String what) {
        if (!(data instanceof CsvDataset csv)) {
            throw new UsageError(what + " is a generator, not a finite data set: calibrate on held-out "
                    + "rows (a CSV file)");
        }
        if (csv.dimension() != dimension) {
            throw new UsageError(what + " has " + csv.dimension() + " columns but the model expects "
                    + dimension);
        }
        return csv.rows();
    }

    static String describe(Calibration c) {
        String how = Calibration.METHOD_FPR.equals(c.method())
                ? String.format(Locale.ROOT, "target FPR %s on %d normal rows: FPR %.4f", c.targetFpr(),
                        c.normalCount(), c.achieved().fpr())
                : String.format(Locale.ROOT, "best %s (%.4f) on %d normal and %d anomalous rows: recall %.4f, "
                        + "FPR %.4f, F1 %.4f, energy AUROC %.4f", c.method(), c.achieved().objective(), c.normalCount(),
                        c.anomalousCount(), c.achieved().tpr(), c.achieved().fpr(), c.achieved().f1(),
                        c.achieved().auroc());
        return String.format(Locale.ROOT, "calibration %s (%s): threshold %.6g, normalisation min %.6g max %.6g",
                c.id(), how, c.threshold(), c.scoreMin(), c.scoreMax());
    }
}
