package io.dxmi.core.data.image;

import io.dxmi.core.data.DataFormatException;
import io.dxmi.core.data.SampleShape;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Generated images to files and images to score from files: what {@code dxmi sample --out} and
 * {@code dxmi energy --in} use.
 *
 * <p>Writing: {@code FILE.idx} / {@code FILE.idx.gz} is the data set's own idx format
 * ({@link IdxFiles#writeImages}); a folder gets one PNG per image, {@code 000000.png},
 * {@code 000001.png}, … in sample order (8-bit grayscale for one channel, RGB for three; pixels
 * {@code round(255 · v)} clamped to [0, 255]).
 *
 * <p>Reading ({@link #read}): an idx file gives its images in file order; a folder gives every
 * PNG/JPEG file in it and its subfolders, in sorted order of the path relative to the folder
 * (the order {@link #write} produces), named by that path.
 */
public final class ImageFiles {

    private ImageFiles() {
    }

    /** Images read for scoring, with a name per image (the file name, or "#i" inside an idx file). */
    public record Images(SampleShape shape, float[] pixels, List<String> names) {

        public int size() {
            return names.size();
        }
    }

    /** True when {@code path} names an idx file (by its name) rather than a folder of images. */
    public static boolean isIdxPath(Path path) {
        String n = String.valueOf(path.getFileName()).toLowerCase(Locale.ROOT);
        return n.endsWith(".idx") || n.endsWith(".idx.gz") || n.contains("-idx3-") || n.contains("-idx4-")
                || n.endsWith(".idx3") || n.endsWith(".idx3.gz");
    }

    /** Writes images as an idx file (by {@link #isIdxPath}) or else as a folder of PNG files. */
    public static void write(Path out, float[] pixels, SampleShape shape) throws IOException {
        if (isIdxPath(out)) {
            IdxFiles.writeImages(out, pixels, shape);
        } else {
            writePngs(out, pixels, shape);
        }
    }

    /** One PNG per image, 000000.png … in order, into {@code dir} (created if missing). */
    public static void writePngs(Path dir, float[] pixels, SampleShape shape) throws IOException {
        int c = shape.channels();
        if (c != 1 && c != 3) {
            throw new IllegalArgumentException("PNG files hold 1 or 3 channels, these images have " + c);
        }
        Files.createDirectories(dir);
        int h = shape.height();
        int w = shape.width();
        int n = pixels.length / shape.size();
        int digits = Math.max(6, Integer.toString(Math.max(0, n - 1)).length());
        for (int i = 0; i < n; i++) {
            BufferedImage img = new BufferedImage(w, h, c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
            WritableRaster r = img.getRaster();
            int base = i * shape.size();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int ch = 0; ch < c; ch++) {
                        r.setSample(x, y, ch, IdxFiles.toByte(pixels[base + ch * h * w + y * w + x], i));
                    }
                }
            }
            Path f = dir.resolve(String.format(Locale.ROOT, "%0" + digits + "d.png", i));
            if (!ImageIO.write(img, "png", f.toFile())) {
                throw new IOException("no PNG writer available");
            }
        }
    }

    /** Reads images to score from an idx file or a folder (see the class comment for the order). */
    public static Images read(Path in) {
        if (Files.isDirectory(in)) {
            return readFolder(in);
        }
        if (!Files.exists(in)) {
            throw new DataFormatException("input not found: " + in);
        }
        if (ImageDecoder.isImageFile(in)) {
            List<ImageDecoder.Decoded> one = List.of(ImageDecoder.decode(in, ImageDecoder.readFile(in)));
            return new Images(ImageDecoder.stackedShape(one, 0), ImageDecoder.stack(one, 0, ""),
                    List.of(String.valueOf(in.getFileName())));
        }
        ImageSplit split = IdxFiles.readImages(in);
        List<String> names = new ArrayList<>(split.size());
        for (int i = 0; i < split.size(); i++) {
            names.add("#" + i);
        }
        return new Images(split.shape(), split.pixelsView(), names);
    }

    private static Images readFolder(Path dir) {
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(p -> Files.isRegularFile(p) && ImageDecoder.isImageFile(p))
                    .sorted((a, b) -> dir.relativize(a).toString().compareTo(dir.relativize(b).toString()))
                    .toList();
        } catch (IOException e) {
            throw new DataFormatException("cannot list image folder " + dir + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new DataFormatException("no PNG or JPEG images in " + dir);
        }
        List<ImageDecoder.Decoded> decoded = new ArrayList<>(files.size());
        List<String> names = new ArrayList<>(files.size());
        for (Path f : files) {
            decoded.add(ImageDecoder.decode(f, ImageDecoder.readFile(f)));
            names.add(dir.relativize(f).toString());
        }
        return new Images(ImageDecoder.stackedShape(decoded, 0),
                ImageDecoder.stack(decoded, 0, "score images of one size"), names);
    }
}
