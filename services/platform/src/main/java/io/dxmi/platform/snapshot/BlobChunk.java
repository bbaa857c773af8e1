package io.dxmi.platform.snapshot;

/**
 * One piece of a blob, a record of the blob's topic keyed {@code <name>/<version>}.
 *
 * @param name the blob's name
 * @param version the blob's version
 * @param index 0-based position
 * @param count number of chunks of the blob
 * @param data the bytes of this piece
 */
public record BlobChunk(String name, long version, int index, int count, byte[] data) {}
