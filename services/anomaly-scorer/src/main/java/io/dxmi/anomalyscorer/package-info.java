/**
 * The anomaly-scorer service: consumes camera frames ({@code Frame}), decodes, resizes and scores
 * them with a trained energy in micro-batches, and produces {@code AnomalyScore}s exactly once
 * (one Kafka transaction per batch with the consumed offsets). The model and the threshold are
 * swapped atomically between batches. Thin glue: the method is in core, the Kafka loop in the
 * platform.
 */
package io.dxmi.anomalyscorer;
