package io.dxmi.core.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import java.util.function.BinaryOperator;

/**
 * Tensors made from Java values whose memory belongs to the engine: the only way this project
 * turns Java arrays and Java numbers into NDArrays.
 *
 * <p>Why: on the CPU, DJL's PyTorch {@code NDManager.create(float[], …)} does not copy. The tensor
 * points into a direct ByteBuffer that only the Java NDArray object keeps alive; once that object
 * is closed, the buffer is freed by the next garbage collection, and {@code malloc} hands its
 * memory to the next allocation. Anything that still reads the tensor's storage then reads
 * whatever lies there: a view of it ({@code get}, {@code reshape}) attached elsewhere, or the
 * autograd graph, which keeps a step's inputs for the backward pass. Usually the memory is reused
 * by an array of almost the same values, so the damage is a rare, tiny, timing-dependent
 * difference: two runs with one seed part (more often with several trainings in one process,
 * where collections and allocations interleave differently). A copy into the engine's own
 * storage has no such lifetime: it lives as long as the tensor does. For the same reason values
 * are loaded into an existing tensor by copying them into its storage ({@link #copyInto}), never by
 * {@code NDArray.set(Buffer)}, which makes the tensor point into a Java buffer.
 *
 * <p>DJL's arithmetic with a Java number ({@code x.mul(2f)}, {@code x.div(c)}) has the same flaw: it
 * wraps the number in such a tensor and closes it at once, while the autograd graph keeps it for
 * the backward pass, which then multiplies the gradient by whatever the freed memory holds.
 * {@link #mul} and {@link #div} take the number as an engine-owned tensor instead. The
 * architecture rules forbid the flawed calls everywhere else.
 */
public final class OwnedArrays {

    /** Every element of a tensor, for in-place copies. */
    private static final NDIndex ALL = new NDIndex("...");

    private OwnedArrays() {}

    /** A tensor of {@code shape} holding a copy of {@code values}, attached to {@code manager}. */
    public static NDArray create(NDManager manager, float[] values, Shape shape) {
        try (NDArray aliasing = manager.create(values, shape)) {
            return aliasing.duplicate();
        }
    }

    /** A one-dimensional tensor holding a copy of {@code values}, attached to {@code manager}. */
    public static NDArray create(NDManager manager, float[] values) {
        return create(manager, values, new Shape(values.length));
    }

    /**
     * Overwrites {@code target}'s values in place (its storage, and every view of it, sees them), without
     * recording gradients on this thread.
     */
    public static void copyInto(NDArray target, float[] values) {
        if (values.length != target.size()) {
            throw new IllegalArgumentException("cannot copy " + values.length + " values into a tensor of shape "
                    + target.getShape());
        }
        DjlRuntime.noGradientsOnThisThread();
        // The one safe use of DJL's aliasing create: the copy is made at once, nothing records it, and the
        // alias is closed before its buffer can be collected (an owned copy first would copy twice).
        try (NDArray aliasing = target.getManager().create(values, target.getShape())) {
            target.set(ALL, aliasing);
        }
    }

    /** Overwrites {@code target}'s values in place with those of {@code source} (same shape). */
    public static void copyInto(NDArray target, NDArray source) {
        DjlRuntime.noGradientsOnThisThread();
        target.set(ALL, source);
    }

    /** {@code x · c}, safe in a graph that is differentiated later (the result is attached like {@code x.mul}'s). */
    public static NDArray mul(NDArray x, float c) {
        return withConstant(x, c, NDArray::mul);
    }

    /** {@code x + c}, safe in a graph that is differentiated later. */
    public static NDArray add(NDArray x, float c) {
        return withConstant(x, c, NDArray::add);
    }

    /** {@code x / c}, safe in a graph that is differentiated later. */
    public static NDArray div(NDArray x, float c) {
        return withConstant(x, c, NDArray::div);
    }

    /** {@code x ← x · c} in place (no gradient). */
    public static NDArray muli(NDArray x, float c) {
        return withConstant(x, c, NDArray::muli);
    }

    /** {@code max(x, c)} elementwise. */
    public static NDArray maximum(NDArray x, float c) {
        return withConstant(x, c, NDArray::maximum);
    }

    /** {@code min(x, c)} elementwise. */
    public static NDArray minimum(NDArray x, float c) {
        return withConstant(x, c, NDArray::minimum);
    }

    /**
     * {@code op(x, c)} with {@code c} as a 0-d tensor of {@code x}'s type and device in engine-owned
     * memory: closing it here only drops this handle; a graph that keeps it keeps its storage.
     */
    private static NDArray withConstant(NDArray x, float c, BinaryOperator<NDArray> op) {
        try (NDArray constant = x.getManager().full(new Shape(), c, x.getDataType())) {
            return op.apply(x, constant);
        }
    }
}
