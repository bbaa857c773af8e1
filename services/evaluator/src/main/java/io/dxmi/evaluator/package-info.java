/**
 * The evaluator service: follows the newest policy and EBM snapshots, runs its metric plug-ins
 * ({@link io.dxmi.evaluator.api}) every few policy versions, and publishes evaluation reports.
 * Any number can run, each reading the snapshots independently: the run's own
 * ({@link io.dxmi.evaluator.EvaluatorVerticle}, {@code dxmi service evaluator}) and separate
 * processes built on {@link io.dxmi.evaluator.ExternalEvaluatorCommand}.
 */
package io.dxmi.evaluator;
