package io.dxmi.core.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dxmi.core.metrics.MeanStd;
import io.dxmi.core.model.ModelDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the vector benchmark measures of one pretrained DDPM before DxMI runs: the SW floor, the
 * 1000-step DDPM, the derived few-step sampler and the reference score's AUC, with sampling
 * times. Kept beside the model (keyed by the evaluation protocol) so that a rerun that reuses
 * the model does not pay for the slow 1000-step sampling again.
 */
record Baselines(MeanStd floor, MeanStd ddpm, MeanStd derived, double aucReference, String reference,
        double msPer1000Ddpm, double msPer1000Derived) {

    /** The cached baselines for this protocol key, or null when absent, unreadable or for another protocol. */
    static Baselines read(Path file, String key) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            JsonNode n = ModelDirectory.json().readTree(file.toFile());
            if (!key.equals(n.path("key").asText())) {
                return null;
            }
            return ModelDirectory.json().treeToValue(n.path("baselines"), Baselines.class);
        } catch (IOException e) {
            return null; // a cache that cannot be read is measured again
        }
    }

    static void write(Path file, String key, Baselines b) throws IOException {
        ObjectNode n = ModelDirectory.json().createObjectNode();
        n.put("key", key);
        n.set("baselines", ModelDirectory.json().valueToTree(b));
        ModelDirectory.writeJson(file, n);
    }
}
