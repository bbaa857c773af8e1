package io.dxmi.platform.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import java.util.function.Function;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The Prometheus metrics of one process (one service): its own registry, JVM and process metrics (among them
 * {@code process_resident_memory_bytes}, read from {@code /proc/self/status}), an estimate of native memory
 * ({@code dxmi_native_memory_bytes}) and an optional HTTP exporter ({@code /metrics}).
 *
 * <p>Every metric made through the helpers carries a {@code service} label first, so one Prometheus can tell the
 * services apart without relabelling. Helpers are idempotent per name: asking twice for a metric returns the one
 * already registered (two consumers in one process share {@code messages_consumed_total}). Counter names must
 * end in {@code _total}.
 *
 * <p>Lifetime: {@link #close()} stops the HTTP exporter; the registry lives as long as the object.
 */
public final class Metrics implements AutoCloseable {

    /** The exporter's default interface: loopback, so that nothing is served to the network unless asked. */
    public static final String LOOPBACK = "127.0.0.1";

    /** The label every metric carries. */
    public static final String SERVICE_LABEL = "service";

    private static final Path PROC_STATUS = Path.of("/proc/self/status");

    private final String service;
    private final Labels constantLabels;
    private final PrometheusRegistry registry;
    private final Map<String, Object> byName = new ConcurrentHashMap<>();
    private volatile HTTPServer http;
    private volatile String httpHost;

    private Metrics(String service, Map<String, String> constantLabels, PrometheusRegistry registry) {
        this.service = service;
        this.constantLabels = Labels.of(
                constantLabels.keySet().toArray(String[]::new), constantLabels.values().toArray(String[]::new));
        this.registry = registry;
    }

    /**
     * Metrics for {@code service} in a new registry, with JVM and process metrics and the
     * {@code dxmi_native_memory_bytes} gauge; no exporter yet (see {@link #startHttp}).
     */
    public static Metrics create(String service) {
        return create(service, Map.of());
    }

    /**
     * Metrics for {@code service} whose own metrics (not the JVM's) also carry {@code constantLabels}, for example
     * the job a process belongs to, so that one Prometheus can tell several apart.
     */
    public static Metrics create(String service, Map<String, String> constantLabels) {
        if (service == null || service.isBlank()) {
            throw new IllegalArgumentException("Metrics need a service name");
        }
        for (Map.Entry<String, String> e : constantLabels.entrySet()) {
            if (SERVICE_LABEL.equals(e.getKey()) || e.getValue() == null || e.getValue().isBlank()) {
                throw new IllegalArgumentException("Constant label " + e.getKey() + "=" + e.getValue()
                        + " is not allowed: a name other than '" + SERVICE_LABEL + "' and a non-blank value are");
            }
        }
        Metrics m = new Metrics(service, new TreeMap<>(constantLabels), new PrometheusRegistry());
        JvmMetrics.builder().register(m.registry);
        // PyTorch allocates outside the JVM and DJL reports nothing of it: what the process holds beyond what the
        // JVM has committed is the best cheap estimate (it also counts thread stacks, libraries and malloc arenas).
        m.gauge("dxmi_native_memory_bytes",
                "Estimated native memory: resident set size minus the JVM's committed heap and non-heap memory",
                Metrics::nativeMemoryEstimateBytes);
        return m;
    }

    /**
     * Starts the HTTP exporter on {@code port} (0 = a free port) on the loopback interface ({@value #LOOPBACK}).
     *
     * @return the bound port
     */
    public int startHttp(int port) {
        return startHttp(LOOPBACK, port);
    }

    /**
     * Starts the {@code /metrics} exporter on {@code host} (an interface address; {@code 0.0.0.0} for all) and
     * {@code port} (0 = any free port); returns the bound port.
     */
    public synchronized int startHttp(String host, int port) {
        if (http != null) {
            throw new IllegalStateException("Metrics exporter already running on port " + http.getPort());
        }
        try {
            http = HTTPServer.builder().hostname(host).port(port).registry(registry).buildAndStart();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the metrics exporter on " + host + ":" + port + ": "
                    + e.getMessage(), e);
        }
        httpHost = host;
        return http.getPort();
    }

    /** The exporter's address as a URL, {@code http://HOST:PORT/metrics}, or null when not started. */
    public String httpUrl() {
        HTTPServer h = http;
        if (h == null) {
            return null;
        }
        String host = httpHost.contains(":") ? "[" + httpHost + "]" : httpHost;
        return "http://" + host + ":" + h.getPort() + "/metrics";
    }

    /** The exporter's bound port, or -1 when not started. */
    public int httpPort() {
        HTTPServer h = http;
        return h == null ? -1 : h.getPort();
    }

    /** The service name put on every metric. */
    public String service() {
        return service;
    }

    /** The registry, for metrics the helpers do not cover. */
    public PrometheusRegistry registry() {
        return registry;
    }

    /** A counter with only the service label; {@code name} must end in {@code _total}. */
    public CounterDataPoint counter(String name, String help) {
        return counterFamily(name, help).labels();
    }

    /** A counter family with extra labels after {@code service}; {@code name} must end in {@code _total}. */
    public Family<CounterDataPoint> counterFamily(String name, String help, String... labelNames) {
        if (!name.endsWith("_total")) {
            throw new IllegalArgumentException("Counter name '" + name + "' must end in _total");
        }
        Counter c = registered(name, () -> Counter.builder().name(name).help(help).constLabels(constantLabels).labelNames(withService(labelNames))
                .register(registry), Counter.class);
        return new Family<>(c::labelValues);
    }

    /** A settable gauge with only the service label. */
    public GaugeDataPoint gauge(String name, String help) {
        return gaugeFamily(name, help).labels();
    }

    /** A settable gauge family with extra labels after {@code service}. */
    public Family<GaugeDataPoint> gaugeFamily(String name, String help, String... labelNames) {
        Gauge g = registered(name, () -> Gauge.builder().name(name).help(help).constLabels(constantLabels).labelNames(withService(labelNames))
                .register(registry), Gauge.class);
        return new Family<>(g::labelValues);
    }

    /** A gauge whose value is read from {@code value} at each scrape. */
    public void gauge(String name, String help, DoubleSupplier value) {
        registered(name, () -> GaugeWithCallback.builder().name(name).help(help).constLabels(constantLabels).labelNames(SERVICE_LABEL)
                .callback(cb -> cb.call(value.getAsDouble(), service)).register(registry), GaugeWithCallback.class);
    }

    /** A histogram with only the service label and the given bucket upper bounds (seconds, bytes...). */
    public DistributionDataPoint histogram(String name, String help, double... upperBounds) {
        return histogramFamily(name, help, upperBounds).labels();
    }

    /** A histogram family with extra labels after {@code service}. */
    public Family<DistributionDataPoint> histogramFamily(String name, String help, double[] upperBounds,
            String... labelNames) {
        Histogram h = registered(name, () -> {
            Histogram.Builder b = Histogram.builder().name(name).help(help).constLabels(constantLabels).labelNames(withService(labelNames));
            // Classic buckets: every Prometheus version can scrape them.
            b = upperBounds.length > 0 ? b.classicOnly().classicUpperBounds(upperBounds) : b.classicOnly();
            return b.register(registry);
        }, Histogram.class);
        return new Family<>(h::labelValues);
    }

    /** Resident set size of this process from {@code /proc/self/status} (VmRSS), in bytes; -1 where unavailable. */
    public static double residentSetBytes() {
        return residentSetBytes(PROC_STATUS);
    }

    /** VmRSS from a file in the format of {@code /proc/<pid>/status}, in bytes; -1 when absent or unreadable. */
    public static double residentSetBytes(Path status) {
        try {
            for (String line : Files.readAllLines(status, StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024.0; // reported in kB
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or /proc not mounted: report "unknown" instead of failing the scrape.
        }
        return -1;
    }

    /**
     * Native memory estimate: resident set size minus the JVM's committed heap and non-heap memory (what the JVM
     * may touch), never below 0; -1 where the resident set size is unknown. It over-counts by thread stacks,
     * shared libraries and the JVM's own native structures, and under-counts committed JVM pages not yet touched.
     */
    public static double nativeMemoryEstimateBytes() {
        return nativeMemoryEstimateBytes(residentSetBytes(), ManagementFactory.getMemoryMXBean());
    }

    static double nativeMemoryEstimateBytes(double rss, MemoryMXBean memory) {
        if (rss < 0) {
            return -1;
        }
        double jvm = memory.getHeapMemoryUsage().getCommitted() + memory.getNonHeapMemoryUsage().getCommitted();
        return Math.max(0, rss - jvm);
    }

    /** Stops the HTTP exporter, if any. */
    @Override
    public synchronized void close() {
        if (http != null) {
            http.close();
            http = null;
        }
    }

    private String[] withService(String[] labelNames) {
        String[] all = new String[labelNames.length + 1];
        all[0] = SERVICE_LABEL;
        System.arraycopy(labelNames, 0, all, 1, labelNames.length);
        return all;
    }

    private <T> T registered(String name, Supplier<T> make, Class<T> type) {
        Object m = byName.computeIfAbsent(name, n -> make.get());
        if (!type.isInstance(m)) {
            throw new IllegalArgumentException("Metric '" + name + "' already registered as " + m.getClass().getSimpleName());
        }
        return type.cast(m);
    }

    /**
     * A metric with extra labels; {@link #labels} binds their values (the service label is filled in).
     *
     * @param <D> the data point type
     */
    public final class Family<D> {
        private final Function<String[], D> lookup;

        private Family(Function<String[], D> lookup) {
            this.lookup = lookup;
        }

        /** The data point for these label values (in the order the label names were given). */
        public D labels(String... values) {
            Objects.requireNonNull(values, "values");
            String[] all = new String[values.length + 1];
            all[0] = service;
            System.arraycopy(values, 0, all, 1, values.length);
            return lookup.apply(all);
        }
    }
}
