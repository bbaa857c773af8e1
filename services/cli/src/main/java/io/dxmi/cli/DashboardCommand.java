package io.dxmi.cli;

import io.dxmi.anomalyscorer.ScorerSettings;
import io.dxmi.dashboard.CameraViewSettings;
import io.dxmi.dashboard.DashboardSettings;
import io.dxmi.dashboard.DashboardVerticle;
import io.dxmi.pipeline.ClusterOptions;
import io.dxmi.pipeline.RunTopics;
import io.dxmi.platform.lifecycle.GracefulShutdown;
import io.vertx.core.Vertx;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code dxmi dashboard}: the live browser dashboard of a run, of the anomaly scorer's cameras, or of both, on any
 * Kafka cluster, as its own process.
 */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = {"Serve the live browser dashboard of a run (--run: its plan, the evaluator's reports, every given "
                + "service's Prometheus endpoint and the evaluator's figures), of the anomaly scorer's cameras "
                + "(--cameras: each camera's newest frame, score, decision and map, alarm rate, frames/s, latency), or "
                + "of both.",
            "Runs until stopped (Ctrl-C or SIGTERM)."})
final class DashboardCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--run", paramLabel = "RUN", description = "The run to show (its topics are dxmi.RUN.*).")
    String run;

    @Option(names = "--cameras", description = "Show the cameras view: the anomaly scorer's scores and frames.")
    boolean cameras;

    @Option(names = "--scores", paramLabel = "TOPIC",
            description = "With --cameras: the scores topic (default: " + ScorerSettings.SCORES + ").")
    String scoresTopic;

    @Option(names = "--frames", paramLabel = "TOPIC",
            description = "With --cameras: the frames topic (default: " + ScorerSettings.FRAMES + ").")
    String framesTopic;

    @Option(names = "--max-cameras", paramLabel = "N",
            description = "With --cameras: cameras shown at most (default: "
                    + CameraViewSettings.DEFAULT_MAX_CAMERAS + "); more are counted, not shown.")
    Integer maxCameras;

    @Option(names = "--window", paramLabel = "SECONDS",
            description = "With --cameras: the window of the alarm rate, frames/s and latency (default: 60).")
    Double windowSeconds;

    @Option(names = "--port", defaultValue = "" + DashboardLauncher.DEFAULT_PORT, paramLabel = "PORT",
            description = "HTTP port; a free port when it is taken; 0 = any free port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = DashboardSettings.DEFAULT_HOST, paramLabel = "ADDRESS",
            description = "Interface to listen on; 0.0.0.0 = every interface (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--run-dir", paramLabel = "DIR",
            description = "With --run: the run directory, whose figures/ the page shows (the evaluator's --out).")
    Path runDir;

    @Option(names = "--metrics-endpoint", paramLabel = "NAME=URL",
            description = "A service's Prometheus endpoint, e.g. value-learner=http://host:9400/metrics (repeatable).")
    Map<String, String> endpoints = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        Checks.port("--port", port);
        DashboardSettings.Builder settings = settings();
        cluster.probe();
        Vertx vertx = Vertx.vertx();
        DashboardVerticle dashboard;
        try {
            dashboard = DashboardLauncher.start(vertx, settings, port, System.err);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("the dashboard did not start: " + DxmiCommand.describe(
                    e.getCause() != null ? e.getCause() : e), e);
        }
        String what = run == null ? "cameras" : cameras ? "run '" + run + "' and cameras" : "run '" + run + "'";
        System.err.println("dashboard of " + what + ": " + dashboard.url());
        CountDownLatch stopped = new CountDownLatch(1);
        GracefulShutdown shutdown = new GracefulShutdown(Duration.ofSeconds(10));
        shutdown.registerVertx(vertx).register("stop", stopped::countDown).installHook();
        stopped.await();
        return 0;
    }

    /** Every flag checked before any work: a mistake is one line and exit 2. */
    private DashboardSettings.Builder settings() {
        if (run == null && !cameras) {
            throw new UsageError("dxmi dashboard shows a run, cameras or both: give --run RUN, --cameras, or both");
        }
        if (!cameras) {
            for (Object[] flag : new Object[][] {{"--scores", scoresTopic}, {"--frames", framesTopic},
                {"--max-cameras", maxCameras}, {"--window", windowSeconds}}) {
                if (flag[1] != null) {
                    throw new UsageError(flag[0] + " applies to the cameras view: add --cameras");
                }
            }
        }
        if (run == null && runDir != null) {
            throw new UsageError("--run-dir is a run's directory: add --run RUN");
        }
        try {
            if (run != null) {
                new RunTopics(run);
            }
            DashboardSettings.Builder settings = DashboardSettings.builder().setRun(run)
                    .setKafka(cluster.settings("dxmi-dashboard")).optHost(host).optRunDir(runDir);
            if (cameras) {
                settings.optCameras(cameraSettings());
            }
            endpoints.forEach((name, url) -> {
                try {
                    settings.optEndpoint(name, URI.create(url));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--metrics-endpoint " + name + "=" + url + ": "
                            + e.getMessage(), e);
                }
            });
            settings.build(); // every value checked now, not after the probe
            return settings;
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage(), e);
        }
    }

    private CameraViewSettings cameraSettings() {
        CameraViewSettings.Builder b = CameraViewSettings.builder();
        if (scoresTopic != null) {
            b.optScoresTopic(scoresTopic);
        }
        if (framesTopic != null) {
            b.optFramesTopic(framesTopic);
        }
        if (maxCameras != null) {
            if (maxCameras < 1 || maxCameras > CameraViewSettings.MAX_CAMERAS_LIMIT) {
                throw new IllegalArgumentException("--max-cameras must be 1-" + CameraViewSettings.MAX_CAMERAS_LIMIT
                        + ", got " + maxCameras);
            }
            b.optMaxCameras(maxCameras);
        }
        if (windowSeconds != null) {
            if (!(windowSeconds >= 1 && windowSeconds <= 86_400)) {
                throw new IllegalArgumentException("--window must be 1-86400 seconds, got " + windowSeconds);
            }
            b.optWindow(Duration.ofMillis(Math.round(windowSeconds * 1000)));
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw new IllegalArgumentException(m.startsWith("the scores topic") ? "--scores: " + m
                    : m.startsWith("the frames topic") ? "--frames: " + m : m, e);
        }
    }
}
