/** The {@code dxmi} command line: thin wrappers over the jobs of {@code io.dxmi.core.job}. */
package io.dxmi.cli;
