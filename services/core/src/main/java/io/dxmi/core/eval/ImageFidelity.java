package io.dxmi.core.eval;

import ai.djl.ndarray.NDManager;
import io.dxmi.core.classifier.FeatureClassifiers;
import io.dxmi.core.classifier.TrainedClassifier;
import io.dxmi.core.data.image.ImageDataset;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.engine.ProgressListener;

import java.nio.file.Path;

/**
 * The image protocol's parts for one data set, owned together: the project's feature classifier
 * (the cached one, trained on first use, or a given model directory) on its own manager, and an
 * {@link ImageEvaluator} against the set's test split. Used by {@code dxmi train} and by the
 * evaluator service's {@code fd} plug-in, so both measure images the same way. Close it to free the
 * classifier's weights.
 */
public final class ImageFidelity implements AutoCloseable {

    private final NDManager manager;
    private final TrainedClassifier classifier;
    private final ImageEvaluator evaluator;

    private ImageFidelity(NDManager manager, TrainedClassifier classifier, ImageEvaluator evaluator) {
        this.manager = manager;
        this.classifier = classifier;
        this.evaluator = evaluator;
    }

    /**
     * Obtains the classifier (training and caching it when none is cached: minutes on a CPU) and
     * fits the test split's features.
     *
     * @param classifier a classifier model directory to use instead of the cache, or null
     */
    public static ImageFidelity open(ImageDataset data, Path classifier, ProgressListener progress) {
        NDManager manager = NDManager.newBaseManager(DjlRuntime.device());
        TrainedClassifier trained = null;
        try {
            trained = FeatureClassifiers.obtain(data, classifier, manager, progress);
            ImageEvaluator evaluator = ImageEvaluator.builder().setClassifier(trained).setReference(data.test()).build();
            return new ImageFidelity(manager, trained, evaluator);
        } catch (RuntimeException e) {
            if (trained != null) {
                trained.close();
            }
            manager.close();
            throw e;
        }
    }

    /** FD, precision and recall against the test split. */
    public ImageEvaluator evaluator() {
        return evaluator;
    }

    /** The classifier whose features the evaluator uses (its test accuracy and weights hash go beside every FD). */
    public TrainedClassifier classifier() {
        return classifier;
    }

    @Override
    public void close() {
        classifier.close();
        manager.close();
    }
}
