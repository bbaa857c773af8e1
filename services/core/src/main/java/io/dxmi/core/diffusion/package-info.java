/**
 * Diffusion models: the DDPM noise schedule and ε-prediction pretraining, and the few-step
 * sampler (the DxMI policy) derived from a pretrained model, with one learnable log σ per step.
 */
package io.dxmi.core.diffusion;
