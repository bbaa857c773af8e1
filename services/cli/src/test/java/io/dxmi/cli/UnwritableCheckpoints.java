package io.dxmi.cli;

import io.dxmi.platform.checkpoint.CheckpointStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A learner's checkpoint directory that cannot be written (it becomes a file; the tests run as
 * root, where permissions stop nothing), and given back. A learner waits at its next checkpoint
 * until then, as on a full disk: the tests use that to hold a run mid-way, so that a fault they
 * inject (an outage, a stop, a kill) lands before the run can end however fast the machine is.
 */
final class UnwritableCheckpoints implements AutoCloseable {

    private final Path dir;
    private final Path aside;
    private boolean restored;

    private UnwritableCheckpoints(Path dir) throws IOException {
        this.dir = dir;
        this.aside = dir.resolveSibling(dir.getFileName() + ".aside");
        Files.move(dir, aside);
        Files.writeString(dir, "not a directory");
    }

    /** Makes the checkpoint directory {@code dir} unwritable until {@link #close()}. */
    static UnwritableCheckpoints of(Path dir) throws IOException {
        return new UnwritableCheckpoints(dir);
    }

    /** The newest checkpoint's iteration written (while unwritable: written before); -1 when none. */
    long newest() throws IOException {
        return newest(restored ? dir : aside);
    }

    /** Gives the directory back; idempotent. */
    @Override
    public void close() throws IOException {
        if (!restored) {
            Files.delete(dir);
            Files.move(aside, dir);
            restored = true;
        }
    }

    /** The newest checkpoint's iteration in a learner's directory; -1 when there is none (or no directory yet). */
    static long newest(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return -1;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("ckpt-"))
                    .mapToLong(CheckpointStore::sequenceOf).max().orElse(-1);
        }
    }
}
