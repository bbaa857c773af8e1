/**
 * Evaluation of samplers and energies: the method page's protocol for vectors (SW, energy AUC)
 * and, for images, FD, precision and recall on the project's classifier features.
 */
package io.dxmi.core.eval;
