package io.dxmi.core.job;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for a job's pooled task: its own exception comes back as it was thrown, not wrapped. */
final class TaskResults {

    private TaskResults() {}

    /**
     * The task's result; an {@link IOException} or unchecked exception of the task is rethrown as it is, an
     * interrupt while waiting becomes an {@link IOException} (the thread's flag set again).
     */
    static <T> T await(Future<T> task, String what) throws IOException {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + what, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }
}
