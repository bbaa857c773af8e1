package io.dxmi.pipeline;

import io.dxmi.platform.metrics.Metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;

/**
 * Where a service's time goes, per phase (for example waiting for a snapshot, the training step,
 * publishing): a Prometheus histogram {@code dxmi_phase_seconds{phase}} and running totals for
 * reports.
 */
public final class PhaseTimes {

    private static final ThreadMXBean CPU = ManagementFactory
            .getThreadMXBean();
    private static final double[] BOUNDS = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5};

    private final Metrics.Family<DistributionDataPoint> histogram;
    private final Map<String, DoubleAdder> seconds = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    public PhaseTimes(Metrics metrics) {
        this.histogram = metrics.histogramFamily("dxmi_phase_seconds", "Seconds spent per phase of the service's loop",
                BOUNDS, "phase");
    }

    /** Records {@code nanos} spent in {@code phase}. */
    public void record(String phase, long nanos) {
        double s = nanos / 1e9;
        histogram.labels(phase).observe(s);
        seconds.computeIfAbsent(phase, k -> new DoubleAdder()).add(s);
        counts.computeIfAbsent(phase, k -> new LongAdder()).increment();
    }

    /**
     * The calling thread's CPU time in nanoseconds. A step's CPU time beside its wall time tells
     * work from waiting for a core (recorded as phase {@code <name>_cpu}).
     */
    public static long threadCpuNanos() {
        return CPU.getCurrentThreadCpuTime();
    }

    /** Mean milliseconds per occurrence of each phase. */
    public Map<String, Double> meanMillis() {
        Map<String, Double> out = new LinkedHashMap<>();
        seconds.forEach((k, v) -> out.put(k, 1000 * v.sum() / Math.max(1, counts.get(k).sum())));
        return out;
    }
}
