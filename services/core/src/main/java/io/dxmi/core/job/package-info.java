/**
 * The project's long-running jobs as library calls: pretraining, DxMI training with periodic
 * evaluation, checkpoints and a result report, and the Table 1 reproduction. The command line
 * and the services call these; they know nothing of either.
 */
package io.dxmi.core.job;
