package io.dxmi.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dxmi.core.dxmi.DxmiTrainer;
import io.dxmi.core.dxmi.ModelStore;
import io.dxmi.core.model.DataInfo;
import io.dxmi.core.model.ModelDirectory;
import io.dxmi.platform.checkpoint.CheckpointStore;
import io.dxmi.platform.checkpoint.DirectoryLock;
import io.dxmi.platform.checkpoint.StateDirectoryConflict;
import io.dxmi.platform.metrics.Metrics;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * A learner's checkpoints, in {@code <state-dir>/<run>/<role>}: its trainer's whole state
 * (networks, optimizers, AVR, counters, random streams) as a model directory, plus where it
 * resumes on the topics ({@link Position}), the run's name and its plan's hash. Written
 * atomically; the newest two are kept. The directory is locked while a learner uses it, so a
 * second instance of the learner refuses to start instead of racing the first; and a checkpoint
 * of another run or another plan is refused (a reused state directory), never resumed.
 */
public final class LearnerCheckpoints implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LearnerCheckpoints.class);

    /**
     * Where a learner resumes.
     *
     * @param nextOffset the next trajectory offset to read (every earlier record is learned or refused)
     * @param iteration the trainer's iteration
     * @param otherVersion the version of the other model in use (the value-learner's EBM), -1 if none
     * @param recentBatchIds the newest learned batch ids (a batch sent twice is learned once)
     */
    public record Position(long nextOffset, long iteration, long otherVersion, List<String> recentBatchIds) {}

    private final Path dir;
    private final CheckpointStore store;
    private final DirectoryLock lock;
    private final String run;
    private final String planHash;
    private final String role;
    private final CounterDataPoint failures;
    private final GaugeDataPoint failing;
    private final CounterDataPoint damaged;

    /** Opens (and locks) the checkpoints of {@code role} of the plan's run under {@code stateDir}. */
    public LearnerCheckpoints(Path stateDir, String role, RunPlan plan, String owner) throws IOException {
        this(stateDir, role, plan, owner, Metrics.create(role));
    }

    /** The same, with the checkpoint fault metrics in {@code metrics}. */
    public LearnerCheckpoints(Path stateDir, String role, RunPlan plan, String owner, Metrics metrics)
            throws IOException {
        this.run = plan.spec().runId();
        this.planHash = plan.hash();
        this.role = role;
        this.failures = metrics.counter("dxmi_checkpoint_failures_total", "Checkpoint writes that failed");
        this.failing = metrics.gauge("dxmi_checkpoint_failing",
                "1 while the learner cannot write its checkpoint (it stops learning and retries)");
        this.damaged = metrics.counter("dxmi_checkpoint_damaged_total",
                "Checkpoints found damaged at start (set aside; the learner resumed from an older one)");
        this.dir = stateDir.resolve(run).resolve(role);
        this.lock = DirectoryLock.acquire(dir, owner);
        this.store = new CheckpointStore(dir, 2);
    }

    /** The learner's directory (its checkpoints, lock and journal). */
    public Path dir() {
        return dir;
    }

    /** Saves; call on the training thread (the state must not move while it is captured). */
    public void save(DxmiTrainer trainer, DataInfo data, Position position) throws IOException {
        store.write(trainer.iteration(), dir -> {
            ModelStore.saveDxmi(dir.resolve("model"), trainer, data, null);
            ObjectNode n = ModelDirectory.json().createObjectNode();
            n.put("run", run);
            n.put("planHash", planHash);
            n.put("nextOffset", position.nextOffset());
            n.put("iteration", position.iteration());
            n.put("otherVersion", position.otherVersion());
            position.recentBatchIds().forEach(n.putArray("recentBatchIds")::add);
            ModelDirectory.writeJson(dir.resolve("position.json"), n);
        });
    }

    /**
     * Saves, retrying until it is written: a full or read-only disk stops the learner (the training
     * thread waits here; one log line, {@code dxmi_checkpoint_failing} is 1) but loses nothing, and
     * learning goes on once the disk takes the checkpoint again. Gives up only when stopping.
     */
    public void saveUntilWritten(DxmiTrainer trainer, DataInfo data, Position position, BooleanSupplier stopping)
            throws InterruptedException {
        int failed = 0;
        long t0 = System.nanoTime();
        while (true) {
            try {
                save(trainer, data, position);
                if (failed > 0) {
                    LOG.info("{} wrote its checkpoint of iteration {} after {} failed attempts ({} s); learning goes"
                            + " on", role, position.iteration(), failed, (System.nanoTime() - t0) / 1_000_000_000L);
                    failing.set(0);
                }
                return;
            } catch (IOException | RuntimeException e) {
                if (stopping.getAsBoolean()) {
                    throw new InterruptedException("stopping with an unwritten checkpoint");
                }
                failed++;
                failures.inc();
                if (failed == 1) {
                    failing.set(1);
                    LOG.error("{} cannot write its checkpoint of iteration {} ({}); learning stops until it can", role,
                            position.iteration(), e.toString());
                }
                long until = System.currentTimeMillis() + Math.min(30_000L, 500L << Math.min(6, failed));
                while (!stopping.getAsBoolean() && System.currentTimeMillis() < until) {
                    Thread.sleep(100);
                }
            }
        }
    }

    /** When the newest checkpoint was written (its directory's modification time, epoch ms); 0 when none. */
    public long newestMillis() throws IOException {
        Optional<Path> latest = store.latest();
        return latest.isEmpty() ? 0 : Files.getLastModifiedTime(latest.get()).toMillis();
    }

    /**
     * Restores the newest readable checkpoint into {@code trainer}, if there is one. A damaged checkpoint (a file
     * whose SHA-256 does not match, an unreadable position) is renamed {@code damaged-ckpt-N}, kept for inspection,
     * counted in {@code dxmi_checkpoint_damaged_total} and logged, and the older one is restored: the learner goes
     * back one more checkpoint interval and re-reads its batches from the trajectory topic, which keeps them for
     * that. (The value-learner's journal holds the energies of the newest interval only, so after such a fall-back
     * it takes the nearest published energies and a synchronous run is no longer bit-exact; it logs that.)
     *
     * @throws StateDirectoryConflict naming both runs when the checkpoint belongs to another run or plan
     * @throws IOException when every checkpoint there is damaged
     */
    public Optional<Position> restore(DxmiTrainer trainer) throws IOException {
        List<Path> all = new ArrayList<>(store.list());
        String newestDamage = null;
        for (int i = all.size() - 1; i >= 0; i--) {
            Path dir = all.get(i);
            JsonNode n;
            try {
                n = ModelDirectory.json().readTree(Files.readString(dir.resolve("position.json")));
            } catch (IOException | RuntimeException e) {
                setAside(dir, e, i > 0 ? all.get(i - 1) : null);
                newestDamage = newestDamage != null ? newestDamage : firstLine(e);
                continue;
            }
            String theirRun = n.path("run").asText("?");
            String theirPlan = n.path("planHash").asText("?");
            if (!run.equals(theirRun) || !planHash.equals(theirPlan)) {
                throw new StateDirectoryConflict("the checkpoint in " + dir + " belongs to run '" + theirRun
                        + "' (plan " + theirPlan + "), not to run '" + run + "' (plan " + planHash + "); use another"
                        + " --state-dir or delete it");
            }
            try {
                ModelStore.LoadedDxmi loaded = ModelStore.loadDxmi(dir.resolve("model"));
                try {
                    trainer.restoreState(loaded.state());
                } finally {
                    loaded.model().close();
                }
            } catch (IOException | RuntimeException e) {
                setAside(dir, e, i > 0 ? all.get(i - 1) : null);
                newestDamage = newestDamage != null ? newestDamage : firstLine(e);
                continue;
            }
            List<String> ids = new ArrayList<>();
            n.path("recentBatchIds").forEach(id -> ids.add(id.asText()));
            return Optional.of(new Position(n.path("nextOffset").asLong(), n.path("iteration").asLong(),
                    n.path("otherVersion").asLong(-1), ids));
        }
        if (newestDamage != null) {
            throw new IOException(role + ": every checkpoint in " + dir + " is damaged (the newest: " + newestDamage
                    + "); they are kept as damaged-ckpt-*");
        }
        return Optional.empty();
    }

    /** An exception's message without the parser's position lines that follow it. */
    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private void setAside(Path checkpoint, Exception why, Path older) throws IOException {
        damaged.inc();
        Path aside = checkpoint.resolveSibling("damaged-" + checkpoint.getFileName());
        if (Files.exists(aside)) {
            aside = checkpoint.resolveSibling("damaged-" + checkpoint.getFileName() + "-" + System.currentTimeMillis());
        }
        Files.move(checkpoint, aside);
        LOG.error("{}: checkpoint {} is damaged ({}); set aside as {}; {}", role, checkpoint.getFileName(),
                firstLine(why), aside.getFileName(), older != null ? "resuming from " + older.getFileName()
                        : "no older checkpoint is left");
    }

    @Override
    public void close() throws IOException {
        lock.close();
    }
}
