package io.dxmi.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.dxmi.platform.lifecycle.GracefulShutdown;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import org.junit.jupiter.api.Test;

/** Reverse-order shutdown with a time limit, around a worker verticle that blocks. */
class LifecycleTest {

    /** A service's typed settings. */
    public record Settings(String name, int batch) {
    }

    static final List<String> EVENTS = new CopyOnWriteArrayList<>();

    /** A worker verticle that reads its typed config and blocks in start. */
    public static final class Blocking extends VerticleBase {
        @Override
        public Future<?> start() throws Exception {
            Settings s = context.config().mapTo(Settings.class);
            Thread.sleep(10); // allowed: worker thread
            EVENTS.add("start " + s.name() + " " + s.batch() + " worker=" + Vertx.currentContext().isWorkerContext());
            return super.start();
        }

        @Override
        public Future<?> stop() throws Exception {
            EVENTS.add("stop");
            return super.stop();
        }
    }

    @Test
    void deployAndShutDownInReverseOrder() throws Exception {
        Vertx vertx = Vertx.vertx();
        GracefulShutdown shutdown = new GracefulShutdown(Duration.ofSeconds(1));
        shutdown.registerVertx(vertx);
        shutdown.register("stuck", () -> Promise.promise().future()); // never completes: must not block the rest
        String id = vertx.deployVerticle(new Blocking(), new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)
                .setConfig(JsonObject.mapFrom(new Settings("actor", 64)))).await();
        shutdown.registerDeployment(vertx, id);
        assertEquals(List.of("start actor 64 worker=true"), EVENTS);
        shutdown.register("first", () -> {
            EVENTS.add("first");
            return Future.succeededFuture();
        });
        shutdown.installHook();
        shutdown.uninstallHook();
        long t0 = System.nanoTime();
        shutdown.shutdown();
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(3).toNanos());
        assertEquals(List.of("start actor 64 worker=true", "first", "stop"), EVENTS);
        assertFalse(vertx.deploymentIDs().contains(id));
    }
}
