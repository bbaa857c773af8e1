package io.dxmi.core.anomaly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class FrameImagesTest {

    private static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    @Test
    void rawInterleavedBytesBecomeChannelsFirstIntensities() throws BadFrameException {
        // 2x1 RGB: pixel 0 = (255, 0, 51), pixel 1 = (0, 255, 102).
        byte[] data = {(byte) 255, 0, 51, 0, (byte) 255, 102};
        float[] chw = FrameImages.decode("raw", data, 2, 1, 3);
        assertArrayEquals(new float[] {1f, 0f, 0f, 1f, 0.2f, 0.4f}, chw, 1e-6f);
    }

    @Test
    void pngDecodesToTheSamePixels() throws Exception {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        int[] values = {0, 51, 102, 153, 204, 255};
        for (int i = 0; i < 6; i++) {
            img.getRaster().setSample(i % 3, i / 3, 0, values[i]);
        }
        float[] chw = FrameImages.decode("png", png(img), 3, 2, 1);
        assertArrayEquals(new float[] {0f, 0.2f, 0.4f, 0.6f, 0.8f, 1f}, chw, 1e-6f);
    }

    @Test
    void badFramesNameTheirFault() throws Exception {
        assertEquals(BadFrameException.Kind.WRONG_SIZE,
                assertThrows(BadFrameException.class, () -> FrameImages.decode("raw", new byte[5], 2, 2, 1)).kind());
        assertEquals(BadFrameException.Kind.CORRUPT,
                assertThrows(BadFrameException.class, () -> FrameImages.decode("png", new byte[] {1, 2, 3}, 2, 2, 1))
                        .kind());
        assertEquals(BadFrameException.Kind.UNKNOWN_ENCODING,
                assertThrows(BadFrameException.class, () -> FrameImages.decode("webp", new byte[4], 2, 2, 1)).kind());
        byte[] gray = png(new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY));
        assertEquals(BadFrameException.Kind.WRONG_SIZE,
                assertThrows(BadFrameException.class, () -> FrameImages.decode("png", gray, 5, 4, 1)).kind());
        assertEquals(BadFrameException.Kind.WRONG_CHANNELS,
                assertThrows(BadFrameException.class, () -> FrameImages.decode("png", gray, 4, 4, 3)).kind());
        assertEquals(BadFrameException.Kind.WRONG_CHANNELS,
                assertThrows(BadFrameException.class, () -> FrameImages.decode("raw", new byte[8], 2, 2, 2)).kind());
        // A truncated PNG (its first half) is corrupt, not an exception of another kind.
        byte[] whole = png(new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY));
        byte[] half = Arrays.copyOf(whole, whole.length / 2);
        assertEquals(BadFrameException.Kind.CORRUPT,
                assertThrows(BadFrameException.class, () -> FrameImages.decode("png", half, 16, 16, 1)).kind());
    }

    @Test
    void resizeAveragesAreas() {
        // 1x4x4 -> 1x2x2: each output is the mean of a 2x2 block.
        float[] in = new float[16];
        for (int i = 0; i < 16; i++) {
            in[i] = i;
        }
        assertArrayEquals(new float[] {2.5f, 4.5f, 10.5f, 12.5f}, FrameImages.resize(in, 1, 4, 4, 2, 2), 1e-5f);
        // 1x1x3 -> 1x1x2: output 0 covers input [0, 1.5): (1·a + 0.5·b) / 1.5.
        assertArrayEquals(new float[] {(3 + 0.5f * 6) / 1.5f, (0.5f * 6 + 9) / 1.5f},
                FrameImages.resize(new float[] {3, 6, 9}, 1, 1, 3, 1, 2), 1e-5f);
        // A constant image stays constant at any size; equal sizes copy.
        float[] flat = new float[2 * 28 * 28];
        Arrays.fill(flat, 0.25f);
        for (float v : FrameImages.resize(flat, 2, 28, 28, 8, 8)) {
            assertEquals(0.25f, v, 1e-6f);
        }
        for (float v : FrameImages.resize(flat, 2, 28, 28, 33, 40)) {
            assertEquals(0.25f, v, 1e-6f);
        }
        assertArrayEquals(in, FrameImages.resize(in, 1, 4, 4, 4, 4));
    }

    @Test
    void framesBecomeImagesABrowserShows() throws Exception {
        // Raw RGB 3x2: encoded as a PNG with the same pixels.
        byte[] rgb = new byte[3 * 2 * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) (i * 14);
        }
        FrameImages.ViewableImage png = FrameImages.viewable("raw", rgb, 3, 2, 3);
        assertEquals("image/png", png.mediaType());
        assertArrayEquals(FrameImages.decode("raw", rgb, 3, 2, 3), FrameImages.decode("png", png.bytes(), 3, 2, 3),
                1e-6f);
        // Raw grayscale: a one-channel PNG.
        byte[] gray = {0, 64, (byte) 128, (byte) 255};
        assertEquals(1, ImageIO.read(new ByteArrayInputStream(FrameImages.viewable("raw", gray, 2, 2, 1)
                .bytes())).getColorModel().getNumColorComponents());
        // PNG and JPEG bytes pass through as they are.
        byte[] file = png(new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY));
        assertTrue(file == FrameImages.viewable("png", file, 4, 4, 1).bytes());
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_3BYTE_BGR), "jpeg", jpeg);
        assertEquals("image/jpeg", FrameImages.viewable("jpeg", jpeg.toByteArray(), 4, 4, 3).mediaType());
        // What is not what it says is refused with the reason.
        assertEquals(BadFrameException.Kind.CORRUPT, assertThrows(BadFrameException.class,
                () -> FrameImages.viewable("jpeg", file, 4, 4, 1)).kind());
        assertEquals(BadFrameException.Kind.WRONG_SIZE, assertThrows(BadFrameException.class,
                () -> FrameImages.viewable("raw", gray, 3, 2, 1)).kind());
        assertEquals(BadFrameException.Kind.UNKNOWN_ENCODING, assertThrows(BadFrameException.class,
                () -> FrameImages.viewable("webp", gray, 2, 2, 1)).kind());
    }
}
