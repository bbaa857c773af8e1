package io.dxmi.core.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Records gradients on the calling thread only, so that several threads of one process can
 * train independent networks at the same time.
 *
 * <p>DJL's {@code PtGradientCollector} allows one open collector per process (a static flag),
 * which would serialise two learners in one JVM. What it wraps is per-thread in PyTorch: grad
 * mode is thread-local and a backward pass over a graph of the calling thread's tensors runs on
 * that thread. This scope does the same two things (grad mode on, then restored; backward with
 * a ones seed) without the process-wide flag. Networks trained concurrently must not share
 * parameters; each learner has its own model.
 *
 * <pre>{@code
 * try (GradientRecorder g = GradientRecorder.open()) {
 *     NDArray loss = ...;
 *     g.backward(loss);
 * }
 * }</pre>
 */
public final class GradientRecorder implements AutoCloseable {

    private final boolean previous;

    private GradientRecorder() {
        previous = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
    }

    /** Turns gradient recording on for the calling thread until {@link #close()}. */
    public static GradientRecorder open() {
        return new GradientRecorder();
    }

    /** Accumulates d(target)/d(parameter) into the gradients of the parameters that require them. */
    public void backward(NDArray target) {
        try (NDArray seed = target.getManager().ones(target.getShape(), target.getDataType())) {
            JniUtils.backward((PtNDArray) target, (PtNDArray) seed, false, false);
        }
    }

    /** Restores the thread's previous grad mode. */
    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
