package io.dxmi.core.data.image;

import io.dxmi.core.data.DataFormatException;
import io.dxmi.core.data.SampleShape;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The idx format of MNIST and Fashion-MNIST: a big-endian header (two zero bytes, the element
 * type, the number of dimensions, each dimension as a 32-bit integer), then the elements. Only
 * unsigned bytes (type 0x08) are read and written. Files may be gzip-compressed (detected by
 * their first bytes, whatever the name).
 *
 * <p>Images are idx3 {@code (n, H, W)} (one channel) or idx4 {@code (n, C, H, W)} (channels
 * first); labels are idx1 {@code (n)}. Pixels are read as {@code byte / 255}; written as
 * {@code round(255 · v)} clamped to [0, 255] (halves round up).
 */
public final class IdxFiles {

    private static final int UNSIGNED_BYTE = 0x08;

    private IdxFiles() {
    }

    /** Images of an idx3 or idx4 file, with values in [0, 1]. */
    public static ImageSplit readImages(Path file) {
        Idx idx = read(file);
        int[] d = idx.dims;
        SampleShape shape;
        if (d.length == 3) {
            shape = SampleShape.image(1, d[1], d[2]);
        } else if (d.length == 4) {
            shape = SampleShape.image(d[1], d[2], d[3]);
        } else {
            throw new DataFormatException(file + ": an idx image file has 3 or 4 dimensions, this one has "
                    + d.length + (d.length == 1 ? " (it looks like a labels file)" : ""));
        }
        float[] pixels = new float[idx.data.length];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (idx.data[i] & 0xFF) / 255f;
        }
        return new ImageSplit(shape, pixels, null);
    }

    /** Labels of an idx1 file. */
    public static int[] readLabels(Path file) {
        Idx idx = read(file);
        if (idx.dims.length != 1) {
            throw new DataFormatException(file + ": an idx labels file has 1 dimension, this one has "
                    + idx.dims.length);
        }
        int[] labels = new int[idx.data.length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = idx.data[i] & 0xFF;
        }
        return labels;
    }

    /** Images with their labels from a pair of files, checked to have the same count. */
    public static ImageSplit readLabelled(Path images, Path labels) {
        ImageSplit split = readImages(images);
        int[] l = readLabels(labels);
        if (l.length != split.size()) {
            throw new DataFormatException(labels + " has " + l.length + " labels but " + images + " has "
                    + split.size() + " images");
        }
        return new ImageSplit(split.shape(), split.pixelsView(), l);
    }

    /**
     * Writes images as idx3 (one channel) or idx4 (channels first), gzip-compressed when the name
     * ends in ".gz".
     *
     * @throws IllegalArgumentException for a non-finite pixel (naming the image)
     */
    public static void writeImages(Path file, float[] rows, SampleShape shape) throws IOException {
        int n = rows.length / shape.size();
        if (!shape.isImage() || rows.length != n * shape.size()) {
            throw new IllegalArgumentException("need whole " + shape + " images, got " + rows.length + " values");
        }
        int[] dims = shape.channels() == 1 ? new int[] {n, shape.height(), shape.width()}
                : new int[] {n, shape.channels(), shape.height(), shape.width()};
        byte[] data = new byte[rows.length];
        for (int i = 0; i < rows.length; i++) {
            data[i] = (byte) toByte(rows[i], i / shape.size());
        }
        write(file, dims, data);
    }

    /** Writes labels (each 0 … 255) as idx1. */
    public static void writeLabels(Path file, int[] labels) throws IOException {
        byte[] data = new byte[labels.length];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] > 255) {
                throw new IllegalArgumentException("an idx label is 0 … 255, got " + labels[i]);
            }
            data[i] = (byte) labels[i];
        }
        write(file, new int[] {labels.length}, data);
    }

    /** A pixel in [0, 1] as a byte value: round(255 · v), clamped; halves round up. */
    static int toByte(float v, int image) {
        if (!Float.isFinite(v)) {
            throw new IllegalArgumentException("image " + image + " has a non-finite pixel (" + v + ")");
        }
        return (int) Math.max(0, Math.min(255, Math.floor(v * 255.0 + 0.5)));
    }

    /** The labels file that belongs to an images file ("images"→"labels", "idx3"/"idx4"→"idx1"), if present. */
    public static Path siblingLabels(Path images) {
        Path name = images.getFileName();
        if (name == null) {
            return null;
        }
        String base = name.toString();
        String swapped = base.replace("images", "labels").replace("idx3", "idx1").replace("idx4", "idx1");
        if (swapped.equals(base)) {
            return null;
        }
        String plain = swapped.endsWith(".gz") ? swapped.substring(0, swapped.length() - 3) : swapped;
        for (String candidate : new String[] {swapped, plain, plain + ".gz"}) {
            Path p = images.resolveSibling(candidate);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private static void write(Path file, int[] dims, byte[] data) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        boolean gzip = file.getFileName().toString().endsWith(".gz");
        try (OutputStream raw = Files.newOutputStream(file);
                OutputStream z = gzip ? new GZIPOutputStream(raw, 1 << 16) : new BufferedOutputStream(raw, 1 << 16);
                DataOutputStream out = new DataOutputStream(z)) {
            out.writeByte(0);
            out.writeByte(0);
            out.writeByte(UNSIGNED_BYTE);
            out.writeByte(dims.length);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(data);
        }
    }

    private record Idx(int[] dims, byte[] data) {
    }

    private static Idx read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DataFormatException("idx file not found: " + file, e);
        } catch (IOException e) {
            throw new DataFormatException("cannot read idx file " + file + ": " + e.getMessage(), e);
        }
        boolean gzip = bytes.length >= 2 && (bytes[0] & 0xFF) == 0x1f && (bytes[1] & 0xFF) == 0x8b;
        try (InputStream raw = new ByteArrayInputStream(bytes);
                InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : new BufferedInputStream(raw);
                DataInputStream data = new DataInputStream(in)) {
            int zero = data.readUnsignedShort();
            int type = data.readUnsignedByte();
            int rank = data.readUnsignedByte();
            if (zero != 0 || rank == 0) {
                throw new DataFormatException(file + " is not an idx file (bad magic number)");
            }
            if (type != UNSIGNED_BYTE) {
                throw new DataFormatException(file + ": only unsigned-byte idx files are supported (type 0x08), "
                        + "this one has type 0x" + Integer.toHexString(type));
            }
            int[] dims = new int[rank];
            long count = 1;
            for (int i = 0; i < rank; i++) {
                dims[i] = data.readInt();
                if (dims[i] < 0) {
                    throw new DataFormatException(file + ": dimension " + i + " is negative (" + dims[i] + ")");
                }
                count *= dims[i];
            }
            if (count > Integer.MAX_VALUE - 16) {
                throw new DataFormatException(file + " is too large (" + count + " values)");
            }
            byte[] values = new byte[(int) count];
            data.readFully(values);
            return new Idx(dims, values);
        } catch (EOFException e) {
            throw new DataFormatException(file + " is truncated (fewer values than its header says)", e);
        } catch (IOException e) {
            throw new DataFormatException("cannot read idx file " + file + ": " + e.getMessage(), e);
        }
    }
}
