package io.dxmi.platform.snapshot;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A verified blob: its manifest and its content, in memory ({@link #data()}) or in a spool file
 * ({@link #file()}), exactly one of the two.
 *
 * @param manifest what was published
 * @param data the content when assembled in memory, else null
 * @param file the content when assembled into a spool directory, else null (the caller owns and deletes it)
 */
public record AssembledBlob(BlobManifest manifest, byte[] data, Path file) {

  /** The content as bytes (reads the file when spooled). */
  public byte[] bytes() throws IOException {
    return data != null ? data : Files.readAllBytes(file);
  }

  /** The content as a stream. */
  public InputStream open() throws IOException {
    return data != null ? new ByteArrayInputStream(data) : Files.newInputStream(file);
  }
}
