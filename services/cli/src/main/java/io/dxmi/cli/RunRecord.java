package io.dxmi.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dxmi.core.model.ModelDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What an embedded run directory says about its run before its broker starts: the run's name and its data (the
 * {@code --data} text and the data's content hash), so that {@code dxmi run --resume --out DIR} needs no
 * {@code --data} and a different one is refused before anything starts. The run's plan on its broker stays the
 * authority; this is its index card.
 *
 * @param run the run's name (its topics {@code dxmi.RUN.*})
 * @param dataSource the data as {@code --data} named it, in {@link io.dxmi.core.data.DataSpec}'s text form
 * @param dataHash the data's content hash when the run started
 */
record RunRecord(String run, String dataSource, String dataHash) {

    /** Its file in the run directory. */
    static final String FILE = "run.json";

    /** Writes it into the run directory {@code out}. */
    void write(Path out) throws IOException {
        ObjectNode n = ModelDirectory.json().createObjectNode();
        n.put("run", run);
        n.put("data", dataSource);
        n.put("data_hash", dataHash);
        ModelDirectory.writeJson(out.resolve(FILE), n);
    }

    /**
     * The record of the run in {@code out}; empty when there is none (a run directory of an older version).
     *
     * @throws UsageError when the file is there but cannot be read
     */
    static Optional<RunRecord> read(Path out) {
        Path file = out.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode n = ModelDirectory.json().readTree(file.toFile());
            if (!n.path("run").isTextual() || !n.path("data").isTextual() || !n.path("data_hash").isTextual()) {
                throw new IOException("it lacks the run's name, data or data hash");
            }
            return Optional.of(new RunRecord(n.get("run").asText(), n.get("data").asText(),
                    n.get("data_hash").asText()));
        } catch (IOException e) {
            throw new UsageError("--resume: " + file + " cannot be read (" + firstLine(e) + ")", e);
        }
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
