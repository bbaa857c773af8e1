/** Evaluation metrics: sliced Wasserstein distance, ROC AUC, and mean ± std summaries. */
package io.dxmi.core.metrics;
