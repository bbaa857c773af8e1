/**
 * The metrics every evaluator computes, written as ordinary plug-ins: {@code sw} (sliced
 * Wasserstein distance) and {@code auc} (energy AUC), after the core's
 * {@link io.dxmi.core.eval.Evaluator}.
 */
package io.dxmi.evaluator.builtin;
