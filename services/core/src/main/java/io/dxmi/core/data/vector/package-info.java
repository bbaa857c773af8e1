/**
 * Synthetic vector data sets (3 to 8 dimensions) for the vector benchmark: generators, their
 * affine maps to user-like units and, where known, their exact log densities.
 */
package io.dxmi.core.data.vector;
