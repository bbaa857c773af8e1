package io.dxmi.anomalyscorer;

import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model and threshold the scorer uses, swapped atomically between batches: other threads
 * offer a new model or threshold, and the loop's thread takes the offers in {@link #apply()}
 * before its next batch, so a batch is scored by exactly one model and one threshold. The newest
 * threshold by creation time is in force (a model's own calibration counts when the model
 * arrives).
 */
final class ScorerState implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ScorerState.class);

    private final AtomicReference<ScoringModel> pendingModel = new AtomicReference<>();
    private final AtomicReference<Threshold> pendingThreshold = new AtomicReference<>();
    private final ScorerMetrics metrics;
    // Read and written by the loop's thread only (visible to others for reporting).
    private volatile ScoringModel model;
    private volatile Threshold threshold;

    ScorerState(ScorerMetrics metrics) {
        this.metrics = metrics;
    }

    /** A new model for the next batch (an earlier offer not yet taken is closed). */
    void offerModel(ScoringModel m) {
        ScoringModel dropped = pendingModel.getAndSet(m);
        if (dropped != null) {
            dropped.close();
        }
    }

    /** A new threshold for the next batch, if it is newer than the one in force or offered. */
    void offerThreshold(Threshold t) {
        pendingThreshold.accumulateAndGet(t, (old, neu) -> old == null || neu.createdAtMillis() >= old.createdAtMillis()
                ? neu : old);
    }

    /** Takes the offers; called by the loop's thread between batches. */
    void apply() {
        ScoringModel m = pendingModel.getAndSet(null);
        if (m != null) {
            ScoringModel old = model;
            model = m;
            metrics.modelVersion(m.version());
            LOG.info("scoring with model {} (image shape {}) from the next batch{}", m.version(), m.shape(),
                    old == null ? "" : ", replacing " + old.version());
            if (old != null) {
                old.close();
            }
            if (m.calibration() != null) {
                offerThreshold(Threshold.of(m.calibration(), "model " + m.version()));
            } else if (threshold != null) {
                LOG.warn("model {} carries no calibration: threshold {} stays in force (calibrate or send a new one)",
                        m.version(), threshold.id());
            }
        }
        Threshold t = pendingThreshold.getAndSet(null);
        if (t != null && (threshold == null || t.createdAtMillis() >= threshold.createdAtMillis())
                && (threshold == null || !t.id().equals(threshold.id()))) {
            LOG.info("threshold {} = {} (normalisation {} .. {}, from {}) in force from the next batch{}", t.id(),
                    t.value(), t.min(), t.max(), t.source(), threshold == null ? "" : ", replacing " + threshold.id());
            threshold = t;
            metrics.threshold(t);
        }
    }

    ScoringModel model() {
        return model;
    }

    Threshold threshold() {
        return threshold;
    }

    @Override
    public void close() {
        ScoringModel m = pendingModel.getAndSet(null);
        if (m != null) {
            m.close();
        }
        if (model != null) {
            model.close();
            model = null;
        }
    }
}
