package io.dxmi.pipeline;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named weights as a snapshot payload: magic {@code DXMW}, the tensor count, then per tensor its
 * name (length-prefixed UTF-8), its float count and the floats (little-endian). No hash of its
 * own: the snapshot record's SHA-256 is the one check. Decoding checks every declared count
 * against the bytes that are there before allocating.
 */
public final class WeightBlobs {

    private static final int MAGIC = 0x44584D57; // "DXMW"
    private static final int MAX_NAME = 1024;

    private WeightBlobs() {}

    public static byte[] encode(Map<String, float[]> weights) {
        long size = 8;
        for (Map.Entry<String, float[]> e : weights.entrySet()) {
            size += 8 + e.getKey().getBytes(StandardCharsets.UTF_8).length + 4L * e.getValue().length;
        }
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("weights of " + size + " bytes do not fit one snapshot");
        }
        ByteBuffer b = ByteBuffer.allocate((int) size);
        b.putInt(MAGIC).putInt(weights.size());
        for (Map.Entry<String, float[]> e : weights.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            b.putInt(name.length).put(name).putInt(e.getValue().length);
            b.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(e.getValue());
            b.position(b.position() + 4 * e.getValue().length);
        }
        return b.array();
    }

    /** The encoded size of weights with these tensor names and float counts. */
    public static long encodedSize(Map<String, Integer> layout) {
        long size = 8;
        for (Map.Entry<String, Integer> e : layout.entrySet()) {
            size += 8 + e.getKey().getBytes(StandardCharsets.UTF_8).length + 4L * e.getValue();
        }
        return size;
    }

    /** Decodes a payload; anything else is an IllegalArgumentException naming {@code source}. */
    public static LinkedHashMap<String, float[]> decode(byte[] bytes, String source) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        LinkedHashMap<String, float[]> out = new LinkedHashMap<>();
        try {
            if (b.getInt() != MAGIC) {
                throw new IllegalArgumentException(source + " is not a weight snapshot payload (bad magic)");
            }
            int count = b.getInt();
            if (count < 0 || count > b.remaining() / 8) {
                throw new IllegalArgumentException(source + " declares " + count + " tensors in " + bytes.length
                        + " bytes");
            }
            for (int i = 0; i < count; i++) {
                int nameLength = b.getInt();
                if (nameLength < 0 || nameLength > MAX_NAME || nameLength > b.remaining()) {
                    throw new IllegalArgumentException(source + " declares a tensor name of " + nameLength + " bytes");
                }
                byte[] name = new byte[nameLength];
                b.get(name);
                int n = b.getInt();
                if (n < 0 || n > b.remaining() / 4) {
                    throw new IllegalArgumentException(source + " declares " + n + " floats with " + b.remaining()
                            + " bytes left");
                }
                float[] v = new float[n];
                b.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
                b.position(b.position() + 4 * n);
                if (out.put(new String(name, StandardCharsets.UTF_8), v) != null) {
                    throw new IllegalArgumentException(source + " holds tensor " + new String(name,
                            StandardCharsets.UTF_8) + " twice");
                }
            }
            if (b.hasRemaining()) {
                throw new IllegalArgumentException(source + " has " + b.remaining() + " bytes after its tensors");
            }
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException(source + " is truncated", e);
        }
        return out;
    }
}
