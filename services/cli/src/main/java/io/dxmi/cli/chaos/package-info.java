/**
 * Fault injection for a run that is going on: bad records of every kind on every topic the
 * services read ({@link io.dxmi.cli.chaos.BadRecords}), and the command that sends them
 * ({@link io.dxmi.cli.chaos.ChaosTool}, used by {@code scripts/fuzz-topics} and
 * {@code scripts/chaos}). Blocking, on the caller's thread.
 */
package io.dxmi.cli.chaos;
