package io.dxmi.platform.snapshot;

import java.util.HexFormat;

/**
 * Where one published blob is and how to check it: its bytes inline, or {@code chunkCount}
 * chunk records of at most {@code chunkSize} bytes on the blob's topic from
 * {@code firstChunkOffset} on. The service's own manifest record carries these facts
 * ({@link BlobReader.Format} reads them back).
 *
 * @param name the blob's name (for example a model); the topic's records of it are keyed by it
 * @param version the blob's version
 * @param size total bytes
 * @param sha256 SHA-256 of the whole blob (32 bytes), the one integrity check
 * @param inline the whole blob when small, else null
 * @param chunkCount number of chunks; 0 when inline
 * @param chunkSize bytes of every chunk but the last; 0 when inline
 * @param firstChunkOffset offset of chunk 0 on the topic; -1 when inline
 */
public record BlobRef(String name, long version, long size, byte[] sha256, byte[] inline, int chunkCount,
        int chunkSize, long firstChunkOffset) {

    /** The digest in hex, for manifests and logs. */
    public String sha256Hex() {
        return HexFormat.of().formatHex(sha256);
    }

    @Override
    public String toString() {
        String where = inline != null ? "inline" : chunkCount + " chunks from offset " + firstChunkOffset;
        return name + " v" + version + " (" + size + " B, " + where + ")";
    }
}
