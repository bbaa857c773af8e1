package io.dxmi.pipeline;

import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.messaging.Producer;
import io.dxmi.platform.messaging.Retry;
import io.dxmi.platform.snapshot.ChunkedBlobs;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Non-finite weights are refused before anything is sent (no broker needed: nothing reaches it). */
class NonFiniteSnapshotTest {

    @Test
    void nonFiniteWeightsAreNeverPublished() {
        Vertx vertx = Vertx.vertx();
        // A producer for an address where no broker listens: nothing may be sent.
        var producer = Producer.create(vertx,
                KafkaSettings.builder().setBootstrapServers("127.0.0.1:9").build());
        Snapshots snapshots = new Snapshots(ChunkedBlobs.builder().setVertx(vertx).setProducer(producer).build(),
                new Retry(vertx, Duration.ofSeconds(1), null), new RunTopics("run"), "test", "plan", "data");
        var f = snapshots.publish("policy", 1, 1, 0, Map.of("w", new float[] {1f, Float.NaN}));
        assertTrue(f.failed());
        assertTrue(f.cause().getMessage().contains("non-finite"), f.cause().getMessage());
        var g = snapshots.publish("policy", 1, 1, 0, Map.of("w", new float[] {Float.POSITIVE_INFINITY}));
        assertTrue(g.failed());
        producer.close(); // nothing pending: returns at once, though no broker ever answered
        vertx.close().await();
    }
}
