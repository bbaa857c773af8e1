package io.dxmi.core.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dxmi.core.model.ModelDirectory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A JSON-lines log of metrics in the run directory: one object per line, appended and flushed,
 * so that a crash loses at most the line being written and other tools can tail it.
 */
public final class MetricsLog implements AutoCloseable {

    private final BufferedWriter out;

    public MetricsLog(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** A new record with its kind and wall-clock time filled in. */
    public static ObjectNode record(String kind) {
        ObjectNode n = ModelDirectory.json().createObjectNode();
        n.put("kind", kind);
        n.put("time", System.currentTimeMillis() / 1000.0);
        return n;
    }

    public synchronized void append(ObjectNode record) {
        try {
            out.write(ModelDirectory.json().writer().without(
                    com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(record));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
