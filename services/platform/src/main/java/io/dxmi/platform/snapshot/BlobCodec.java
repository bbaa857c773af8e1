package io.dxmi.platform.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;

/**
 * Avro single-object encoding of {@link BlobChunk} (schema {@code io.dxmi.platform.avro.BlobChunk},
 * a resource of this module). Generic records: the platform needs no code generation step.
 * Decoding reads the byte array directly, so that a declared length beyond the record fails at
 * once instead of being allocated.
 */
public final class BlobCodec {

    /** Chunk schema. */
    public static final Schema CHUNK_SCHEMA = load("BlobChunk.avsc");

    private static final int HEADER = 10;
    private static final BinaryMessageEncoder<GenericRecord> ENCODER =
            new BinaryMessageEncoder<>(GenericData.get(), CHUNK_SCHEMA);
    private static final byte[] FINGERPRINT_HEADER = encode(new BlobChunk("", 0, 0, 0, new byte[0]));
    private static final GenericDatumReader<GenericRecord> READER = new GenericDatumReader<>(CHUNK_SCHEMA);

    private BlobCodec() {}

    /** Encodes a chunk. */
    public static byte[] encode(BlobChunk c) {
        try {
            ByteBuffer b = ENCODER.encode(chunkRecord(c));
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decodes a chunk; an {@link IOException} naming the problem for bytes that are not one. */
    public static BlobChunk decodeChunk(byte[] bytes) throws IOException {
        if (bytes == null || bytes.length < HEADER) {
            throw new IOException("not a blob chunk (" + (bytes == null ? "null" : bytes.length + " bytes") + ")");
        }
        for (int i = 0; i < HEADER; i++) {
            if (bytes[i] != FINGERPRINT_HEADER[i]) {
                throw new IOException("not a blob chunk (wrong header or schema)");
            }
        }
        try {
            GenericRecord r = READER.read(null, DecoderFactory.get().binaryDecoder(bytes, HEADER, bytes.length - HEADER,
                    null));
            ByteBuffer data = (ByteBuffer) r.get("data");
            byte[] out = new byte[data.remaining()];
            data.get(out);
            return new BlobChunk(r.get("name").toString(), (Long) r.get("version"), (Integer) r.get("index"),
                    (Integer) r.get("count"), out);
        } catch (IOException | RuntimeException e) {
            throw new IOException("malformed blob chunk: " + e, e);
        }
    }

    private static GenericRecord chunkRecord(BlobChunk c) {
        GenericRecord r = new GenericData.Record(CHUNK_SCHEMA);
        r.put("name", c.name());
        r.put("version", c.version());
        r.put("index", c.index());
        r.put("count", c.count());
        r.put("data", ByteBuffer.wrap(c.data()));
        return r;
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
