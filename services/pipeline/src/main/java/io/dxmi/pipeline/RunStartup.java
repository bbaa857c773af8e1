package io.dxmi.pipeline;

import io.dxmi.platform.config.KafkaSettings;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How a process of a run starts: it waits, off any event loop, for the run's plan (a service may well be started
 * before {@code dxmi submit}), says so once, shows its progress, and ends with one line when the plan does not
 * come. It creates nothing: a mistyped {@code --run} leaves no topics behind.
 */
public final class RunStartup {

    /** No plan arrived within the timeout. */
    public static final class NoPlan extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public NoPlan(String message) {
            super(message);
        }
    }

    /** The run was stopped with {@code dxmi runs stop}; nothing to do. */
    public static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Stopped(String message) {
            super(message);
        }
    }

    /** How often the waiting process says it is still waiting. */
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(30);

    private RunStartup() {}

    /** The run's stop mark as an exception to throw or report, or null when the run is not stopped. */
    public static Stopped stopMark(RunCatalog catalog, String run) {
        RunCatalog.Stop stop = catalog.spec(run).map(RunCatalog.Spec::stop).orElse(null);
        return stop == null ? null : new Stopped("run '" + run + "' was stopped ('" + stop.reason()
                + "'); nothing to do");
    }

    /**
     * Waits for the plan of {@code run}.
     *
     * @param who what is waiting, for the messages ("ebm-learner")
     * @param log where the waiting is reported (one line when it starts, one every 30 s)
     * @throws NoPlan when none came within {@code timeout}, naming the runs that exist
     * @throws Stopped when the run was stopped
     */
    public static RunPlan awaitPlan(KafkaSettings settings, String run, Duration timeout, String who,
            PrintStream log) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long nextProgress = start + PROGRESS_EVERY.toNanos();
        boolean announced = false;
        try (RunCatalog catalog = new RunCatalog(settings, Duration.ofSeconds(30))) {
            while (true) {
                Optional<RunCatalog.Spec> spec = catalog.spec(run);
                if (spec.isPresent() && spec.get().stop() != null) {
                    throw new Stopped("run '" + run + "' was stopped ('" + spec.get().stop().reason()
                            + "'); nothing to do");
                }
                if (spec.isPresent() && spec.get().plan() != null) {
                    if (announced) {
                        log.println(who + ": the plan of run '" + run + "' arrived");
                    }
                    return spec.get().plan();
                }
                long now = System.nanoTime();
                if (now >= deadline) {
                    List<String> runs = catalog.runs();
                    throw new NoPlan("no plan for run '" + run + "' on " + settings.bootstrapServers() + " after "
                            + timeout.toSeconds() + " s (" + (runs.isEmpty() ? "the cluster holds no runs"
                                    : "runs there: " + String.join(", ", runs))
                            + "; start it with 'dxmi submit --run " + run + "', or raise --plan-timeout)");
                }
                if (!announced) {
                    log.println(who + ": waiting for the plan of run '" + run + "' on " + settings.bootstrapServers()
                            + " (start it with 'dxmi submit'; giving up after " + timeout.toSeconds() + " s)");
                    announced = true;
                } else if (now >= nextProgress) {
                    log.println(who + ": still waiting for run '" + run + "' ("
                            + Duration.ofNanos(now - start).toSeconds() + " s of " + timeout.toSeconds() + " s)");
                    nextProgress += PROGRESS_EVERY.toNanos();
                }
                Thread.sleep(Math.min(1000, Math.max(1, (deadline - now) / 1_000_000)));
            }
        }
    }
}
