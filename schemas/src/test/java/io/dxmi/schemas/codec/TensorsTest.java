package io.dxmi.schemas.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class TensorsTest {

    @Test
    void packIsLittleEndianFloat32() {
        ByteBuffer packed = Tensors.pack(new float[] {1f, -2.5f});
        assertEquals(0, packed.position());
        assertEquals(8, packed.remaining());
        byte[] bytes = new byte[8];
        packed.duplicate().get(bytes);
        // 1.0f = 0x3F800000, -2.5f = 0xC0200000, least significant byte first
        assertArrayEquals(new byte[] {0, 0, (byte) 0x80, 0x3F, 0, 0, 0x20, (byte) 0xC0}, bytes);
    }

    @Test
    void roundTripIsBitExactIncludingSpecialValues() {
        float[] values = {0f, -0f, 1f, -1f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE,
            Float.MIN_NORMAL, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
            Float.intBitsToFloat(0x7FC12345), 3.14159265f, 1e-30f};
        float[] back = Tensors.unpack(Tensors.pack(values), values.length);
        for (int i = 0; i < values.length; i++) {
            assertEquals(Float.floatToRawIntBits(values[i]), Float.floatToRawIntBits(back[i]), "index " + i);
        }
        assertEquals(0, Tensors.unpack(Tensors.pack(new float[0])).length);
    }

    @Test
    void unpackReadsPositionToLimitAndLeavesTheBufferAlone() {
        ByteBuffer big = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN);
        big.put(new byte[] {9, 9, 9, 9});
        big.put(Tensors.pack(new float[] {7f, 8f}));
        big.flip().position(4);
        assertArrayEquals(new float[] {7f, 8f}, Tensors.unpack(big));
        assertEquals(4, big.position());
        assertEquals(ByteOrder.BIG_ENDIAN, big.order());
        assertArrayEquals(new float[] {7f, 8f}, Tensors.unpack(big.asReadOnlyBuffer(), 2));
        ByteBuffer direct = ByteBuffer.allocateDirect(4);
        direct.put(Tensors.pack(new float[] {5f})).flip();
        assertArrayEquals(new float[] {5f}, Tensors.unpack(direct, 1));
    }

    @Test
    void lengthNotAMultipleOfFourIsAClearError() {
        SchemaException e = assertThrows(SchemaException.class,
                () -> Tensors.unpack(ByteBuffer.allocate(10)));
        assertEquals("tensor payload of 10 bytes is not a whole number of float32 values "
                + "(length must be a multiple of 4)", e.getMessage());
        assertThrows(SchemaException.class, () -> Tensors.unpack(ByteBuffer.allocate(7), 2));
        assertThrows(SchemaException.class, () -> Tensors.unpack(null));
    }

    @Test
    void countMismatchIsNamed() {
        SchemaException e = assertThrows(SchemaException.class,
                () -> Tensors.unpack(Tensors.pack(new float[6]), 8));
        assertEquals("tensor payload holds 6 float32 values (24 bytes) but 8 were expected (32 bytes)",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensors.unpack(Tensors.pack(new float[0]), -1));
        assertThrows(NullPointerException.class, () -> Tensors.pack(null));
    }
}
