package io.dxmi.dashboard;

import io.dxmi.core.job.TrainJob;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Pretraining's progress, before the run's plan exists: the {@code pretrain} records that the pretraining job
 * appends to {@code <run dir>/pretrained/metrics.jsonl}, read incrementally (only the new bytes) on a worker
 * thread at each tick. A file that shrank was started anew (a new run): it is read again from the start.
 * Confined to the dashboard's context.
 */
final class PretrainWatcher {

    private final Vertx vertx;
    private final Path file;
    private final Series loss = new Series();
    private long position;
    private JsonObject latest;
    private boolean reading;

    /** @param runDir the run directory, or null: nothing to watch */
    PretrainWatcher(Vertx vertx, Path runDir) {
        this.vertx = vertx;
        this.file = runDir == null ? null : runDir.resolve(TrainJob.PRETRAINED).resolve(TrainJob.METRICS);
    }

    /** Reads what was appended since the last check; runs {@code onChange} (on this context) when there was some. */
    void check(Runnable onChange) {
        if (file == null || reading) {
            return;
        }
        reading = true;
        long from = position;
        vertx.executeBlocking(() -> read(from)).onComplete(ar -> {
            reading = false;
            if (ar.failed() || ar.result() == null) {
                return;
            }
            Chunk chunk = ar.result();
            if (chunk.restarted()) {
                loss.clear();
                latest = null;
            }
            position = chunk.end();
            for (JsonObject r : chunk.records()) {
                latest = r;
                Double l = r.getDouble("loss");
                if (l != null) {
                    loss.add(System.currentTimeMillis(), r.getDouble("iteration"), l);
                }
            }
            if (!chunk.records().isEmpty() || chunk.restarted()) {
                onChange.run();
            }
        });
    }

    /**
     * {@code {iteration, total, itPerSecond, loss, points}} of the newest record, or null before any; points are
     * (time, iteration, loss) as every other curve's.
     */
    JsonObject toJson() {
        if (latest == null) {
            return null;
        }
        return new JsonObject().put("iteration", latest.getValue("iteration")).put("total", latest.getValue("total"))
                .put("itPerSecond", latest.getValue("it_s")).put("loss", latest.getValue("loss"))
                .put("points", loss.toJson());
    }

    /** Whole new lines since {@code from} (a line still being written waits for the next check). */
    private Chunk read(long from) throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        long size = Files.size(file);
        boolean restarted = size < from;
        long start = restarted ? 0 : from;
        if (size == start) {
            return restarted ? new Chunk(List.of(), 0, true) : null;
        }
        byte[] bytes = new byte[(int) Math.min(size - start, 8 << 20)];
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            in.seek(start);
            in.readFully(bytes);
        }
        int lastNewline = -1;
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                lastNewline = i;
                break;
            }
        }
        List<JsonObject> records = new ArrayList<>();
        if (lastNewline >= 0) {
            for (String line : new String(bytes, 0, lastNewline, StandardCharsets.UTF_8).split("\n")) {
                try {
                    JsonObject r = new JsonObject(line);
                    if ("pretrain".equals(r.getString("kind"))) {
                        records.add(r);
                    }
                } catch (DecodeException | ClassCastException e) {
                    // not a record of ours: skipped
                }
            }
        }
        return new Chunk(records, start + lastNewline + 1, restarted);
    }

    private record Chunk(List<JsonObject> records, long end, boolean restarted) {}
}
