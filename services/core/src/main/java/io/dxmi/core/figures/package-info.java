/**
 * The paper's figures as PNG files, drawn with java.awt (headless) and written atomically:
 * samples over the learned energy (Fig. 2), the value at every step (Fig. 3), true against
 * learned energy for the built-in 2D sets, and metric curves over training.
 * {@link io.dxmi.core.figures.RunFigures} writes all of them into a run's {@code figures/}
 * directory; the file names are a contract with the dashboard that serves them.
 */
package io.dxmi.core.figures;
