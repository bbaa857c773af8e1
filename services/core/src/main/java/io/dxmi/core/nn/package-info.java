/**
 * The networks, as functions over named weights ({@link io.dxmi.core.engine.ParameterSet}):
 * the sinusoidal time embedding, time-conditioned MLPs for vectors, and for images the DDPM
 * {@link io.dxmi.core.nn.UNet} (built on {@link io.dxmi.core.nn.GroupNorm}, which DJL lacks)
 * and the convolutional energy {@link io.dxmi.core.nn.ConvEnergy}. {@link io.dxmi.core.nn.NetworkConfig}
 * is the architecture saved with every model. All convolutions go through
 * {@link io.dxmi.core.nn.Layers#convolve}, which works around wrong libtorch CPU results at some
 * channel widths.
 */
package io.dxmi.core.nn;
