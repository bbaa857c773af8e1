package io.dxmi.platform.snapshot;

import java.util.HexFormat;
import java.util.Map;

/**
 * Describes one published blob: what it is, how to find its chunks and how to check it.
 *
 * @param name the blob's name (for example a model name); the manifest topic is compacted by it
 * @param version monotonically increasing per name; the newest wins
 * @param size total bytes
 * @param count number of chunks
 * @param sha256 SHA-256 of the whole blob, checked before a blob is handed over
 * @param attributes free-form metadata (for example step, loss, schema of the content)
 * @param chunkTopic the topic holding the chunks
 * @param chunkPartition the partition holding them (one key, so one partition)
 * @param firstOffset the offset of the first chunk, where a reader starts
 * @param inline the whole blob when it travels in the manifest (small blobs), else null
 */
public record BlobManifest(String name, long version, long size, int count, byte[] sha256,
    Map<String, String> attributes, String chunkTopic, int chunkPartition, long firstOffset, byte[] inline) {

  /** A manifest of a chunked blob. */
  public BlobManifest(String name, long version, long size, int count, byte[] sha256, Map<String, String> attributes,
      String chunkTopic, int chunkPartition, long firstOffset) {
    this(name, version, size, count, sha256, attributes, chunkTopic, chunkPartition, firstOffset, null);
  }

  /** Copies the attributes so the manifest stays immutable. */
  public BlobManifest {
    attributes = Map.copyOf(attributes);
  }

  /** The chunk key of this blob, {@code <name>/<version>}. */
  public String chunkKey() {
    return ChunkedBlobs.chunkKey(name, version);
  }

  /** The digest in hex, for logs. */
  public String sha256Hex() {
    return HexFormat.of().formatHex(sha256);
  }

  @Override
  public String toString() {
    String where = inline != null ? "inline" : count + " chunks at " + chunkTopic + "-" + chunkPartition + "@"
        + firstOffset;
    return "BlobManifest{" + name + " v" + version + ", " + size + " B " + where + ", sha256=" + sha256Hex() + ", "
        + attributes + "}";
  }
}
