/**
 * The evaluator service: follows the newest policy and EBM snapshots, measures SW and the energy
 * AUC every few policy versions, and publishes evaluation reports. Any number can run, each in
 * its own consumer group.
 */
package io.dxmi.evaluator;
