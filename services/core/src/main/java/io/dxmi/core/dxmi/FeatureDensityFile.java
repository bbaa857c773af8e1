package io.dxmi.core.dxmi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dxmi.core.model.ModelDirectory;
import io.dxmi.core.model.TensorArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * A model directory's feature density ({@link FeatureDensity}): the tensors in {@value #TENSORS}
 * and what they are in {@value #FILE} (format, id, shrinkage, the normal data's name and hash,
 * the weights they were fitted on), beside {@code model.json}. Files of their own, like the
 * calibration's, so that fitting never rewrites the manifest or the weights and older model
 * directories stay loadable; the JSON is written last and names the tensors' hash, so a crash
 * between the two leaves no density rather than a half one. Reading it for other weights is refused.
 */
public final class FeatureDensityFile {

    public static final String FILE = "feature-density.json";
    public static final String TENSORS = "feature-density.dxt";
    public static final String FORMAT = "dxmi-feature-density";
    public static final int FORMAT_VERSION = 1;

    private static final ObjectMapper JSON = ModelDirectory.json();

    private FeatureDensityFile() {}

    /** A density as read back, with its provenance. */
    public record Stored(FeatureDensity density, String id, String dataName, String dataHash, String weightsSha256) {}

    /**
     * Writes (replaces) the density of the model in {@code dir}.
     *
     * @return its id (the first 12 hex digits of the tensors' hash)
     */
    public static String write(Path dir, FeatureDensity density, String dataName, String dataHash,
            String weightsSha256) throws IOException {
        TensorArchive a = new TensorArchive().put("mean", density.mean())
                .put("whiten", new long[] {density.dimension(), density.dimension()}, density.whiten());
        String sha = a.write(dir.resolve(TENSORS));
        ObjectNode n = JSON.createObjectNode();
        n.put("format", FORMAT);
        n.put("formatVersion", FORMAT_VERSION);
        n.put("id", sha.substring(0, 12));
        n.put("method", "gaussian");
        n.put("features", density.dimension());
        n.put("shrinkage", density.shrinkage());
        n.put("images", density.count());
        n.put("dataName", dataName);
        n.put("dataHash", dataHash);
        n.put("modelWeightsSha256", weightsSha256);
        n.put("tensorsSha256", sha);
        n.put("createdAt", Instant.now().toString());
        ModelDirectory.writeJson(dir.resolve(FILE), n);
        return sha.substring(0, 12);
    }

    /**
     * The density of the model in {@code dir}, if it has one.
     *
     * @param weightsSha256 the model's weights hash (null: not checked)
     * @throws IOException for a malformed or damaged density, or one fitted on other weights
     */
    public static Optional<Stored> read(Path dir, String weightsSha256) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        JsonNode n;
        try {
            n = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + " is not a valid feature density: " + e.getMessage().split("\n")[0], e);
        }
        if (!FORMAT.equals(n.path("format").asText()) || n.path("formatVersion").asInt(-1) < 1
                || n.path("formatVersion").asInt() > FORMAT_VERSION) {
            throw new IOException(file + " is not a feature density this build reads (format " + FORMAT + " 1 to "
                    + FORMAT_VERSION + ")");
        }
        String fittedOn = n.path("modelWeightsSha256").asText("");
        if (weightsSha256 != null && !fittedOn.isEmpty() && !weightsSha256.equals(fittedOn)) {
            throw new IOException(file + " was fitted on other weights (" + abbreviate(fittedOn) + ", the model's are "
                    + abbreviate(weightsSha256) + "): run 'dxmi feature-density' again");
        }
        Path tensors = dir.resolve(TENSORS);
        TensorArchive a = TensorArchive.read(tensors);
        String sha = ModelDirectory.sha256(tensors);
        if (!sha.equals(n.path("tensorsSha256").asText())) {
            throw new IOException(tensors + " is not the one " + file + " describes (hash " + abbreviate(sha)
                    + "): run 'dxmi feature-density' again");
        }
        FeatureDensity d;
        try {
            d = new FeatureDensity(a.get("mean"), a.get("whiten"), n.path("shrinkage").asDouble(),
                    n.path("images").asInt());
        } catch (IllegalArgumentException e) {
            throw new IOException(tensors + ": " + e.getMessage(), e);
        }
        return Optional.of(new Stored(d, n.path("id").asText(), n.path("dataName").asText(null),
                n.path("dataHash").asText(null), fittedOn.isEmpty() ? null : fittedOn));
    }

    /** Removes the density of the model in {@code dir} (nothing when it has none). */
    public static void delete(Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve(FILE));
        Files.deleteIfExists(dir.resolve(TENSORS));
    }

    private static String abbreviate(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) + "…" : sha;
    }
}
