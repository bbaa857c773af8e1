package io.dxmi.platform.checkpoint;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * An exclusive lock on a directory, so that two instances of one service never write the same
 * checkpoints: an OS file lock on {@code <dir>/lock}, whose content names the holder (process,
 * host, since when) for the error message of a second instance. The OS releases it when the
 * holder ends, even on {@code kill -9}, so a restarted instance never waits. It fences
 * instances that share the directory (one machine, or one shared volume whose file system
 * honours locks); instances on separate directories are a deployment error it cannot see.
 */
public final class DirectoryLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code dir} (created if missing) for {@code owner}.
     *
     * @throws StateDirectoryConflict naming the holder when another process or instance holds it
     */
    public static DirectoryLock acquire(Path dir, String owner) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("lock");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very process
        }
        if (lock == null) {
            String holder = Files.readString(file, StandardCharsets.UTF_8).trim();
            channel.close();
            throw new StateDirectoryConflict(dir + " is in use by another instance (" + (holder.isEmpty() ? "unknown"
                    : holder) + "): stop it first, or give this one its own state directory");
        }
        String me = owner + ", process " + ManagementFactory.getRuntimeMXBean().getName() + ", since "
                + Instant.now();
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(me.getBytes(StandardCharsets.UTF_8)), 0);
        channel.force(true);
        return new DirectoryLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
