/**
 * Anomaly detection with a trained energy: thresholds calibrated on held-out data and stored with
 * the model ({@link io.dxmi.core.anomaly.Calibration}, {@link io.dxmi.core.anomaly.CalibrationFile}),
 * anomalib's score normalisation, and the image plumbing that turns a camera frame into a sample
 * of the model's shape ({@link io.dxmi.core.anomaly.FrameImages}). Knows nothing of Kafka.
 */
package io.dxmi.core.anomaly;
