package io.dxmi.evaluator.builtin;

import io.dxmi.core.data.image.ImageDataSource;
import io.dxmi.core.engine.ProgressListener;
import io.dxmi.core.eval.ImageEvaluation;
import io.dxmi.core.eval.ImageFidelity;
import io.dxmi.core.eval.MetricHistory;
import io.dxmi.evaluator.api.EvaluationContext;
import io.dxmi.evaluator.api.EvaluationMetric;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code fd}: on image runs, the Fréchet distance between generated images and the data set's test
 * split on the features of the project's classifier, with precision and recall on the same features
 * ({@code fd.precision}, {@code fd.recall}) and the gap between the samples' and the test images'
 * class shares ({@code fd.class_gap}): the periodic counterpart of the image protocol that
 * {@code dxmi train} and the run's final model use. Reports nothing on vector runs.
 *
 * <p>Options: {@code samples} (generated images per evaluation, default {@value #DEFAULT_SAMPLES}:
 * FD is biased upwards at small counts, so compare values of one setting only) and
 * {@code classifier} (a classifier model directory instead of the cached one). The classifier is
 * trained on the first evaluation when none is cached (minutes on a CPU) and kept for the run.
 */
public final class FrechetDistanceMetric implements EvaluationMetric, AutoCloseable {

    public static final String ID = MetricHistory.FD;
    static final int DEFAULT_SAMPLES = 1000;

    private ImageFidelity fidelity;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "images: Fréchet distance, precision and recall on the project classifier's features against the test"
                + " split (" + DEFAULT_SAMPLES + " samples unless samples=N)";
    }

    @Override
    public Map<String, Double> evaluate(EvaluationContext context) {
        if (!(context.data() instanceof ImageDataSource images)) {
            return Map.of();
        }
        int samples = Integer.parseInt(context.option("samples", Integer.toString(DEFAULT_SAMPLES)));
        if (samples < 2) {
            throw new IllegalArgumentException("fd: samples must be at least 2, got " + samples);
        }
        if (fidelity == null) {
            String classifier = context.option("classifier", null);
            fidelity = ImageFidelity.open(images.dataset(), classifier == null ? null : Path.of(classifier),
                    ProgressListener.NONE);
        }
        ImageEvaluation e = fidelity.evaluator().evaluate(context.sample(samples, context.rng()));
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(ID, e.fd());
        m.put(name("precision"), e.precision());
        m.put(name("recall"), e.recall());
        m.put(name("class_gap"), e.classShareGap());
        return m;
    }

    /** Frees the classifier (the evaluator closes its plug-ins when it stops). */
    @Override
    public void close() {
        if (fidelity != null) {
            fidelity.close();
            fidelity = null;
        }
    }
}
