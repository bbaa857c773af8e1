package io.dxmi.core.data.image;

import io.dxmi.core.data.DataFormatException;
import io.dxmi.core.data.SampleShape;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Decodes PNG and JPEG files (Java's ImageIO) into [0, 1] pixels, channels first. A file stored
 * as grayscale (one colour component, 8 or 16 bits) gives one channel; anything else (RGB,
 * palette, with or without alpha) gives three sRGB channels, alpha dropped. A set of files is
 * one channel only when every file is grayscale; otherwise grayscale files are repeated into
 * three channels.
 */
final class ImageDecoder {

    private ImageDecoder() {
    }

    /** One decoded file. */
    record Decoded(Path file, int channels, int height, int width, float[] pixels) {
    }

    static boolean isImageFile(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return !n.startsWith(".") && (n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg"));
    }

    /** A file's bytes; a failure is one line naming the file. */
    static byte[] readFile(Path f) {
        try {
            return Files.readAllBytes(f);
        } catch (IOException e) {
            throw new DataFormatException("cannot read image " + f + ": " + e.getMessage(), e);
        }
    }

    static Decoded decode(Path file, byte[] bytes) {
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            throw new DataFormatException("cannot read image " + file + ": corrupt or not a PNG/JPEG image", e);
        }
        if (img == null) {
            throw new DataFormatException("cannot read image " + file + ": corrupt or not a PNG/JPEG image");
        }
        int h = img.getHeight();
        int w = img.getWidth();
        Raster r = img.getRaster();
        if (img.getColorModel().getNumColorComponents() == 1 && !img.getColorModel().hasAlpha()
                && r.getNumBands() == 1) {
            double max = (1 << r.getSampleModel().getSampleSize(0)) - 1;
            float[] p = new float[h * w];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    p[y * w + x] = (float) (r.getSample(x, y, 0) / max);
                }
            }
            return new Decoded(file, 1, h, w, p);
        }
        float[] p = new float[3 * h * w];
        int plane = h * w;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = img.getRGB(x, y);
                p[y * w + x] = ((rgb >> 16) & 0xFF) / 255f;
                p[plane + y * w + x] = ((rgb >> 8) & 0xFF) / 255f;
                p[2 * plane + y * w + x] = (rgb & 0xFF) / 255f;
            }
        }
        return new Decoded(file, 3, h, w, p);
    }

    /**
     * Stacks decoded images into one array of a common shape: resized to size × size when
     * {@code size > 0}, else they must all have the first image's size.
     */
    static float[] stack(List<Decoded> images, int size, String whereToResize) {
        int channels = 1;
        for (Decoded d : images) {
            channels = Math.max(channels, d.channels());
        }
        Decoded first = images.get(0);
        int h = size > 0 ? size : first.height();
        int w = size > 0 ? size : first.width();
        int per = channels * h * w;
        float[] out = new float[images.size() * per];
        for (int i = 0; i < images.size(); i++) {
            Decoded d = images.get(i);
            if (size <= 0 && (d.height() != h || d.width() != w)) {
                throw new DataFormatException("images differ in size: " + first.file() + " is " + first.width() + "x"
                        + first.height() + " but " + d.file() + " is " + d.width() + "x" + d.height() + "; "
                        + whereToResize);
            }
            float[] p = d.pixels();
            SampleShape own = SampleShape.image(d.channels(), d.height(), d.width());
            if (d.height() != h || d.width() != w) {
                p = Resize.images(p, own, h, w);
            }
            int plane = h * w;
            for (int c = 0; c < channels; c++) {
                int src = d.channels() == 1 ? 0 : c;
                System.arraycopy(p, src * plane, out, i * per + c * plane, plane);
            }
        }
        return out;
    }

    /** The shape {@link #stack} gives. */
    static SampleShape stackedShape(List<Decoded> images, int size) {
        int channels = 1;
        for (Decoded d : images) {
            channels = Math.max(channels, d.channels());
        }
        Decoded first = images.get(0);
        return size > 0 ? SampleShape.image(channels, size, size)
                : SampleShape.image(channels, first.height(), first.width());
    }
}
