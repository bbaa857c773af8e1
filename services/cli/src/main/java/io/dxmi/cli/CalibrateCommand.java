package io.dxmi.cli;

import io.dxmi.core.anomaly.Calibration;
import io.dxmi.core.anomaly.CalibrationFile;
import io.dxmi.core.anomaly.Calibrator;
import io.dxmi.core.data.CsvDataset;
import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.DataSources;
import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.dxmi.ModelStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code dxmi calibrate}: a threshold and score normalisation stored with the model. */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = {"Choose an anomaly threshold on a trained energy and store it with the model "
                + "(DIR/calibration.json), with anomalib's score normalisation.",
            "By target false-positive rate on held-out normal data (--fpr), or F1-optimal when labelled "
                + "anomalies are given (--anomalous)."})
final class CalibrateCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A DxMI model directory.")
    Path model;

    @Option(names = "--normal", required = true, paramLabel = "DATA",
            description = "Held-out normal data (not the training data), every row scored.")
    String normal;

    @Option(names = "--anomalous", paramLabel = "DATA",
            description = "Labelled anomalies: choose the F1-optimal threshold instead of one by FPR.")
    String anomalous;

    @Option(names = "--fpr", paramLabel = "P",
            description = "Target false-positive rate on the normal data (default 0.01; not with --anomalous).")
    Double fpr;

    @Override
    public Integer call() throws Exception {
        if (anomalous != null && fpr != null) {
            throw new UsageError("--fpr and --anomalous exclude each other: with labelled anomalies the "
                    + "threshold is the F1-optimal one");
        }
        ModelStore.LoadedDxmi loaded = ModelStore.loadDxmi(model);
        String weights = loaded.manifest().path("provenance").path("weightsSha256").asText(null);
        Calibration c;
        try (DxmiModel m = loaded.model()) {
            DataSource normalData = DataSources.resolve(normal);
            float[] normalRows = allRows(normalData, m.dimension(), normal);
            if (normalData.contentHash().equals(loaded.data().contentHash())) {
                System.err.println("calibrate: warning: " + normal + " is the model's training data; a threshold "
                        + "chosen on it under-estimates the false-positive rate on new data");
            }
            float[] normalEnergies = m.energy(normalRows);
            if (anomalous == null) {
                c = Calibrator.byFalsePositiveRate(normalEnergies, fpr == null ? 0.01 : fpr, normalData.contentHash(),
                        weights);
            } else {
                DataSource anomalousData = DataSources.resolve(anomalous);
                float[] anomalousEnergies = m.energy(allRows(anomalousData, m.dimension(), anomalous));
                c = Calibrator.f1Optimal(normalEnergies, anomalousEnergies, normalData.contentHash(),
                        anomalousData.contentHash(), weights);
            }
        }
        CalibrationFile.write(model, c);
        System.out.println(describe(c) + "; written to " + model.resolve(CalibrationFile.FILE));
        return 0;
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
                : String.format(Locale.ROOT, "F1-optimal on %d normal and %d anomalous rows: F1 %.4f, recall %.4f, "
                        + "FPR %.4f", c.normalCount(), c.anomalousCount(), c.achieved().f1(), c.achieved().tpr(),
                        c.achieved().fpr());
        return String.format(Locale.ROOT, "calibration %s (%s): threshold %.6g, normalisation min %.6g max %.6g",
                c.id(), how, c.threshold(), c.scoreMin(), c.scoreMax());
    }
}
