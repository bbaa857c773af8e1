package io.dxmi.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dxmi.core.dxmi.DxmiTrainer;
import io.dxmi.core.dxmi.ModelStore;
import io.dxmi.core.model.DataInfo;
import io.dxmi.core.model.ModelDirectory;
import io.dxmi.platform.checkpoint.CheckpointStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A learner's checkpoints: its trainer's whole state (networks, optimizers, AVR, counters,
 * random streams) as a model directory, plus the next trajectory offset to consume and the
 * versions it holds. Written atomically; the newest two are kept.
 */
public final class LearnerCheckpoints {

    /** Where a learner resumes from. */
    public record Position(long nextOffset, long iteration, long otherVersion) {}

    private final CheckpointStore store;

    public LearnerCheckpoints(Path dir) {
        this.store = new CheckpointStore(dir, 2);
    }

    /** Saves; call on the training thread (the state must not move while it is captured). */
    public void save(DxmiTrainer trainer, DataInfo data, Position position) throws IOException {
        store.write(trainer.iteration(), dir -> {
            ModelStore.saveDxmi(dir.resolve("model"), trainer, data, null);
            ObjectNode n = ModelDirectory.json().createObjectNode();
            n.put("nextOffset", position.nextOffset());
            n.put("iteration", position.iteration());
            n.put("otherVersion", position.otherVersion());
            ModelDirectory.writeJson(dir.resolve("position.json"), n);
        });
    }

    /** When the newest checkpoint was written (its directory's modification time, epoch ms); 0 when none. */
    public long newestMillis() throws IOException {
        Optional<Path> latest = store.latest();
        return latest.isEmpty() ? 0 : Files.getLastModifiedTime(latest.get()).toMillis();
    }

    /** Restores the newest checkpoint into {@code trainer}, if there is one. */
    public Optional<Position> restore(DxmiTrainer trainer) throws IOException {
        Optional<Path> latest = store.latest();
        if (latest.isEmpty()) {
            return Optional.empty();
        }
        Path dir = latest.get();
        ModelStore.LoadedDxmi loaded = ModelStore.loadDxmi(dir.resolve("model"));
        try {
            trainer.restoreState(loaded.state());
        } finally {
            loaded.model().close();
        }
        JsonNode n = ModelDirectory.json().readTree(Files.readString(dir.resolve("position.json")));
        return Optional.of(new Position(n.path("nextOffset").asLong(), n.path("iteration").asLong(),
                n.path("otherVersion").asLong()));
    }
}
