/** Time-conditioned networks: sinusoidal time embedding and MLPs for vector data. */
package io.dxmi.core.nn;
