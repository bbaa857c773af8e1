package io.dxmi.core.data.image;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * Reads regular files out of a gzip-compressed tar archive (what {@code npm pack} writes):
 * 512-byte ustar headers, the name in the first 100 bytes (plus the ustar prefix), the size in
 * octal, the contents padded to 512 bytes. Long-name extensions are not needed for npm packages
 * and are skipped like any other non-regular entry.
 */
final class TarGz {

    private static final int BLOCK = 512;

    private TarGz() {
    }

    /** The contents of every regular file whose name passes {@code wanted}, by name, in archive order. */
    static Map<String, byte[]> read(Path archive, Predicate<String> wanted) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(archive), 1 << 16)) {
            byte[] header = new byte[BLOCK];
            while (true) {
                if (!readBlock(in, header)) {
                    return out;
                }
                if (isZero(header)) {
                    return out;
                }
                String name = text(header, 0, 100);
                String prefix = text(header, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
                long size = octal(header, 124, 12);
                char type = (char) header[156];
                boolean regular = type == '0' || type == 0;
                long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
                if (regular && wanted.test(name)) {
                    if (size > Integer.MAX_VALUE - 16) {
                        throw new IOException("tar entry " + name + " is too large");
                    }
                    byte[] content = in.readNBytes((int) size);
                    if (content.length != size) {
                        throw new EOFException("tar entry " + name + " is truncated");
                    }
                    out.put(name, content);
                    skip(in, padded - size);
                } else {
                    skip(in, padded);
                }
            }
        }
    }

    private static boolean readBlock(InputStream in, byte[] block) throws IOException {
        int n = in.readNBytes(block, 0, BLOCK);
        if (n == 0) {
            return false;
        }
        if (n != BLOCK) {
            throw new EOFException("truncated tar header");
        }
        return true;
    }

    private static void skip(InputStream in, long n) throws IOException {
        long left = n;
        while (left > 0) {
            long s = in.skip(left);
            if (s <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("truncated tar entry");
                }
                s = 1;
            }
            left -= s;
        }
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static String text(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] b, int off, int len) throws IOException {
        String s = text(b, off, len).trim();
        if (s.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw new IOException("not a tar archive (bad size field '" + s + "')");
        }
    }
}
