/** Evaluation of samplers and energies with the method page's protocol (SW, energy AUC). */
package io.dxmi.core.eval;
