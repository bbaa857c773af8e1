package io.dxmi.core.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dxmi.core.model.ModelDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A measured value kept in a JSON file under a key that names the settings which produced it, so
 * that a rerun with the same settings reads it back instead of measuring again, and a rerun with
 * other settings measures anew.
 */
final class KeyedJson {

    private KeyedJson() {}

    /** The value stored under {@code key}, or null when the file is absent, unreadable or for another key. */
    static <T> T read(Path file, String key, Class<T> type) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            JsonNode n = ModelDirectory.json().readTree(file.toFile());
            if (!key.equals(n.path("key").asText())) {
                return null;
            }
            // "baselines": the field's name in files written before runs were kept too.
            JsonNode v = n.has("value") ? n.path("value") : n.path("baselines");
            return ModelDirectory.json().treeToValue(v, type);
        } catch (IOException e) {
            return null; // a file that cannot be read is measured again
        }
    }

    static void write(Path file, String key, Object value) throws IOException {
        ObjectNode n = ModelDirectory.json().createObjectNode();
        n.put("key", key);
        n.set("value", ModelDirectory.json().valueToTree(value));
        ModelDirectory.writeJson(file, n);
    }
}
