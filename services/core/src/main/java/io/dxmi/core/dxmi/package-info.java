/**
 * The DxMI method (Yoon et al., NeurIPS 2024): the few-step policy, the energy and value
 * functions, adaptive velocity regularisation, the losses, and the synchronous trainer of
 * Algorithm 1 with exact checkpoints and a non-finite guard. The method is described in docs/method.md.
 */
package io.dxmi.core.dxmi;
