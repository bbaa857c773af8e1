/**
 * The sampler-actor service: holds the newest policy and rolls out trajectory batches with it.
 * Nothing durable; any number can run.
 */
package io.dxmi.sampleractor;
