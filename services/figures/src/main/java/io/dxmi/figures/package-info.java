/**
 * A run's PNG figures, drawn with JFreeChart from the method's data and written atomically:
 * samples over the learned energy (Fig. 2), the value at every step (Fig. 3), true against
 * learned energy for the built-in 2D sets, metric curves over training, and a grid of generated
 * images for image data. {@link io.dxmi.figures.RunFigures} writes all of them into a run's
 * {@code figures/} directory and names them once ({@link io.dxmi.figures.RunFigures#NAMES}): the
 * dashboard serves exactly those files. The method's module (core) does not depend on this one;
 * the programs that run the method pass {@link io.dxmi.figures.RunFigures} in as its
 * {@link io.dxmi.core.job.EvaluationListener}.
 */
package io.dxmi.figures;
