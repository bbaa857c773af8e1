/**
 * Blobs of any size (weight snapshots) over Kafka without a shared file system: small ones inside
 * their manifest record, larger ones as chunks on the same topic before it; hashed once (SHA-256)
 * while they are cut, checked once before they are handed over, every declared size bounded
 * before anything is allocated. The manifest record is the service's own ({@link
 * io.dxmi.platform.snapshot.BlobReader.Format}).
 *
 * <p>Concurrency: publishing returns Vert.x {@code Future}s (state on one context); reading is
 * blocking by nature and runs on one thread per topic that the reader owns.
 */
package io.dxmi.platform.snapshot;
