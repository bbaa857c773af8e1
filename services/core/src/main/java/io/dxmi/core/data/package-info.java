/** Training data: built-in 2D toy sets, CSV files of numeric rows, and evaluation boxes. */
package io.dxmi.core.data;
