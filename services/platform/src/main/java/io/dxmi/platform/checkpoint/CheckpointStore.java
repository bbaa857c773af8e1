package io.dxmi.platform.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints on local disk: each checkpoint is a directory of files named by a sequence number
 * ({@code ckpt-0000000000000000042}), written atomically and keeping only the newest {@code keep}.
 *
 * <p>Atomicity: files are written into a hidden temporary directory, forced to disk, and the directory is then
 * renamed into place in one step, so a crash leaves either the old set of checkpoints or the new one, never a
 * half-written checkpoint under a checkpoint name. Leftover temporary directories from a crash are removed when
 * the store is opened. The store holds no open resources. Not safe for two writers on one directory.
 */
public final class CheckpointStore {

    /** Writes the files of one checkpoint into a fresh directory. */
    @FunctionalInterface
    public interface DirectoryWriter {
        /** Writes files into {@code dir} (it exists and is empty). */
        void write(Path dir) throws IOException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    private static final String PREFIX = "ckpt-";
    private static final String TMP_PREFIX = ".tmp-";

    private final Path root;
    private final int keep;

    /**
     * Opens (creating if needed) a store in {@code root} keeping the newest {@code keep} checkpoints.
     */
    public CheckpointStore(Path root, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be at least 1, got " + keep);
        }
        this.root = root;
        this.keep = keep;
        try {
            Files.createDirectories(root);
            try (Stream<Path> s = Files.list(root)) {
                for (Path p : s.filter(p -> p.getFileName().toString().startsWith(TMP_PREFIX)).toList()) {
                    deleteTree(p); // an interrupted write
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open checkpoint store " + root, e);
        }
    }

    /** The store's directory. */
    public Path root() {
        return root;
    }

    /**
     * Writes checkpoint {@code sequence} atomically, then deletes all but the newest {@code keep}. A checkpoint of the
     * same sequence is replaced (a retried write after a failure that came after the rename).
     *
     * @return the checkpoint's directory
     */
    public synchronized Path write(long sequence, DirectoryWriter writer) throws IOException {
        if (sequence < 0) {
            throw new IllegalArgumentException("Checkpoint sequence must be >= 0, got " + sequence);
        }
        Path target = root.resolve(name(sequence));
        if (Files.exists(target)) {
            Path doomed = root.resolve(TMP_PREFIX + "old-" + UUID.randomUUID());
            Files.move(target, doomed, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(doomed);
        }
        Path tmp = root.resolve(TMP_PREFIX + sequence + "-" + UUID.randomUUID());
        Files.createDirectory(tmp);
        try {
            writer.write(tmp);
            forceTree(tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("The file system of " + root + " cannot rename atomically", e);
            }
            force(root); // make the rename itself durable
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
        prune();
        return target;
    }

    /** Writes a checkpoint made of named byte arrays (file name to content). */
    public Path writeFiles(long sequence, Map<String, byte[]> files) throws IOException {
        return write(sequence, dir -> {
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                Path f = dir.resolve(e.getKey()).normalize();
                if (!f.startsWith(dir)) {
                    throw new IOException("File name escapes the checkpoint: " + e.getKey());
                }
                Files.createDirectories(f.getParent());
                Files.write(f, e.getValue());
            }
        });
    }

    /** Reads every regular file of a checkpoint (relative path to content). */
    public static Map<String, byte[]> readFiles(Path checkpoint) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(checkpoint)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                out.put(checkpoint.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }

    /** The newest checkpoint, if any. */
    public Optional<Path> latest() {
        List<Path> all = list();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** The sequence number of a checkpoint directory. */
    public static long sequenceOf(Path checkpoint) {
        return Long.parseLong(checkpoint.getFileName().toString().substring(PREFIX.length()));
    }

    /** All complete checkpoints, oldest first. */
    public List<Path> list() {
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> p.getFileName().toString().startsWith(PREFIX) && Files.isDirectory(p))
                    .sorted(Comparator.comparingLong(CheckpointStore::sequenceOf)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void prune() throws IOException {
        List<Path> all = new ArrayList<>(list());
        while (all.size() > keep) {
            Path old = all.remove(0);
            // Rename first so that a crash mid-delete leaves a temp dir (cleaned at open), not a broken checkpoint.
            Path doomed = root.resolve(TMP_PREFIX + "old-" + UUID.randomUUID());
            Files.move(old, doomed, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(doomed);
            LOG.debug("Pruned checkpoint {}", old);
        }
    }

    private static String name(long sequence) {
        return String.format("%s%019d", PREFIX, sequence);
    }

    private static void forceTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                force(p);
            }
        }
    }

    private static void force(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (!Files.isDirectory(p)) {
                throw e; // directories cannot be opened for sync on every platform; files must be
            }
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
