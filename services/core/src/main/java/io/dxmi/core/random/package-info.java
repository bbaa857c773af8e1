/** Reproducible randomness whose state is part of every checkpoint. */
package io.dxmi.core.random;
