package io.dxmi.anomalyscorer;

import io.dxmi.platform.metrics.Metrics;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;

/** The scorer's Prometheus metrics (listed in the README's anomaly-scoring section). */
final class ScorerMetrics {

    private final Metrics.Family<CounterDataPoint> frames;
    private final Metrics.Family<CounterDataPoint> decisions;
    private final Metrics.Family<CounterDataPoint> deadLetters;
    private final Metrics.Family<CounterDataPoint> swaps;
    private final DistributionDataPoint latency;
    private final DistributionDataPoint batchSize;
    private final DistributionDataPoint scoreSeconds;
    private final DistributionDataPoint transactionSeconds;
    private final Metrics.Family<GaugeDataPoint> modelInfo;
    private final Metrics.Family<GaugeDataPoint> thresholdInfo;
    private final GaugeDataPoint thresholdValue;
    private volatile String model = "";
    private volatile String thresholdId = "";

    ScorerMetrics(Metrics m) {
        frames = m.counterFamily("dxmi_anomaly_frames_total", "Frames consumed, by outcome", "outcome");
        decisions = m.counterFamily("dxmi_anomaly_decisions_total", "Scored frames by camera and decision", "camera",
                "decision");
        deadLetters = m.counterFamily("dxmi_dead_letters_total", "Frames sent to the dead-letter topic", "reason");
        swaps = m.counterFamily("dxmi_anomaly_swaps_total", "Models and thresholds swapped in between batches", "what");
        latency = m.histogram("dxmi_anomaly_latency_seconds",
                "End-to-end latency per frame: capture time to the batch's committed transaction",
                0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10);
        batchSize = m.histogram("dxmi_anomaly_batch_size", "Frames per committed batch", 1, 2, 4, 8, 16, 32, 64, 128,
                256, 512);
        scoreSeconds = m.histogram("dxmi_anomaly_score_seconds", "Decoding and scoring time per batch",
                0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1);
        transactionSeconds = m.histogram("dxmi_anomaly_transaction_seconds",
                "Per batch: the transaction that writes its scores and consumed offsets, begin to committed",
                0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1);
        modelInfo = m.gaugeFamily("dxmi_anomaly_model_info", "1 for the model version in use", "version");
        thresholdInfo = m.gaugeFamily("dxmi_anomaly_threshold_info", "1 for the threshold id in force", "threshold_id");
        thresholdValue = m.gauge("dxmi_anomaly_threshold", "The energy threshold in force");
    }

    void scored(String camera, boolean anomalous) {
        frames.labels("scored").inc();
        decisions.labels(camera, anomalous ? "anomalous" : "normal").inc();
    }

    void deadLettered(String reason) {
        frames.labels("dead_lettered").inc();
        deadLetters.labels(reason).inc();
    }

    void committed(int frames, double[] latenciesSeconds, double transactionTook) {
        batchSize.observe(frames);
        transactionSeconds.observe(transactionTook);
        for (double l : latenciesSeconds) {
            latency.observe(l);
        }
    }

    void scoringTook(double seconds) {
        scoreSeconds.observe(seconds);
    }

    synchronized void modelVersion(String version) {
        if (!model.isEmpty()) {
            modelInfo.labels(model).set(0);
            swaps.labels("model").inc();
        }
        model = version;
        modelInfo.labels(version).set(1);
    }

    synchronized void threshold(Threshold t) {
        if (!thresholdId.isEmpty()) {
            thresholdInfo.labels(thresholdId).set(0);
            swaps.labels("threshold").inc();
        }
        thresholdId = t.id();
        thresholdInfo.labels(t.id()).set(1);
        thresholdValue.set(t.value());
    }
}
