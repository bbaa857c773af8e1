package io.dxmi.cli;

import io.dxmi.dashboard.DashboardSettings;
import io.dxmi.dashboard.DashboardVerticle;
import io.dxmi.pipeline.RunConnectionOptions;
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

/** {@code dxmi dashboard}: the live browser dashboard of a run on any Kafka cluster, as its own process. */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = {"Serve the live browser dashboard of a run: its plan, the evaluator's reports, every given",
            "service's Prometheus endpoint and the evaluator's figures. Runs until stopped (Ctrl-C or SIGTERM)."})
final class DashboardCommand implements Callable<Integer> {

    @Mixin
    RunConnectionOptions kafka;

    @Option(names = "--port", defaultValue = "" + DashboardLauncher.DEFAULT_PORT, paramLabel = "PORT",
            description = "HTTP port; a free port when it is taken; 0 = any free port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = DashboardSettings.DEFAULT_HOST, paramLabel = "ADDRESS",
            description = "Interface to listen on; 0.0.0.0 = every interface (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--run-dir", paramLabel = "DIR",
            description = "The run directory, whose figures/ the page shows (the evaluator's --out).")
    Path runDir;

    @Option(names = "--metrics-endpoint", paramLabel = "NAME=URL",
            description = "A service's Prometheus endpoint, e.g. value-learner=http://host:9400/metrics (repeatable).")
    Map<String, String> endpoints = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        Checks.port("--port", port);
        DashboardSettings.Builder settings;
        try {
            settings = DashboardSettings.builder().setRun(kafka.run()).setKafka(kafka.settings("dxmi-dashboard"))
                    .optHost(host).optRunDir(runDir);
            endpoints.forEach((name, url) -> {
                try {
                    settings.optEndpoint(name, URI.create(url));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--metrics-endpoint " + name + "=" + url + ": "
                            + e.getMessage(), e);
                }
            });
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage(), e);
        }
        kafka.cluster().probe();
        Vertx vertx = Vertx.vertx();
        DashboardVerticle dashboard;
        try {
            dashboard = DashboardLauncher.start(vertx, settings, port, System.err);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("the dashboard did not start: " + DxmiCommand.describe(
                    e.getCause() != null ? e.getCause() : e), e);
        }
        System.err.println("dashboard of run '" + kafka.run() + "': " + dashboard.url());
        CountDownLatch stopped = new CountDownLatch(1);
        GracefulShutdown shutdown = new GracefulShutdown(Duration.ofSeconds(10));
        shutdown.registerVertx(vertx).register("stop", stopped::countDown).installHook();
        stopped.await();
        return 0;
    }
}
