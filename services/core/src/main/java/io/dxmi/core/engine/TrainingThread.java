package io.dxmi.core.engine;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The one thread of a process on which gradient work runs.
 *
 * <p>DJL's PyTorch engine allows a single open gradient collector per process, across all
 * threads; two learners in one JVM (the embedded default runs every service in one process)
 * must therefore take turns. Submitting every training step here serialises them without
 * locks. Inference (rollouts, evaluation) may run on any other thread.
 */
public final class TrainingThread {

    private static final TrainingThread SHARED = new TrainingThread();

    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "dxmi-training");
        t.setDaemon(true);
        return t;
    });

    private TrainingThread() {
        executor.execute(DjlRuntime::noGradientsOnThisThread);
    }

    /** The process-wide instance. */
    public static TrainingThread shared() {
        return SHARED;
    }

    /** Runs {@code work} on the training thread; the future completes with its result or failure. */
    public <T> CompletableFuture<T> submit(Callable<T> work) {
        CompletableFuture<T> f = new CompletableFuture<>();
        executor.execute(() -> {
            try {
                f.complete(work.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }
}
