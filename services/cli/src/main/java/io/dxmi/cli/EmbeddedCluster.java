package io.dxmi.cli;

import io.dxmi.pipeline.PipelineContext;
import io.dxmi.pipeline.ServiceOptions;
import io.dxmi.platform.broker.EmbeddedKafkaBroker;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The embedded default's machinery: a real Kafka broker (KRaft, in this JVM, its data in a directory of the run),
 * one Vert.x instance for the services, and each service's Prometheus endpoint. It deploys services and keeps the
 * list of them for the {@link RunMonitor}. Closing stops the services before the broker (a consumer closing
 * against a broker that is gone waits for it), then the metrics endpoints.
 */
final class EmbeddedCluster implements AutoCloseable {

    private final EmbeddedKafkaBroker broker;
    private final Vertx vertx;
    private final KafkaSettings kafka;
    private final int firstMetricsPort;
    private final String metricsHost;
    private final List<Metrics> metrics = new ArrayList<>();
    private final Map<String, String> endpoints = new LinkedHashMap<>();
    private final List<RunMonitor.Service> services = new ArrayList<>();

    private EmbeddedCluster(EmbeddedKafkaBroker broker, int firstMetricsPort, String metricsHost) {
        this.broker = broker;
        this.vertx = Vertx.vertx();
        this.kafka = KafkaSettings.builder().setBootstrapServers(broker.bootstrapServers())
                .optClientIdPrefix("dxmi-run").build();
        this.firstMetricsPort = firstMetricsPort;
        this.metricsHost = metricsHost;
    }

    /**
     * Starts the broker on {@code kafkaDir} (its topics and messages kept from an earlier start: a resumed run
     * continues on them).
     *
     * @param firstMetricsPort the first service's metrics port, the others counting up; 0 = any free ports
     */
    static EmbeddedCluster start(Path kafkaDir, int firstMetricsPort, String metricsHost) {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().setDataDir(kafkaDir).build().start();
        return new EmbeddedCluster(broker, firstMetricsPort, metricsHost);
    }

    String bootstrap() {
        return broker.bootstrapServers();
    }

    KafkaSettings kafka() {
        return kafka;
    }

    Vertx vertx() {
        return vertx;
    }

    /** The options of a new service instance, with its metrics endpoint started. */
    ServiceOptions options(String service, String instance, String run, Path stateDir) {
        Metrics m = PipelineContext.metricsFor(service, run);
        metrics.add(m);
        m.startHttp(metricsHost, firstMetricsPort == 0 ? 0 : firstMetricsPort + endpoints.size());
        endpoints.put(service + ("0".equals(instance) ? "" : "-" + instance), m.httpUrl());
        return new ServiceOptions(kafka, run, instance, stateDir, m, Duration.ofMinutes(2));
    }

    /** Deploys a service and watches it: {@code finished} completes when its part of the run is done. */
    <V extends VerticleBase> V deploy(String name, V verticle, Future<Void> finished) throws Exception {
        await(vertx.deployVerticle(verticle), Duration.ofMinutes(10));
        services.add(new RunMonitor.Service(name, finished));
        return verticle;
    }

    void undeploy(VerticleBase verticle) throws Exception {
        await(vertx.undeploy(verticle.deploymentID()), Duration.ofMinutes(2));
    }

    /** Every deployed service, in deployment order. */
    List<RunMonitor.Service> services() {
        return List.copyOf(services);
    }

    /** Each service's metrics endpoint URL, by name. */
    Map<String, String> metricsEndpoints() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(endpoints));
    }

    static <T> T await(Future<T> f, Duration timeout) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws ExecutionException, TimeoutException {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the broker is closed all the same; the caller sees the flag
        } finally {
            try {
                broker.close();
            } finally {
                metrics.forEach(Metrics::close);
            }
        }
    }
}
