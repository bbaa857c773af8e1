/**
 * Transport of blobs of any size (weight snapshots) over Kafka without a shared file system: chunks plus a compacted manifest topic, reassembly with a SHA-256 check before delivery.
 */
package io.dxmi.platform.snapshot;
