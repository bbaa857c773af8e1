package io.dxmi.pipeline;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An append-only journal of the versions of another model a learner used since its newest
 * checkpoint (version, then the snapshot's payload), so that after a restart it replays its
 * batches with exactly those versions even when the topic holds them no longer. Emptied at each
 * checkpoint, so it holds at most a checkpoint interval's versions. Not forced to disk: it
 * survives a killed process (the page cache keeps it), and a record cut short by a crash of the
 * machine is ignored. Confined to the learner's training thread.
 */
public final class VersionJournal implements AutoCloseable {

    private final FileChannel channel;

    public VersionJournal(Path file) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
    }

    /** Every complete record, by version (a version written twice: the later record). */
    public Map<Long, byte[]> read() throws IOException {
        Map<Long, byte[]> out = new LinkedHashMap<>();
        long size = channel.size();
        ByteBuffer head = ByteBuffer.allocate(12);
        long pos = 0;
        while (pos + 12 <= size) {
            head.clear();
            channel.read(head, pos);
            head.flip();
            long version = head.getLong();
            int length = head.getInt();
            if (length < 0 || pos + 12 + length > size) {
                break; // cut short
            }
            ByteBuffer payload = ByteBuffer.allocate(length);
            channel.read(payload, pos + 12);
            out.put(version, payload.array());
            pos += 12 + length;
        }
        return out;
    }

    public void append(long version, byte[] payload) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(12 + payload.length).putLong(version).putInt(payload.length).put(payload);
        b.flip();
        long at = channel.size();
        while (b.hasRemaining()) {
            at += channel.write(b, at);
        }
    }

    /** Empties the journal (a checkpoint covers what it held). */
    public void reset() throws IOException {
        channel.truncate(0);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
