/**
 * Evaluation metrics: sliced Wasserstein distance, ROC AUC and mean ± std summaries (vectors);
 * the Fréchet distance and k-NN precision/recall on feature vectors (images).
 */
package io.dxmi.core.metrics;
