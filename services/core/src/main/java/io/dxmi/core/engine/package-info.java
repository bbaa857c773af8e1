/**
 * Thin layer over DJL's NDArrays: named parameter sets, an Adam optimizer whose state can be
 * checkpointed, the engine set-up (threads, offline natives), PyTorch kernels that DJL does not expose
 * ({@link io.dxmi.core.engine.FusedKernels}), and {@link io.dxmi.core.engine.OwnedArrays},
 * the one way Java values become tensors (in the engine's own memory, never pointing into a
 * Java buffer that the garbage collector frees).
 */
package io.dxmi.core.engine;
