package io.dxmi.platform.lifecycle;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.concurrent.TimeoutException;

/**
 * Closes a process's resources in reverse order of registration (consumers before producers before the broker
 * before Vert.x), each step bounded by what is left of one overall timeout, once: on SIGTERM/SIGINT through a JVM
 * shutdown hook ({@link #installHook()}), or when {@link #shutdown()} is called. A step that fails or times out is
 * logged and the next one still runs, so one stuck resource cannot keep the others open.
 */
public final class GracefulShutdown {

    private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);

    private final Duration timeout;
    private final Deque<Step> steps = new ArrayDeque<>();
    private Thread hook;
    private boolean done;

    private record Step(String name, Supplier<Future<?>> closer) {
    }

    /** A shutdown sequence whose steps together may take at most {@code timeout}. */
    public GracefulShutdown(Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** Registers an asynchronous step; later registrations run first. */
    public synchronized GracefulShutdown register(String name, Supplier<Future<?>> closer) {
        steps.push(new Step(name, closer));
        return this;
    }

    /** Registers a blocking resource; later registrations run first. */
    public GracefulShutdown register(String name, AutoCloseable resource) {
        return register(name, () -> {
            try {
                resource.close();
                return Future.succeededFuture();
            } catch (Exception e) {
                return Future.failedFuture(e);
            }
        });
    }

    /** Registers the undeployment of a verticle. */
    public GracefulShutdown registerDeployment(Vertx vertx, String deploymentId) {
        return register("undeploy " + deploymentId, () -> vertx.undeploy(deploymentId));
    }

    /** Registers closing Vert.x itself (undeploys whatever is left); register it first so that it runs last. */
    public GracefulShutdown registerVertx(Vertx vertx) {
        return register("vertx", vertx::close);
    }

    /** Installs the JVM shutdown hook (SIGTERM, SIGINT, normal exit); idempotent. */
    public synchronized GracefulShutdown installHook() {
        if (hook == null) {
            hook = new Thread(this::shutdown, "graceful-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
        }
        return this;
    }

    /**
     * Runs the steps now, in reverse order, blocking; later calls do nothing. Must not run on an event loop: the
     * steps' futures complete there.
     */
    public void shutdown() {
        Deque<Step> todo;
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
            todo = new ArrayDeque<>(steps);
            steps.clear();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Step s : todo) {
            long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            long t0 = System.nanoTime();
            try {
                Future<?> f = s.closer().get();
                f.await(left, TimeUnit.MILLISECONDS);
                LOG.info("Shutdown: {} done in {} ms", s.name(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            } catch (TimeoutException e) {
                LOG.warn("Shutdown: {} did not finish within {} ms; continuing", s.name(), left);
            } catch (Exception e) {
                LOG.warn("Shutdown: {} failed: {}", s.name(), e.toString());
            }
        }
    }

    /** Removes the hook (for tests and for processes that shut down by themselves); idempotent. */
    public synchronized void uninstallHook() {
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Already shutting down: the hook is running.
            }
            hook = null;
        }
    }
}
