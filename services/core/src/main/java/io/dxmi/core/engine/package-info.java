/**
 * Thin layer over DJL's NDArrays: named parameter sets, an Adam optimizer whose state can be
 * checkpointed, and the engine set-up (threads, offline natives).
 */
package io.dxmi.core.engine;
