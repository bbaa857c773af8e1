package io.dxmi.platform.snapshot;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The chunks a {@link BlobReader} has read, by version, until their manifest comes; and the
 * checks of a manifest's declarations. Memory is bounded: uploads that never got a manifest
 * (a failed attempt, or forged chunks) are forgotten, oldest first, beyond twice the largest
 * blob accepted or 16 versions. Confined to the reader's thread.
 */
final class ChunkCollector {

    private final long maxBytes;
    private final Map<Long, Chunks> byVersion = new LinkedHashMap<>();

    ChunkCollector(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Checks a chunk record and keeps it; an IOException names what is wrong with it. */
    void add(String key, byte[] value) throws IOException {
        BlobChunk c = BlobCodec.decodeChunk(value);
        if (c.count() < 1 || c.index() < 0 || c.index() >= c.count() || c.data().length > ChunkedBlobs.MAX_CHUNK_SIZE
                || !key.equals(ChunkedBlobs.chunkKey(c.name(), c.version()))) {
            throw new IOException("inconsistent chunk " + c.index() + "/" + c.count() + " of " + c.name() + " v"
                    + c.version() + " (" + c.data().length + " bytes) under key " + key);
        }
        Chunks held = byVersion.get(c.version());
        if (held == null || !held.name.equals(c.name()) || c.index() == 0) {
            held = new Chunks(c.name(), c.version()); // index 0 again: a retried upload starts over
            byVersion.put(c.version(), held);
        }
        held.bytes += c.data().length - lengthOf(held.parts.put(c.index(), c.data()));
        long total = 0;
        for (Chunks h : byVersion.values()) {
            total += h.bytes;
        }
        for (Iterator<Chunks> it = byVersion.values().iterator(); it.hasNext()
                && (total > 2 * maxBytes || byVersion.size() > 16);) {
            total -= it.next().bytes;
            it.remove();
        }
    }

    /** Whether every chunk of {@code ref} is held. */
    boolean complete(BlobRef ref) {
        Chunks c = byVersion.get(ref.version());
        return c != null && c.name.equals(ref.name()) && c.parts.size() == ref.chunkCount()
                && c.parts.lastKey() == ref.chunkCount() - 1;
    }

    /** The blob of {@code ref} from its chunks (which are then forgotten). */
    byte[] assemble(BlobRef ref) throws IOException {
        if (!complete(ref)) {
            Chunks c = byVersion.get(ref.version());
            throw new IOException("chunks of " + ref + " are missing (" + (c == null ? 0 : c.parts.size()) + " of "
                    + ref.chunkCount() + " on the topic before the manifest)");
        }
        Chunks c = byVersion.remove(ref.version());
        byte[] out = new byte[(int) ref.size()];
        int pos = 0;
        for (int i = 0; i < ref.chunkCount(); i++) {
            byte[] part = c.parts.get(i);
            int want = (int) Math.min(ref.chunkSize(), ref.size() - pos);
            if (part.length != want) {
                throw new IOException("chunk " + i + " of " + ref + " has " + part.length + " bytes, expected " + want);
            }
            System.arraycopy(part, 0, out, pos, want);
            pos += want;
        }
        return out;
    }

    void forget(long version) {
        byVersion.remove(version);
    }

    void clear() {
        byVersion.clear();
    }

    /** Every declared size within the limit and consistent, before anything is allocated. */
    void checkDeclared(BlobRef ref, long manifestOffset) throws IOException {
        String what = ref.name() + " v" + ref.version();
        if (ref.size() < 0 || ref.size() > maxBytes) {
            throw new IOException(what + " declares " + ref.size() + " bytes; the limit is " + maxBytes);
        }
        if (ref.sha256() == null || ref.sha256().length != 32) {
            throw new IOException(what + " has no 32-byte SHA-256");
        }
        if (ref.inline() != null) {
            if (ref.inline().length != ref.size() || ref.chunkCount() != 0) {
                throw new IOException(what + " is inline but declares " + ref.size() + " bytes and "
                        + ref.chunkCount() + " chunks");
            }
            return;
        }
        long expected = ref.chunkSize() < 1 ? -1 : (ref.size() + ref.chunkSize() - 1) / ref.chunkSize();
        if (ref.chunkSize() < 1 || ref.chunkSize() > ChunkedBlobs.MAX_CHUNK_SIZE || ref.chunkCount() != expected
                || ref.firstChunkOffset() < 0 || ref.firstChunkOffset() >= manifestOffset) {
            throw new IOException(what + " declares " + ref.chunkCount() + " chunks of " + ref.chunkSize()
                    + " bytes from offset " + ref.firstChunkOffset() + " for " + ref.size() + " bytes at offset "
                    + manifestOffset);
        }
    }

    /** Checks a blob against its declared SHA-256. */
    static void verify(BlobRef ref, byte[] blob) throws IOException {
        byte[] actual;
        try {
            actual = MessageDigest.getInstance("SHA-256").digest(blob);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (!MessageDigest.isEqual(actual, ref.sha256())) {
            throw new IOException("SHA-256 mismatch for " + ref + ": declared " + ref.sha256Hex() + ", content "
                    + HexFormat.of().formatHex(actual));
        }
    }

    private static int lengthOf(byte[] b) {
        return b == null ? 0 : b.length;
    }

    private static final class Chunks {
        final String name;
        final TreeMap<Integer, byte[]> parts = new TreeMap<>();
        long bytes;

        Chunks(String name, long version) {
            this.name = name;
        }
    }
}
