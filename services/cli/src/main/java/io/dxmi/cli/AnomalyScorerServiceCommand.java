package io.dxmi.cli;

import io.dxmi.anomalyscorer.AnomalyScorerVerticle;
import io.dxmi.anomalyscorer.ScorerSettings;
import io.dxmi.anomalyscorer.SnapshotDensity;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.lifecycle.GracefulShutdown;
import io.dxmi.platform.metrics.Metrics;
import io.vertx.core.Vertx;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** {@code dxmi service anomaly-scorer}: scores camera frames exactly once until stopped. */
@Command(name = "anomaly-scorer", mixinStandardHelpOptions = true,
        description = {"Score the frames topic with a trained energy and write the scores topic, exactly once.",
            "Any number of instances with the same --group share the frames; stop with SIGTERM."})
final class AnomalyScorerServiceCommand implements Callable<Integer> {

    static final String NAME = "anomaly-scorer";

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT[,...]", description = "Kafka bootstrap servers.")
    String bootstrap;

    static final class Source {
        @Option(names = "--model", paramLabel = "DIR",
                description = "A DxMI model directory (watched: new weights or a new calibration are swapped in).")
        Path model;

        @Option(names = "--follow-run", paramLabel = "RUN", description = "Score with the newest energy snapshot of this training run.")
        String run;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--frames", paramLabel = "TOPIC", defaultValue = ScorerSettings.FRAMES, description = "Frames topic (default: ${DEFAULT-VALUE}).")
    String frames;

    @Option(names = "--scores", paramLabel = "TOPIC", defaultValue = ScorerSettings.SCORES, description = "Scores topic (default: ${DEFAULT-VALUE}).")
    String scores;

    @Option(names = "--dead-letters", paramLabel = "TOPIC", defaultValue = ScorerSettings.DEAD_LETTERS,
            description = "Where bad frames go (default: ${DEFAULT-VALUE}).")
    String deadLetters;

    @Option(names = "--control-topic", paramLabel = "TOPIC", defaultValue = ScorerSettings.CONTROL,
            description = "Compacted threshold control topic (default: ${DEFAULT-VALUE}).")
    String control;

    @Option(names = "--group", paramLabel = "GROUP", defaultValue = ScorerSettings.GROUP,
            description = "Consumer group the scorers share (default: ${DEFAULT-VALUE}).")
    String group;

    @Option(names = "--instance-id", paramLabel = "ID", description = "This instance, stable across restarts (default: the host name).")
    String instanceId;

    @Option(names = "--max-batch", paramLabel = "N", defaultValue = "64", description = "Frames per batch at most (default: ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--max-delay-ms", paramLabel = "MS", defaultValue = "5",
            description = "Longest wait after a batch's first frame, ms (default: ${DEFAULT-VALUE}).")
    long maxDelayMs;

    @Option(names = "--map-grid", paramLabel = "N", defaultValue = "8",
            description = "Side of the localisation map, 0 = none (default: ${DEFAULT-VALUE}).")
    int mapGrid;

    @Option(names = "--maps", paramLabel = "alarms|all", defaultValue = "alarms",
            description = "Which frames get a map: alarms (frames flagged anomalous; a map costs a backward pass,"
                    + " several times the score's own cost) or all (default: ${DEFAULT-VALUE}).")
    String maps;

    @Option(names = "--map-method", paramLabel = "gradient-mean|gradient|restoration|combined",
            defaultValue = "gradient-mean",
            description = "How a map is drawn: gradient-mean (the gradient map and the frame's difference from the mean"
                    + " normal image that the model's feature density keeps, each in units of its own mean; the"
                    + " gradient map alone without one: the cost of one backward pass), gradient (the energy's slope at"
                    + " the frame, one backward pass), restoration (how far each pixel moves in 20 steps down the energy: 20 backward passes) or"
                    + " combined (the two added, and the frame's difference from the mean normal image when the"
                    + " model's feature density keeps one, each in units of its own mean: the cost of restoration, the"
                    + " best of the three on the one-class benchmarks' defects) (default: ${DEFAULT-VALUE}).")
    String mapMethod;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "4",
            description = "Partitions of the frames and scores topics when created here (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--http-host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Interface of the threshold endpoint (default: ${DEFAULT-VALUE}; other than loopback needs --http-token-file).")
    String httpHost;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "9410",
            description = "Port of the threshold endpoint, 0 = any free, -1 = none (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--http-token-file", paramLabel = "FILE", description = "A file holding the endpoint's bearer token.")
    Path tokenFile;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "9401",
            description = "Prometheus endpoint port, 0 = any free port (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(names = "--plan-timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "--follow-run: seconds to wait for the run's plan and first energy (default: ${DEFAULT-VALUE}).")
    long planTimeout;

    @Mixin
    NormalImagesOptions normalImages = new NormalImagesOptions();

    @Mixin
    EngineOptions engine = new EngineOptions();

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE", description = "Any Kafka client property (repeatable).")
    Map<String, String> properties = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        engine.apply();
        normalImages.check();
        if (normalImages.given() && source.model != null) {
            throw new UsageError("--normal goes with --follow-run: a model directory carries its own feature density "
                    + "(dxmi feature-density --model " + source.model + " --normal " + normalImages.normal + ")");
        }
        SnapshotDensity density = snapshotDensity();
        String token = tokenFile == null ? null : Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
        String id = instanceId != null ? instanceId : InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
        ScorerSettings settings = ScorerSettings.defaults(id).withTopics(frames, scores)
                .withGroup(group, control, deadLetters).withBatching(maxBatch, Duration.ofMillis(maxDelayMs))
                .withMaps(mapGrid, mapFrames()).withMapMethod(mapMethod()).withHttp(httpHost, httpPort, token).withPartitions(partitions);
        KafkaSettings kafka = KafkaSettings.builder().setBootstrapServers(bootstrap).optClientIdPrefix("dxmi-" + NAME)
                .optProperties(properties).build();
        Metrics metrics = Metrics.create(NAME);
        int port = metrics.startHttp(metricsPort);
        AnomalyScorerVerticle.Builder b = AnomalyScorerVerticle.builder().setSettings(settings).setKafka(kafka)
                .setMetrics(metrics).optPlanTimeout(Duration.ofSeconds(planTimeout));
        AnomalyScorerVerticle verticle = source.model != null ? b.optModelDirectory(source.model).build()
                : b.optFollowRun(source.run).optSnapshotDensity(density).build();
        Vertx vertx = Vertx.vertx();
        String deployment;
        try {
            deployment = vertx.deployVerticle(verticle).toCompletionStage().toCompletableFuture().get();
        } catch (ExecutionException e) {
            vertx.close();
            metrics.close();
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        GracefulShutdown shutdown = new GracefulShutdown(Duration.ofSeconds(30));
        shutdown.registerVertx(vertx).registerDeployment(vertx, deployment).register("metrics", metrics::close)
                .register("latch", stopped::countDown).installHook();
        System.err.println(NAME + " " + settings.transactionalId() + " scoring " + frames + " -> " + scores
                + "; metrics at http://localhost:" + port + "/metrics"
                + (verticle.httpPort() > 0 ? "; threshold at http://" + httpHost + ":" + verticle.httpPort()
                        + "/threshold" : ""));
        while (!stopped.await(1, TimeUnit.SECONDS)) {
            if (!verticle.isRunning()) {
                System.err.println(NAME + ": the scoring loop stopped (see the log); exiting");
                shutdown.uninstallHook();
                shutdown.shutdown();
                return 1;
            }
        }
        return 0;
    }

    /** The normal images each followed snapshot's density is fitted on, or null. */
    private SnapshotDensity snapshotDensity() throws Exception {
        if (!normalImages.given()) {
            return null;
        }
        ImagePools pools = normalImages.load();
        return new SnapshotDensity(pools.normal().shape(), pools.normal().rows(), normalImages.source(),
                normalImages.shrinkage, normalImages.views());
    }

    private ScorerSettings.MapMethod mapMethod() {
        return switch (mapMethod) {
            case "gradient-mean" -> ScorerSettings.MapMethod.GRADIENT_MEAN;
            case "gradient" -> ScorerSettings.MapMethod.GRADIENT;
            case "restoration" -> ScorerSettings.MapMethod.RESTORATION;
            case "combined" -> ScorerSettings.MapMethod.COMBINED;
            default -> throw new UsageError("--map-method must be gradient-mean, gradient, restoration or combined, got '" + mapMethod
                    + "'");
        };
    }

    private ScorerSettings.MapFrames mapFrames() {
        return switch (maps) {
            case "alarms" -> ScorerSettings.MapFrames.ALARMS;
            case "all" -> ScorerSettings.MapFrames.ALL;
            default -> throw new UsageError("--maps must be alarms or all, got '" + maps + "'");
        };
    }
}
