package io.dxmi.cli;

import io.dxmi.dashboard.DashboardSettings;
import io.dxmi.dashboard.DashboardVerticle;
import io.vertx.core.Vertx;

import java.io.PrintStream;
import java.net.BindException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Deploys the dashboard on the asked port, or on any free port when that one is taken (so that a second run on
 * the same machine still gets a dashboard; the address printed is the one to open).
 */
final class DashboardLauncher {

    /** The default port of {@code --dashboard-port} and {@code dxmi dashboard --port}. */
    static final int DEFAULT_PORT = 8080;

    private DashboardLauncher() {}

    static DashboardVerticle start(Vertx vertx, DashboardSettings.Builder settings, int port, PrintStream log)
            throws Exception {
        try {
            return deploy(vertx, settings.optPort(port));
        } catch (ExecutionException e) {
            if (port == 0 || !(rootCause(e) instanceof BindException)) {
                throw e;
            }
            log.println("dashboard: port " + port + " is in use; using a free port instead");
            return deploy(vertx, settings.optPort(0));
        }
    }

    private static DashboardVerticle deploy(Vertx vertx, DashboardSettings.Builder settings) throws Exception {
        return DashboardVerticle.deploy(vertx, settings.build()).toCompletionStage().toCompletableFuture()
                .get(2, TimeUnit.MINUTES);
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
