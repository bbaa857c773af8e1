package io.dxmi.core.model;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A named collection of float32 tensors in one file.
 *
 * <p>Layout (big-endian framing, little-endian data so the payload matches the Kafka
 * messages): magic {@code DXMT}, format version (int), count (int), then per tensor: name
 * (UTF), rank (int), dims (long each), element count (long), the floats (little-endian); and
 * finally the SHA-256 of everything before it (32 bytes), verified on read. Written to a
 * temporary file and moved into place, so a crash never leaves half an archive.
 */
public final class TensorArchive {

    public static final int FORMAT_VERSION = 1;
    private static final int MAGIC = 0x44584D54; // "DXMT"

    private final LinkedHashMap<String, float[]> tensors = new LinkedHashMap<>();
    private final LinkedHashMap<String, long[]> shapes = new LinkedHashMap<>();

    public TensorArchive put(String name, long[] shape, float[] values) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException("tensor " + name + ": shape holds " + n + " values, got " + values.length);
        }
        tensors.put(name, values);
        shapes.put(name, shape.clone());
        return this;
    }

    /** A rank-1 tensor. */
    public TensorArchive put(String name, float[] values) {
        return put(name, new long[] {values.length}, values);
    }

    /** Every tensor of {@code values} under {@code prefix + name}, as rank-1 tensors. */
    public TensorArchive putAll(String prefix, Map<String, float[]> values) {
        values.forEach((k, v) -> put(prefix + k, v));
        return this;
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    public float[] get(String name) {
        float[] v = tensors.get(name);
        if (v == null) {
            throw new IllegalArgumentException("the archive has no tensor named " + name);
        }
        return v;
    }

    public long[] shape(String name) {
        return shapes.get(name).clone();
    }

    /** All tensors whose names start with {@code prefix}, with the prefix removed, in order. */
    public LinkedHashMap<String, float[]> withPrefix(String prefix) {
        LinkedHashMap<String, float[]> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    public Map<String, float[]> tensors() {
        return java.util.Collections.unmodifiableMap(tensors);
    }

    /** Writes atomically; returns the hex SHA-256 stored in the file's trailer. */
    public String write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        String hash;
        try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
            hash = write(raw);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return hash;
    }

    /** Writes to a stream (not closed); returns the hex SHA-256 trailer. */
    public String write(OutputStream raw) throws IOException {
        MessageDigest sha = sha256();
        DataOutputStream out = new DataOutputStream(new DigestOutputStream(raw, sha));
        out.writeInt(MAGIC);
        out.writeInt(FORMAT_VERSION);
        out.writeInt(tensors.size());
        for (Map.Entry<String, float[]> e : tensors.entrySet()) {
            out.writeUTF(e.getKey());
            long[] shape = shapes.get(e.getKey());
            out.writeInt(shape.length);
            for (long d : shape) {
                out.writeLong(d);
            }
            float[] v = e.getValue();
            out.writeLong(v.length);
            ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            buf.asFloatBuffer().put(v);
            out.write(buf.array());
        }
        out.flush();
        byte[] digest = sha.digest();
        raw.write(digest);
        raw.flush();
        return HexFormat.of().formatHex(digest);
    }

    /** Reads and verifies an archive; a damaged or foreign file gives an IOException naming it. */
    public static TensorArchive read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("tensor archive not found: " + file);
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return read(in, file.toString());
        }
    }

    /** Reads and verifies an archive from a stream. */
    public static TensorArchive read(InputStream raw, String source) throws IOException {
        MessageDigest sha = sha256();
        DataInputStream in = new DataInputStream(new DigestInputStream(raw, sha));
        TensorArchive archive = new TensorArchive();
        try {
            if (in.readInt() != MAGIC) {
                throw new IOException(source + " is not a DxMI tensor archive (bad magic)");
            }
            int version = in.readInt();
            if (version > FORMAT_VERSION || version < 1) {
                throw new IOException(source + " has tensor archive format " + version
                        + "; this build reads up to " + FORMAT_VERSION);
            }
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                int rank = in.readInt();
                if (rank < 0 || rank > 16) {
                    throw new IOException(source + ": tensor " + name + " has an impossible rank " + rank);
                }
                long[] shape = new long[rank];
                for (int r = 0; r < rank; r++) {
                    shape[r] = in.readLong();
                }
                long n = in.readLong();
                if (n < 0 || n > Integer.MAX_VALUE / 4) {
                    throw new IOException(source + ": tensor " + name + " has an impossible size " + n);
                }
                byte[] bytes = new byte[(int) n * 4];
                in.readFully(bytes);
                float[] v = new float[(int) n];
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
                archive.put(name, shape, v);
            }
            byte[] expected = sha.digest();
            byte[] stored = new byte[32];
            new DataInputStream(raw).readFully(stored);
            if (!MessageDigest.isEqual(expected, stored)) {
                throw new IOException(source + " is damaged: its SHA-256 does not match its contents");
            }
        } catch (EOFException e) {
            throw new IOException(source + " is truncated", e);
        }
        return archive;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
