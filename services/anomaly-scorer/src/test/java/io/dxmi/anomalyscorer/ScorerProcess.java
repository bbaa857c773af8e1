package io.dxmi.anomalyscorer;

import io.dxmi.core.dxmi.FeatureDensity;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.metrics.Metrics;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A scorer as its own process, for the kill -9 tests: args bootstrap, model dir (or {@code run:NAME} to follow a run,
 * with a density fitted on {@link RunModelSourceTest#squares} to each snapshot), instance id.
 */
public final class ScorerProcess {

    private ScorerProcess() {}

    /** Starts a scorer process scoring with {@code source} (a model directory or {@code run:NAME}), output to {@code log}. */
    static Process start(String bootstrap, String source, String id, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1",
                "-Dai.djl.pytorch.num_interop_threads=1", "-cp", System.getProperty("java.class.path"),
                ScorerProcess.class.getName(), bootstrap, source, id));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        return pb.start();
    }

    public static void main(String[] args) throws Exception {
        KafkaSettings kafka = KafkaSettings.builder().setBootstrapServers(args[0])
                .optProperty("consumer.session.timeout.ms", "6000")
                .optProperty("consumer.heartbeat.interval.ms", "1000").build();
        ScorerSettings s = ScorerSettings.defaults(args[2]).withPartitions(3).withHttp("127.0.0.1", -1, null)
                .withBatching(16, Duration.ofMillis(5)).withMaps(8, ScorerSettings.MapFrames.ALL);
        Vertx vertx = Vertx.vertx();
        AnomalyScorerVerticle.Builder b = AnomalyScorerVerticle.builder().setSettings(s).setKafka(kafka)
                .setMetrics(Metrics.create("anomaly-scorer"));
        if (args[1].startsWith("run:")) {
            b.optFollowRun(args[1].substring(4)).optPlanTimeout(Duration.ofSeconds(120))
                    .optSnapshotDensity(new SnapshotDensity(RunModelSourceTest.SHAPE, RunModelSourceTest.squares(60, 1),
                            "squares", FeatureDensity.DEFAULT_SHRINKAGE));
        } else {
            b.optModelDirectory(Path.of(args[1]));
        }
        vertx.deployVerticle(b.build()).toCompletionStage().toCompletableFuture().get();
        System.out.println("SCORER UP");
        Thread.sleep(Long.MAX_VALUE);
    }
}
