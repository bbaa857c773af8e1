package io.dxmi.platform.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;

/**
 * Avro single-object encoding of {@link BlobChunk} and {@link BlobManifest} (schemas
 * {@code io.dxmi.platform.avro.BlobChunk/BlobManifest}, resources next to this platform).
 *
 * <p>Generic records rather than generated classes: the platform needs no code generation step and is not subject
 * to Avro's trusted-package check for generated classes. Single-object encoding puts the schema fingerprint in
 * each message, so a later schema version can add fields (with defaults) and still read old records.
 */
public final class BlobCodec {

  /** Chunk schema. */
  public static final Schema CHUNK_SCHEMA = load("BlobChunk.avsc");
  /** Manifest schema. */
  public static final Schema MANIFEST_SCHEMA = load("BlobManifest.avsc");
  /** The first manifest schema (before inline blobs); records written with it stay readable. */
  public static final Schema MANIFEST_SCHEMA_V1 = load("BlobManifest.v1.avsc");

  private static final BinaryMessageEncoder<GenericRecord> CHUNK_ENC =
      new BinaryMessageEncoder<>(GenericData.get(), CHUNK_SCHEMA);
  private static final BinaryMessageDecoder<GenericRecord> CHUNK_DEC =
      new BinaryMessageDecoder<>(GenericData.get(), CHUNK_SCHEMA);
  private static final BinaryMessageEncoder<GenericRecord> MANIFEST_ENC =
      new BinaryMessageEncoder<>(GenericData.get(), MANIFEST_SCHEMA);
  private static final BinaryMessageDecoder<GenericRecord> MANIFEST_DEC =
      new BinaryMessageDecoder<>(GenericData.get(), MANIFEST_SCHEMA);

  static {
    MANIFEST_DEC.addSchema(MANIFEST_SCHEMA_V1);
  }

  private BlobCodec() {
  }

  /** Encodes a chunk. */
  public static byte[] encode(BlobChunk c) {
    GenericRecord r = new GenericData.Record(CHUNK_SCHEMA);
    r.put("name", c.name());
    r.put("version", c.version());
    r.put("index", c.index());
    r.put("count", c.count());
    r.put("data", ByteBuffer.wrap(c.data()));
    return bytes(CHUNK_ENC, r);
  }

  /** Decodes a chunk; {@link IOException} on bytes that are not a chunk. */
  public static BlobChunk decodeChunk(byte[] bytes) throws IOException {
    GenericRecord r = CHUNK_DEC.decode(bytes);
    return new BlobChunk(r.get("name").toString(), (Long) r.get("version"), (Integer) r.get("index"),
        (Integer) r.get("count"), toBytes((ByteBuffer) r.get("data")));
  }

  /** Encodes a manifest. */
  public static byte[] encode(BlobManifest m) {
    GenericRecord r = new GenericData.Record(MANIFEST_SCHEMA);
    r.put("name", m.name());
    r.put("version", m.version());
    r.put("size", m.size());
    r.put("count", m.count());
    r.put("sha256", ByteBuffer.wrap(m.sha256()));
    r.put("attributes", new HashMap<>(m.attributes()));
    r.put("chunkTopic", m.chunkTopic());
    r.put("chunkPartition", m.chunkPartition());
    r.put("firstOffset", m.firstOffset());
    r.put("inline", m.inline() == null ? null : ByteBuffer.wrap(m.inline()));
    return bytes(MANIFEST_ENC, r);
  }

  /** Decodes a manifest; {@link IOException} on bytes that are not a manifest. */
  public static BlobManifest decodeManifest(byte[] bytes) throws IOException {
    GenericRecord r = MANIFEST_DEC.decode(bytes);
    Map<String, String> attrs = new HashMap<>();
    ((Map<?, ?>) r.get("attributes")).forEach((k, v) -> attrs.put(k.toString(), v.toString()));
    return new BlobManifest(r.get("name").toString(), (Long) r.get("version"), (Long) r.get("size"),
        (Integer) r.get("count"), toBytes((ByteBuffer) r.get("sha256")), attrs, r.get("chunkTopic").toString(),
        (Integer) r.get("chunkPartition"), (Long) r.get("firstOffset"),
        r.get("inline") == null ? null : toBytes((ByteBuffer) r.get("inline")));
  }

  private static byte[] bytes(BinaryMessageEncoder<GenericRecord> enc, GenericRecord r) {
    try {
      return toBytes(enc.encode(r));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] toBytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  private static Schema load(String file) {
    try (InputStream in = BlobCodec.class.getResourceAsStream("/io/dxmi/platform/avro/" + file)) {
      if (in == null) {
        throw new IllegalStateException("Missing Avro schema resource " + file);
      }
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
