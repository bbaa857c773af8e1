package io.dxmi.anomalyscorer;

import io.dxmi.core.anomaly.Calibration;
import io.dxmi.schemas.ThresholdChange;

import java.time.Instant;

/**
 * A threshold in force: the decision (energy above {@code value}) and anomalib's normalisation,
 * with the id every score names and where it came from.
 */
record Threshold(String id, double value, double min, double max, long createdAtMillis, String source) {

    static Threshold of(Calibration c, String source) {
        long created;
        try {
            created = Instant.parse(c.createdAt()).toEpochMilli();
        } catch (RuntimeException e) {
            created = 0;
        }
        return new Threshold(c.id(), c.threshold(), c.scoreMin(), c.scoreMax(), created, source);
    }

    static Threshold of(ThresholdChange t) {
        if (!Double.isFinite(t.getThreshold()) || !Double.isFinite(t.getScoreMin()) || !Double.isFinite(t.getScoreMax())
                || t.getScoreMax() < t.getScoreMin()) {
            throw new IllegalArgumentException("threshold change " + t.getThresholdId() + " has a non-finite value or"
                    + " max < min");
        }
        return new Threshold(t.getThresholdId(), t.getThreshold(), t.getScoreMin(), t.getScoreMax(),
                t.getCreatedAtMillis(), "control topic (" + t.getIssuedBy() + ")");
    }

    boolean isAnomalous(double energy) {
        return energy > value;
    }

    double normalise(double energy) {
        return Calibration.normalise(energy, value, min, max);
    }
}
