/**
 * Fault injection for a run that is going on: bad records of every kind on every topic the
 * services read ({@link io.dxmi.cli.chaos.BadRecords}), and the command that sends them
 * ({@link io.dxmi.cli.chaos.ChaosTool}, used by {@code scripts/fuzz-topics} and
 * {@code scripts/chaos}); bad frames for the anomaly scorer and the exactly-once check of its scores
 * ({@link io.dxmi.cli.chaos.FrameChaos}, used by {@code scripts/chaos-scorer}). Blocking, on the caller's
 * thread.
 */
package io.dxmi.cli.chaos;
