package io.dxmi.schemas.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Tensor payloads: Avro {@code bytes} holding packed little-endian float32 values (10–25× faster
 * to encode and decode than {@code array<float>}). The shape travels in separate fields.
 */
public final class Tensors {

    private Tensors() {}

    /**
     * Packs {@code values} as little-endian float32 into a new heap buffer positioned at 0 with
     * limit {@code 4 * values.length}, ready to be set on a record's {@code bytes} field.
     */
    public static ByteBuffer pack(float[] values) {
        Objects.requireNonNull(values, "values");
        ByteBuffer buffer = ByteBuffer.allocate(Math.multiplyExact(values.length, Float.BYTES))
                .order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return buffer;
    }

    /**
     * Unpacks the remaining bytes of {@code bytes} (position to limit) as little-endian float32.
     * The buffer's position, limit and byte order are left unchanged.
     *
     * @throws SchemaException if the number of bytes is not a multiple of 4
     */
    public static float[] unpack(ByteBuffer bytes) {
        if (bytes == null) {
            throw new SchemaException("tensor payload is missing (null)");
        }
        int length = bytes.remaining();
        if (length % Float.BYTES != 0) {
            throw new SchemaException("tensor payload of " + length
                    + " bytes is not a whole number of float32 values (length must be a multiple of 4)");
        }
        float[] values = new float[length / Float.BYTES];
        bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    /**
     * Like {@link #unpack(ByteBuffer)}, and checks that the payload holds exactly
     * {@code expectedCount} values.
     *
     * @throws SchemaException if the length is not a multiple of 4 or the count differs
     */
    public static float[] unpack(ByteBuffer bytes, int expectedCount) {
        if (expectedCount < 0) {
            throw new IllegalArgumentException("expectedCount must be >= 0, got " + expectedCount);
        }
        float[] values = unpack(bytes);
        if (values.length != expectedCount) {
            throw new SchemaException("tensor payload holds " + values.length + " float32 values ("
                    + (long) values.length * Float.BYTES + " bytes) but " + expectedCount + " were expected ("
                    + (long) expectedCount * Float.BYTES + " bytes)");
        }
        return values;
    }
}
