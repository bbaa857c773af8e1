package io.dxmi.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.stream.Stream;

class TensorArchiveTest {

    @TempDir
    Path dir;

    private static final float[] SPECIAL = {
        0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, Float.MAX_VALUE, 1.1f};

    private static TensorArchive sample() {
        return new TensorArchive()
                .put("net.w", new long[] {2, 3}, new Rng(1).gaussians(6))
                .put("special", SPECIAL)
                .put("scalar", new long[] {}, new float[] {42f})
                .put("empty", new float[0]);
    }

    private static void assertBitExact(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), "element " + i);
        }
    }

    @Test
    void roundTripIsBitExact() throws IOException {
        TensorArchive a = sample();
        Path f = dir.resolve("sub/model.dxmt");
        String hash = a.write(f);
        TensorArchive b = TensorArchive.read(f);
        assertEquals(List.of("net.w", "special", "scalar", "empty"), List.copyOf(b.tensors().keySet()));
        for (String name : a.tensors().keySet()) {
            assertBitExact(a.get(name), b.get(name));
            assertArrayEquals(a.shape(name), b.shape(name), name);
        }
        assertArrayEquals(new long[] {2, 3}, b.shape("net.w"));
        assertArrayEquals(new long[] {}, b.shape("scalar"));

        byte[] bytes = Files.readAllBytes(f);
        byte[] digest = sha256(Arrays.copyOf(bytes, bytes.length - 32));
        assertEquals(HexFormat.of().formatHex(digest), hash);
        assertArrayEquals(digest, Arrays.copyOfRange(bytes, bytes.length - 32, bytes.length));
        assertArrayEquals(new byte[] {'D', 'X', 'M', 'T'}, Arrays.copyOf(bytes, 4));
    }

    @Test
    void streamRoundTripAndDeterministicBytes() throws IOException {
        ByteArrayOutputStream o1 = new ByteArrayOutputStream();
        ByteArrayOutputStream o2 = new ByteArrayOutputStream();
        String h1 = sample().write(o1);
        String h2 = sample().write(o2);
        assertEquals(h1, h2);
        assertArrayEquals(o1.toByteArray(), o2.toByteArray());
        TensorArchive b = TensorArchive.read(new ByteArrayInputStream(o1.toByteArray()), "mem");
        assertBitExact(SPECIAL, b.get("special"));
    }

    /**
     * An archive written by the first release (stream writer, kept frozen in the test resources):
     * today's single-array writer must produce the same bytes, and the reader must read it.
     */
    @Test
    void frozenFirstReleaseArchiveIsReadAndReproducedByteForByte() throws IOException {
        byte[] frozen;
        try (var in = TensorArchiveTest.class.getResourceAsStream("archive-v1.dxmt")) {
            frozen = in.readAllBytes();
        }
        TensorArchive expected = sample().put("ünïcode name", new float[] {7f});
        assertArrayEquals(frozen, expected.toBytes());
        TensorArchive read = TensorArchive.fromBytes(frozen, "archive-v1.dxmt");
        assertEquals(List.copyOf(expected.tensors().keySet()), List.copyOf(read.tensors().keySet()));
        for (String name : expected.tensors().keySet()) {
            assertBitExact(expected.get(name), read.get(name));
            assertArrayEquals(expected.shape(name), read.shape(name), name);
        }
        assertEquals("bb9108f696f4fc34932e63154ac2c81c83cff9ba01e0ca7e39c5d601703efa48",
                HexFormat.of().formatHex(frozen, frozen.length - 32, frozen.length));
    }

    @Test
    void flippedPayloadByteIsDamaged() throws IOException {
        Path f = dir.resolve("a.dxmt");
        sample().write(f);
        byte[] bytes = Files.readAllBytes(f);
        // The last tensors are "scalar" (one float) then "empty"; flip a byte of net.w's floats,
        // found by searching for its first value's little-endian bytes.
        float first = new Rng(1).gaussians(6)[0];
        int bits = Float.floatToRawIntBits(first);
        byte[] le = {(byte) bits, (byte) (bits >> 8), (byte) (bits >> 16), (byte) (bits >> 24)};
        int at = indexOf(bytes, le);
        assertTrue(at > 0);
        bytes[at + 1] ^= 0x10;
        Files.write(f, bytes);
        IOException e = assertThrows(IOException.class, () -> TensorArchive.read(f));
        assertTrue(e.getMessage().contains("damaged"), e.getMessage());
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void flippedTrailerByteIsDamaged() throws IOException {
        Path f = dir.resolve("a.dxmt");
        sample().write(f);
        byte[] bytes = Files.readAllBytes(f);
        bytes[bytes.length - 1] ^= 1;
        Files.write(f, bytes);
        IOException e = assertThrows(IOException.class, () -> TensorArchive.read(f));
        assertTrue(e.getMessage().contains("damaged"), e.getMessage());
    }

    @Test
    void truncatedFileIsTruncated() throws IOException {
        Path f = dir.resolve("a.dxmt");
        sample().write(f);
        byte[] bytes = Files.readAllBytes(f);
        for (int cut : new int[] {2, 20, bytes.length / 2, bytes.length - 40, bytes.length - 1}) {
            Path g = dir.resolve("cut" + cut);
            Files.write(g, Arrays.copyOf(bytes, cut));
            IOException e = assertThrows(IOException.class, () -> TensorArchive.read(g));
            assertTrue(e.getMessage().contains("truncated"), cut + ": " + e.getMessage());
        }
    }

    @Test
    void wrongMagicIsForeign() throws IOException {
        Path f = dir.resolve("a.dxmt");
        sample().write(f);
        byte[] bytes = Files.readAllBytes(f);
        bytes[0] = 'P';
        Files.write(f, bytes);
        IOException e = assertThrows(IOException.class, () -> TensorArchive.read(f));
        assertTrue(e.getMessage().contains("not a DxMI tensor archive"), e.getMessage());

        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "hello, this is not an archive");
        IOException e2 = assertThrows(IOException.class, () -> TensorArchive.read(text));
        assertTrue(e2.getMessage().contains("not a DxMI tensor archive"), e2.getMessage());
    }

    @Test
    void newerFormatIsRefused() throws IOException {
        Path f = dir.resolve("a.dxmt");
        sample().write(f);
        byte[] bytes = Files.readAllBytes(f);
        bytes[7] = 9; // version int, big-endian, bytes 4..7
        Files.write(f, bytes);
        IOException e = assertThrows(IOException.class, () -> TensorArchive.read(f));
        assertTrue(e.getMessage().contains("format 9"), e.getMessage());
    }

    @Test
    void missingFileIsNamed() {
        IOException e = assertThrows(IOException.class, () -> TensorArchive.read(dir.resolve("nope")));
        assertTrue(e.getMessage().contains("not found"), e.getMessage());
    }

    @Test
    void atomicWriteLeavesNoTemporaryFilesAndReplaces() throws IOException {
        Path f = dir.resolve("m.dxmt");
        sample().write(f);
        new TensorArchive().put("x", new float[] {1f, 2f}).write(f);
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("m.dxmt"), s.map(p -> p.getFileName().toString()).toList());
        }
        TensorArchive b = TensorArchive.read(f);
        assertEquals(List.of("x"), List.copyOf(b.tensors().keySet()));
        assertArrayEquals(new float[] {1f, 2f}, b.get("x"));
    }

    @Test
    void accessorsAndValidation() {
        LinkedHashMap<String, float[]> m = new LinkedHashMap<>();
        m.put("a", new float[] {1});
        m.put("b", new float[] {2, 3});
        TensorArchive t = new TensorArchive().putAll("eps.", m).put("other", new float[] {4});
        assertTrue(t.contains("eps.a"));
        assertFalse(t.contains("a"));
        LinkedHashMap<String, float[]> back = t.withPrefix("eps.");
        assertEquals(List.of("a", "b"), List.copyOf(back.keySet()));
        assertArrayEquals(new float[] {2, 3}, back.get("b"));
        assertThrows(IllegalArgumentException.class, () -> t.get("missing"));
        assertThrows(IllegalArgumentException.class, () -> t.put("bad", new long[] {2, 2}, new float[3]));
        long[] shape = t.shape("eps.b");
        shape[0] = 99;
        assertArrayEquals(new long[] {2}, t.shape("eps.b"), "shape() returns a copy");
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
