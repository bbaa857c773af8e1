package io.dxmi.pipeline;

import io.dxmi.platform.broker.EmbeddedKafkaBroker;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.metrics.Metrics;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * One in-JVM KRaft broker (it takes seconds to start), one Vert.x and one metrics registry per
 * test class; the broker's data lives under {@code dataDir/kafka}, the rest of the directory is
 * the test's.
 */
abstract class BrokerTestBase {

    @TempDir
    static Path dataDir;

    static EmbeddedKafkaBroker broker;
    static KafkaSettings settings;
    static Vertx vertx;
    static Metrics metrics;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.builder().setDataDir(dataDir.resolve("kafka")).build().start();
        settings = KafkaSettings.builder().setBootstrapServers(broker.bootstrapServers()).build();
        vertx = Vertx.vertx();
        metrics = Metrics.create("test");
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        if (broker != null) {
            broker.close();
        }
    }
}
