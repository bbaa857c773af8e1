/**
 * Model artifacts on disk: the tensor archive format, the model manifest with provenance, and
 * the model directory that {@code dxmi sample} and {@code dxmi energy} read.
 */
package io.dxmi.core.model;
