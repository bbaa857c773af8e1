/**
 * An example evaluator plug-in, {@link io.dxmi.examples.modecoverage.ModeCoverage}, and its
 * stand-alone process, {@link io.dxmi.examples.modecoverage.ModeCoverageMain}. See this module's
 * README.md for how to write and run a plug-in.
 */
package io.dxmi.examples.modecoverage;
