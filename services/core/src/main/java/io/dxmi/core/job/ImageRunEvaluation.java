package io.dxmi.core.job;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.image.ImageDataSource;
import io.dxmi.core.data.image.ImageDataset;
import io.dxmi.core.data.image.ImageFiles;
import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.engine.ProgressListener;
import io.dxmi.core.eval.FdNoise;
import io.dxmi.core.eval.ImageEvaluation;
import io.dxmi.core.eval.ImageEvaluator;
import io.dxmi.core.eval.ImageFidelity;
import io.dxmi.core.eval.MetricHistory;
import io.dxmi.core.random.Rng;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Images: the Fréchet distance, precision and recall (k-NN manifolds) between generated images and
 * the test split, on the penultimate features of a classifier the project trains on the same data
 * set (trained once and cached); sampling speed; samples in the data set's own idx format.
 */
final class ImageRunEvaluation implements RunEvaluation {

    /** File of the generated images. */
    static final String SAMPLES = "samples.idx.gz";

    private final ImageDataset dataset;
    private final Settings settings;
    private final ProgressListener progress;
    private ImageFidelity fidelity;

    ImageRunEvaluation(DataSource data, Settings settings, ProgressListener progress) {
        if (!(data instanceof ImageDataSource images)) {
            throw new IllegalArgumentException("image evaluation needs an image data set, got " + data.name());
        }
        this.dataset = images.dataset();
        this.settings = settings;
        this.progress = progress;
    }

    /** The classifier and evaluator, made on first use (training the classifier when none is cached). */
    private ImageEvaluator evaluator() {
        if (fidelity == null) {
            fidelity = ImageFidelity.open(dataset, settings.classifier(), progress);
        }
        return fidelity.evaluator();
    }

    @Override
    public Map<String, Double> periodic(DxmiModel model) {
        ImageEvaluation e = evaluator().evaluate(model.sample(settings.periodicSamples(), new Rng(settings.seed() + 2000)));
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(MetricHistory.FD, e.fd());
        m.put("precision", e.precision());
        m.put("recall", e.recall());
        m.put("class_gap", e.classShareGap());
        return m;
    }

    @Override
    public RunResult.Quality complete(DxmiModel model, Path output) throws IOException {
        ImageEvaluator ev = evaluator();
        long t0 = System.nanoTime();
        float[] samples = model.sample(settings.samples(), new Rng(settings.seed() + 1000));
        double imagesPerSecond = settings.samples() / Math.max((System.nanoTime() - t0) / 1e9, 1e-9);
        ImageEvaluation e = ev.evaluate(samples);
        FdNoise noise = ev.noiseAt(settings.samples(), 3, settings.seed() + 3000);
        int written = Math.min(settings.outputSamples(), settings.samples());
        float[] out = new float[written * model.dimension()];
        System.arraycopy(samples, 0, out, 0, out.length);
        ImageFiles.write(output.resolve(SAMPLES), out, model.shape());
        return new RunResult.Quality(null, null, null, null, null, null, ev.describe(), null, e.fd(), e.precision(),
                e.recall(), e.k(), e.samples(), e.referenceSamples(), noise.std(), e.classifierAccuracy(),
                e.classifierWeightsSha256(), imagesPerSecond, e.classShareGap(),
                e.classShareList());
    }

    @Override
    public void close() {
        if (fidelity != null) {
            fidelity.close();
        }
    }

    @Override
    public String samplesFile() {
        return SAMPLES;
    }
}
