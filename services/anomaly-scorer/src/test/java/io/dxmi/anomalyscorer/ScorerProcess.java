package io.dxmi.anomalyscorer;

import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.metrics.Metrics;
import io.vertx.core.Vertx;

import java.nio.file.Path;
import java.time.Duration;

/** A scorer as its own process, for the kill -9 test: args bootstrap, model dir, instance id. */
public final class ScorerProcess {

    private ScorerProcess() {}

    public static void main(String[] args) throws Exception {
        KafkaSettings kafka = KafkaSettings.builder().setBootstrapServers(args[0])
                .optProperty("consumer.session.timeout.ms", "6000")
                .optProperty("consumer.heartbeat.interval.ms", "1000").build();
        ScorerSettings s = ScorerSettings.defaults(args[2]).withPartitions(3).withHttp("127.0.0.1", -1, null)
                .withBatching(16, Duration.ofMillis(5)).withMaps(8, ScorerSettings.MapFrames.ALL);
        Vertx vertx = Vertx.vertx();
        vertx.deployVerticle(AnomalyScorerVerticle.builder().setSettings(s).setKafka(kafka)
                .setMetrics(Metrics.create("anomaly-scorer")).optModelDirectory(Path.of(args[1])).build())
                .toCompletionStage().toCompletableFuture().get();
        System.out.println("SCORER UP");
        Thread.sleep(Long.MAX_VALUE);
    }
}
