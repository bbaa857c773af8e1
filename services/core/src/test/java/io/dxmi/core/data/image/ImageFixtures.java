package io.dxmi.core.data.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;

/** Small image files and archives made by the tests themselves. */
final class ImageFixtures {

    private ImageFixtures() {
    }

    /** A grayscale PNG whose pixel (x, y) is {@code value(x, y)} (0 … 255). */
    static Path grayPng(Path file, int w, int h, int base) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, (base + 10 * y + x) % 256);
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(img, file.toString().endsWith(".jpg") ? "jpg" : "png", file.toFile());
        return file;
    }

    /** An RGB PNG with red = x, green = y, blue = base at pixel (x, y). */
    static Path rgbPng(Path file, int w, int h, int base) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (x << 16) | (y << 8) | base);
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(img, "png", file.toFile());
        return file;
    }

    /** A tar.gz archive of the given files (ustar headers), as npm pack writes. */
    static byte[] tarGz(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                byte[] h = new byte[512];
                byte[] name = f.getKey().getBytes(StandardCharsets.UTF_8);
                System.arraycopy(name, 0, h, 0, name.length);
                put(h, 100, String.format("%07o", 0644));
                put(h, 108, String.format("%07o", 0));
                put(h, 116, String.format("%07o", 0));
                put(h, 124, String.format("%011o", f.getValue().length));
                put(h, 136, String.format("%011o", 0));
                h[156] = '0';
                put(h, 257, "ustar");
                for (int i = 148; i < 156; i++) {
                    h[i] = ' ';
                }
                long sum = 0;
                for (byte x : h) {
                    sum += x & 0xFF;
                }
                put(h, 148, String.format("%06o", sum));
                z.write(h);
                z.write(f.getValue());
                z.write(new byte[(512 - f.getValue().length % 512) % 512]);
            }
            z.write(new byte[1024]);
        }
        return bytes.toByteArray();
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
    }
}
