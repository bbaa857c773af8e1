package io.dxmi.core.classifier;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.data.image.ImageSplit;
import io.dxmi.core.engine.Adam;
import io.dxmi.core.engine.GradientRecorder;
import io.dxmi.core.engine.ProgressListener;
import io.dxmi.core.random.Rng;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Trains a {@link FeatureClassifier} by softmax cross-entropy with Adam: each epoch visits the
 * training images in a fresh random order, each image shifted by a random offset of up to
 * {@link ClassifierConfig#maxShift()} pixels (zero fill); the learning rate decays along a half
 * cosine to 0. Everything random comes from one {@link Rng} seeded by the configuration, so a run
 * is reproducible. Every step's tensors live in a per-step sub-manager.
 */
public final class ClassifierTrainer {

    private ClassifierTrainer() {
    }

    /** Runs the configured epochs over {@code train} (which must be labelled); returns the last epoch's mean loss. */
    public static double train(FeatureClassifier model, ImageSplit train, ProgressListener progress) {
        if (!train.isLabelled()) {
            throw new IllegalArgumentException("the classifier needs labelled training images");
        }
        ClassifierConfig cfg = model.config();
        Rng rng = new Rng(cfg.seed() + 1);
        int n = train.size();
        int stepsPerEpoch = (n + cfg.batch() - 1) / cfg.batch();
        long total = (long) stepsPerEpoch * cfg.epochs();
        Adam adam = Adam.builder().setParameters(model.parameters()).setLearningRate(cfg.learningRate()).build();
        SampleShape shape = model.shape();
        int classes = model.classes();
        int[] order = new int[n];
        double epochLoss = Double.NaN;
        long step = 0;
        for (int epoch = 0; epoch < cfg.epochs(); epoch++) {
            shuffle(order, rng);
            double lossSum = 0;
            for (int s = 0; s < stepsPerEpoch; s++) {
                int from = s * cfg.batch();
                int b = Math.min(cfg.batch(), n - from);
                float[] pixels = new float[b * shape.size()];
                float[] oneHot = new float[b * classes];
                for (int i = 0; i < b; i++) {
                    int idx = order[from + i];
                    shiftedCopy(train, idx, pixels, i, rng.nextInt(2 * cfg.maxShift() + 1) - cfg.maxShift(),
                            rng.nextInt(2 * cfg.maxShift() + 1) - cfg.maxShift());
                    oneHot[i * classes + train.label(idx)] = 1f;
                }
                adam.setLearningRate((float) (cfg.learningRate() * 0.5 * (1 + Math.cos(Math.PI * step / total))));
                lossSum += step(model, adam, pixels, oneHot, b, shape, classes);
                step++;
                if (step % 50 == 0 || step == total) {
                    Map<String, Double> m = new LinkedHashMap<>();
                    m.put("epoch", (double) epoch + 1);
                    m.put("loss", lossSum / (s + 1));
                    progress.onProgress("classifier", step, total, m);
                }
            }
            epochLoss = lossSum / stepsPerEpoch;
        }
        return epochLoss;
    }

    private static double step(FeatureClassifier model, Adam adam, float[] pixels, float[] oneHot, int b,
            SampleShape shape, int classes) {
        float loss;
        try (NDManager step = model.parameters().getManager().newSubManager()) {
            NDArray x = step.create(pixels, new Shape(shape.batch(b)));
            NDArray y = step.create(oneHot, new Shape(b, classes));
            try (GradientRecorder g = GradientRecorder.open()) {
                NDArray logits = model.logits(model.features(x));
                NDArray l = logits.logSoftmax(1).mul(y).sum(new int[] {1}).mean().neg();
                g.backward(l);
                loss = l.getFloat();
            }
            adam.step();
        }
        return loss;
    }

    /** Image {@code idx} moved by (dy, dx) pixels, zero-filled, written as image {@code at} of {@code out}. */
    static void shiftedCopy(ImageSplit split, int idx, float[] out, int at, int dy, int dx) {
        SampleShape s = split.shape();
        if (dy == 0 && dx == 0) {
            split.copyImage(idx, out, at);
            return;
        }
        int h = s.height();
        int w = s.width();
        float[] img = split.rows(idx, idx + 1);
        int base = at * s.size();
        for (int c = 0; c < s.channels(); c++) {
            for (int y = 0; y < h; y++) {
                int sy = y - dy;
                if (sy < 0 || sy >= h) {
                    continue;
                }
                for (int x = 0; x < w; x++) {
                    int sx = x - dx;
                    if (sx >= 0 && sx < w) {
                        out[base + c * h * w + y * w + x] = img[c * h * w + sy * w + sx];
                    }
                }
            }
        }
    }

    private static void shuffle(int[] order, Rng rng) {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }
}
