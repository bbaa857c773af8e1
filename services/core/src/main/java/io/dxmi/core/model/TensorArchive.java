package io.dxmi.core.model;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
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
        return Collections.unmodifiableMap(tensors);
    }

    /** Writes atomically; returns the hex SHA-256 stored in the file's trailer. */
    public String write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            String hash;
            try (OutputStream raw = Files.newOutputStream(tmp)) {
                hash = write(raw);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return hash;
        } catch (IOException | RuntimeException e) {
            ModelDirectory.deleteQuietly(tmp);
            // A full disk's message is only "No space left on device": say which file, and that the old one stays.
            throw new IOException("cannot write " + file + ": " + e.getMessage() + " (the previous file, if any, is kept)",
                    e);
        }
    }

    /** Writes to a stream (not closed); returns the hex SHA-256 trailer. */
    public String write(OutputStream raw) throws IOException {
        byte[] bytes = toBytes();
        raw.write(bytes);
        raw.flush();
        return HexFormat.of().formatHex(bytes, bytes.length - 32, bytes.length);
    }

    /**
     * The archive as one array, trailer included: exactly what {@link #write(OutputStream)}
     * writes. Sized up front and filled in one pass (snapshots are encoded every iteration of the
     * synchronous pipeline, where stream layers and buffer growth cost more than the hash).
     */
    public byte[] toBytes() {
        byte[][] names = new byte[tensors.size()][];
        long size = 12 + 32;
        int i = 0;
        for (Map.Entry<String, float[]> e : tensors.entrySet()) {
            names[i] = modifiedUtf8(e.getKey());
            size += names[i].length + 4 + 8L * shapes.get(e.getKey()).length + 8 + 4L * e.getValue().length;
            i++;
        }
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("a tensor archive of " + size + " bytes does not fit one array");
        }
        byte[] out = new byte[(int) size];
        ByteBuffer b = ByteBuffer.wrap(out); // big-endian framing
        b.putInt(MAGIC).putInt(FORMAT_VERSION).putInt(tensors.size());
        i = 0;
        for (Map.Entry<String, float[]> e : tensors.entrySet()) {
            b.put(names[i++]);
            long[] shape = shapes.get(e.getKey());
            b.putInt(shape.length);
            for (long d : shape) {
                b.putLong(d);
            }
            float[] v = e.getValue();
            b.putLong(v.length);
            ByteBuffer.wrap(out, b.position(), v.length * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(v);
            b.position(b.position() + v.length * 4);
        }
        MessageDigest sha = sha256();
        sha.update(out, 0, b.position());
        b.put(sha.digest());
        return out;
    }

    /** Reads and verifies an archive; a damaged or foreign file gives an IOException naming it. */
    public static TensorArchive read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("tensor archive not found: " + file);
        }
        return fromBytes(Files.readAllBytes(file), file.toString());
    }

    /** Reads and verifies an archive from a stream (read to its end). */
    public static TensorArchive read(InputStream raw, String source) throws IOException {
        return fromBytes(raw.readAllBytes(), source);
    }

    /** Reads and verifies an archive held in {@code bytes}; {@code source} names it in errors. */
    public static TensorArchive fromBytes(byte[] bytes, String source) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        TensorArchive archive = new TensorArchive();
        try {
            if (b.getInt() != MAGIC) {
                throw new IOException(source + " is not a DxMI tensor archive (bad magic)");
            }
            int version = b.getInt();
            if (version > FORMAT_VERSION || version < 1) {
                throw new IOException(source + " has tensor archive format " + version
                        + "; this build reads up to " + FORMAT_VERSION);
            }
            int count = b.getInt();
            for (int i = 0; i < count; i++) {
                String name = readModifiedUtf8(b);
                int rank = b.getInt();
                if (rank < 0 || rank > 16) {
                    throw new IOException(source + ": tensor " + name + " has an impossible rank " + rank);
                }
                long[] shape = new long[rank];
                for (int r = 0; r < rank; r++) {
                    shape[r] = b.getLong();
                }
                long n = b.getLong();
                if (n < 0 || n > Integer.MAX_VALUE / 4) {
                    throw new IOException(source + ": tensor " + name + " has an impossible size " + n);
                }
                if (b.remaining() < n * 4) {
                    throw new BufferUnderflowException();
                }
                float[] v = new float[(int) n];
                ByteBuffer.wrap(bytes, b.position(), (int) n * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
                b.position(b.position() + (int) n * 4);
                archive.put(name, shape, v);
            }
            MessageDigest sha = sha256();
            sha.update(bytes, 0, b.position());
            byte[] stored = new byte[32];
            b.get(stored);
            if (!MessageDigest.isEqual(sha.digest(), stored)) {
                throw new IOException(source + " is damaged: its SHA-256 does not match its contents");
            }
        } catch (BufferUnderflowException e) {
            throw new IOException(source + " is truncated", e);
        } catch (IllegalArgumentException e) {
            throw new IOException(source + " is damaged: " + e.getMessage(), e); // e.g. a shape that does not match
        }
        return archive;
    }

    /** A name as {@link DataOutputStream#writeUTF} writes it (two length bytes, modified UTF-8). */
    private static byte[] modifiedUtf8(String name) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(name.length() + 2);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(name);
        } catch (IOException e) {
            throw new IllegalArgumentException("tensor name too long: " + name.length() + " characters", e);
        }
        return bytes.toByteArray();
    }

    private static String readModifiedUtf8(ByteBuffer b) throws IOException {
        int length = Short.toUnsignedInt(b.getShort());
        if (b.remaining() < length) {
            throw new BufferUnderflowException();
        }
        b.position(b.position() - 2);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(b.array(), b.position(), length + 2));
        String name = in.readUTF();
        b.position(b.position() + length + 2);
        return name;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
