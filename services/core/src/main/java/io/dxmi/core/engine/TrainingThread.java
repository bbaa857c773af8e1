package io.dxmi.core.engine;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The thread on which one learner's gradient work runs, one after the other.
 *
 * <p>A learner's steps, checkpoints and model release go through its own training thread, so
 * that its native tensors are only ever touched by one thread and its steps keep their order.
 * Learners of one process (the embedded default runs every service in one JVM) each have their
 * own and train at the same time: gradients are recorded per thread ({@link GradientRecorder}).
 * Gradient recording is off on the thread between steps, as on every inference thread.
 */
public final class TrainingThread implements AutoCloseable {

    private final ExecutorService executor;

    private TrainingThread(String name) {
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        executor.execute(DjlRuntime::noGradientsOnThisThread);
    }

    /** Starts a training thread with the given thread name. */
    public static TrainingThread start(String name) {
        return new TrainingThread(name);
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

    /** Lets submitted work finish (up to a minute), then stops the thread. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
