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
import io.dxmi.core.engine.OwnedArrays;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Trains a {@link FeatureClassifier} by softmax cross-entropy with Adam: each epoch visits the
 * training images in a fresh random order, each image moved by a random affine map (shift,
 * rotation and scale within the configured bounds; bilinear, zero fill) and the features
 * thinned by dropout; the learning rate decays along a half cosine to 0. Everything random comes from one {@link Rng} seeded by the configuration, so a run
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
        double epochLoss = Double.NaN;
        long step = 0;
        for (int epoch = 0; epoch < cfg.epochs(); epoch++) {
            int[] order = rng.permutation(n);
            double lossSum = 0;
            for (int s = 0; s < stepsPerEpoch; s++) {
                int from = s * cfg.batch();
                int b = Math.min(cfg.batch(), n - from);
                float[] pixels = new float[b * shape.size()];
                float[] oneHot = new float[b * classes];
                for (int i = 0; i < b; i++) {
                    int idx = order[from + i];
                    augmentedCopy(train, idx, pixels, i, cfg, rng);
                    oneHot[i * classes + train.label(idx)] = 1f;
                }
                adam.setLearningRate((float) (cfg.learningRate() * 0.5 * (1 + Math.cos(Math.PI * step / total))));
                float[] keep = dropoutMask(b * model.featureWidth(), cfg.dropout(), rng);
                lossSum += step(model, adam, pixels, oneHot, keep, b, shape, classes);
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

    private static double step(FeatureClassifier model, Adam adam, float[] pixels, float[] oneHot, float[] keep,
            int b, SampleShape shape, int classes) {
        float loss;
        try (NDManager step = model.parameters().getManager().newSubManager()) {
            NDArray x = OwnedArrays.create(step, pixels, new Shape(shape.batch(b)));
            NDArray y = OwnedArrays.create(step, oneHot, new Shape(b, classes));
            NDArray mask = OwnedArrays.create(step, keep, new Shape(b, model.featureWidth()));
            try (GradientRecorder g = GradientRecorder.open()) {
                NDArray logits = model.logits(model.features(x).mul(mask));
                NDArray l = logits.logSoftmax(1).mul(y).sum(new int[] {1}).mean().neg();
                g.backward(l);
                loss = l.getFloat();
            }
            adam.step();
        }
        return loss;
    }

    /** 1/(1 − p) with probability 1 − p, else 0, per feature (all 1 when p = 0). */
    static float[] dropoutMask(int n, float p, Rng rng) {
        float[] m = new float[n];
        float keep = 1f / (1f - p);
        for (int i = 0; i < n; i++) {
            m[i] = p == 0 || rng.nextFloat() >= p ? keep : 0f;
        }
        return m;
    }

    /**
     * Image {@code idx} under a random affine map (about the image centre: scale, rotation, then
     * shift), sampled bilinearly with zero outside, written as image {@code at} of {@code out}.
     */
    static void augmentedCopy(ImageSplit split, int idx, float[] out, int at, ClassifierConfig cfg, Rng rng) {
        double angle = Math.toRadians((2 * rng.nextDouble() - 1) * cfg.maxRotation());
        double scale = 1 + (2 * rng.nextDouble() - 1) * cfg.maxScale();
        double dx = (2 * rng.nextDouble() - 1) * cfg.maxShift();
        double dy = (2 * rng.nextDouble() - 1) * cfg.maxShift();
        warp(split, idx, out, at, angle, scale, dx, dy);
    }

    /** Writes image {@code idx} warped: output p takes input c + R(−angle)(p − c − t) / scale. */
    static void warp(ImageSplit split, int idx, float[] out, int at, double angle, double scale, double dx,
            double dy) {
        SampleShape s = split.shape();
        int h = s.height();
        int w = s.width();
        float[] img = split.rows(idx, idx + 1);
        int base = at * s.size();
        double cy = (h - 1) / 2.0;
        double cx = (w - 1) / 2.0;
        double cos = Math.cos(angle) / scale;
        double sin = Math.sin(angle) / scale;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double px = x - cx - dx;
                double py = y - cy - dy;
                double sx = cos * px + sin * py + cx;
                double sy = -sin * px + cos * py + cy;
                int x0 = (int) Math.floor(sx);
                int y0 = (int) Math.floor(sy);
                double fx = sx - x0;
                double fy = sy - y0;
                for (int c = 0; c < s.channels(); c++) {
                    int plane = c * h * w;
                    double v = (1 - fy) * ((1 - fx) * at(img, plane, w, h, x0, y0) + fx * at(img, plane, w, h, x0 + 1, y0))
                            + fy * ((1 - fx) * at(img, plane, w, h, x0, y0 + 1) + fx * at(img, plane, w, h, x0 + 1, y0 + 1));
                    out[base + plane + y * w + x] = (float) v;
                }
            }
        }
    }

    private static float at(float[] img, int plane, int w, int h, int x, int y) {
        return x < 0 || y < 0 || x >= w || y >= h ? 0f : img[plane + y * w + x];
    }
}
