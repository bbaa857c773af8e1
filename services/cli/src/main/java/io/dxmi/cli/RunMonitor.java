package io.dxmi.cli;

import io.vertx.core.Future;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Watches every service of an embedded run, not only the one whose end marks the run's: a service that fails
 * ends the wait at once with a {@link ServiceFailed} that names it, and every wait has a limit, so the run
 * never waits forever for a service that is gone.
 */
final class RunMonitor {

    /** A watched service: its name and the future that completes when its part of the run is done. */
    record Service(String name, Future<Void> finished) {}

    /** A service of the run failed. */
    static final class ServiceFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ServiceFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final List<Service> services;
    private final Duration poll;

    RunMonitor(List<Service> services, Duration poll) {
        this.services = List.copyOf(services);
        this.poll = poll;
    }

    /**
     * Waits until {@code until} says yes, calling {@code tick} every poll interval.
     *
     * @throws ServiceFailed as soon as any watched service has failed
     * @throws TimeoutException when {@code timeout} passes first, naming what was awaited
     */
    void await(String what, BooleanSupplier until, Duration timeout, Runnable tick)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            checkAlive();
            if (until.getAsBoolean()) {
                checkAlive();
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("gave up waiting for " + what + " after " + timeout.toSeconds() + " s");
            }
            Thread.sleep(poll.toMillis());
            tick.run();
        }
    }

    /** Waits for one service's part of the run to be done, watching the others meanwhile. */
    void awaitService(Service s, Duration timeout, Runnable tick) throws InterruptedException, TimeoutException {
        await("the " + s.name(), () -> s.finished().isComplete(), timeout, tick);
    }

    /** @throws ServiceFailed naming the first watched service that failed */
    void checkAlive() {
        for (Service s : services) {
            if (s.finished().failed()) {
                Throwable c = s.finished().cause();
                throw new ServiceFailed("the " + s.name() + " failed: " + (c.getMessage() != null ? c.getMessage()
                        : c.toString()), c);
            }
        }
    }
}
