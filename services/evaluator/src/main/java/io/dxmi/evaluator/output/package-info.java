/**
 * A run's final model from its snapshots: the model directory ({@code model.json} + {@code weights.dxt}) that
 * {@code dxmi sample} and {@code dxmi energy} load, {@code samples.csv}, the figures and {@code result.json},
 * written by the run's evaluator at the end of a distributed run, by the embedded {@code dxmi run}, and by
 * {@code dxmi export} for a run finished or still going.
 */
package io.dxmi.evaluator.output;
