package io.dxmi.core.dxmi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dxmi.core.model.ModelDirectory;
import io.dxmi.core.model.TensorArchive;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A model directory's feature density ({@link FeatureDensity}): the tensors in
 * {@code feature-density-ID.dxt} (ID: the first 12 hex digits of their hash) and what they are in
 * {@value #FILE} (format, id, the tensors' file and hash, shrinkage, the normal data's name and
 * hash, the weights they were fitted on), beside {@code model.json}. Files of their own, like the
 * calibration's, so that fitting never rewrites the manifest or the weights and older model
 * directories stay loadable. The tensors are named by their content and the JSON is written last,
 * so a crash at any point while a density is replaced leaves the old one whole (format 1 kept its
 * tensors in {@value #TENSORS_V1}, which a crash between the two files could leave mismatched; such
 * directories are still read). Format 3 adds the density's views ({@link FeatureDensity#views()}); a
 * density without views is still written as format 2, which older builds read. Reading it for other
 * weights is refused.
 */
public final class FeatureDensityFile {

    public static final String FILE = "feature-density.json";
    /** Where format 1 kept the tensors (format 2 names them in the JSON). */
    public static final String TENSORS_V1 = "feature-density.dxt";
    public static final String FORMAT = "dxmi-feature-density";
    public static final int FORMAT_VERSION = 3;
    /** The format of a density without views: what builds before views read. */
    private static final int FORMAT_VERSION_WITHOUT_VIEWS = 2;

    private static final String TENSORS_PREFIX = "feature-density";
    private static final Pattern TENSORS_NAME = Pattern.compile("feature-density(-[0-9a-f]{12}|\\.writing)?\\.dxt");

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
        TensorArchive a = archive(density);
        Path writing = dir.resolve(TENSORS_PREFIX + ".writing.dxt");
        String sha = a.write(writing);
        String tensors = tensorsFile(sha.substring(0, 12));
        Files.move(writing, dir.resolve(tensors), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        ObjectNode n = JSON.createObjectNode();
        n.put("format", FORMAT);
        n.put("formatVersion", density.views().isEmpty() ? FORMAT_VERSION_WITHOUT_VIEWS : FORMAT_VERSION);
        n.put("id", sha.substring(0, 12));
        n.put("method", "gaussian");
        n.put("features", density.dimension());
        ArrayNode blocks = n.putArray("blocks");
        for (int b : density.blocks()) {
            blocks.add(b);
        }
        if (!density.views().isEmpty()) {
            ArrayNode views = n.putArray("views");
            density.views().forEach(v -> views.add(v.label()));
        }
        n.put("shrinkage", density.shrinkage());
        n.put("images", density.count());
        if (density.meanImage() != null) {
            n.put("meanImageValues", density.meanImage().length);
        }
        n.put("dataName", dataName);
        n.put("dataHash", dataHash);
        n.put("modelWeightsSha256", weightsSha256);
        n.put("tensors", tensors);
        n.put("tensorsSha256", sha);
        n.put("createdAt", Instant.now().toString());
        ModelDirectory.writeJson(dir.resolve(FILE), n);
        deleteTensorsExcept(dir, tensors);
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
        String name = n.path("formatVersion").asInt() == 1 ? TENSORS_V1 : n.path("tensors").asText("");
        if (!TENSORS_NAME.matcher(name).matches()) {
            throw new IOException(file + " names no tensors file this build reads ('" + name + "')");
        }
        Path tensors = dir.resolve(name);
        TensorArchive a = TensorArchive.read(tensors);
        String sha = ModelDirectory.sha256(tensors);
        if (!sha.equals(n.path("tensorsSha256").asText())) {
            throw new IOException(tensors + " is not the one " + file + " describes (hash " + abbreviate(sha)
                    + "): run 'dxmi feature-density' again");
        }
        FeatureDensity d;
        try {
            d = !a.tensors().containsKey("weights")
                    // Written before densities had blocks: one Gaussian, ½ its squared distance.
                    ? new FeatureDensity(a.get("mean"), a.get("whiten"), n.path("shrinkage").asDouble(),
                            n.path("images").asInt())
                    : new FeatureDensity(a.get("mean"), a.get("whiten"), a.get("weights"), offset(a),
                            blocks(a), n.path("shrinkage").asDouble(), n.path("images").asInt(), views(a))
                            .withMeanImage(a.tensors().get("meanImage"));
        } catch (IllegalArgumentException e) {
            throw new IOException(tensors + ": " + e.getMessage(), e);
        }
        return Optional.of(new Stored(d, n.path("id").asText(), n.path("dataName").asText(null),
                n.path("dataHash").asText(null), fittedOn.isEmpty() ? null : fittedOn));
    }

    /**
     * The id the density's files would have (the first 12 hex digits of its tensors' hash): names a density
     * fitted in memory the way its files would.
     */
    public static String id(FeatureDensity density) {
        try {
            return archive(density).write(OutputStream.nullOutputStream()).substring(0, 12);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a null stream does not fail
        }
    }

    private static TensorArchive archive(FeatureDensity density) {
        // The blocks and the offset go in the tensors too, so that the id (their hash) names the whole energy.
        float[] blocks = new float[density.blocks().length];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = density.blocks()[i];
        }
        // One block keeps the F × F shape of the first format; several are packed one after the other.
        long[] whitenShape = blocks.length == 1 ? new long[] {density.dimension(), density.dimension()}
                : new long[] {density.whiten().length};
        TensorArchive archive = new TensorArchive().put("mean", density.mean())
                .put("whiten", whitenShape, density.whiten())
                .put("weights", density.weights()).put("offset", new float[] {(float) density.offset()})
                .put("blocks", blocks);
        if (!density.views().isEmpty()) {
            // In the tensors too, so that the id names what the density reads; absent without views, so that the
            // ids of densities written before views existed do not change.
            float[] views = new float[density.views().size()];
            for (int i = 0; i < views.length; i++) {
                views[i] = density.views().get(i).ordinal();
            }
            archive.put("views", views);
        }
        if (density.meanImage() != null) {
            // Absent from densities written before it existed (their ids do not change); they draw combined maps
            // without the mean-image term.
            archive.put("meanImage", density.meanImage());
        }
        return archive;
    }

    private static List<ShapeTransform> views(TensorArchive a) {
        float[] v = a.tensors().get("views");
        if (v == null) {
            return List.of();
        }
        ShapeTransform[] all = ShapeTransform.values();
        List<ShapeTransform> out = new ArrayList<>();
        for (float code : v) {
            int i = Math.round(code);
            if (i != code || i < 0 || i >= all.length) {
                throw new IllegalArgumentException("its views name no layout this build knows (" + code + ")");
            }
            out.add(all[i]);
        }
        return out;
    }

    private static double offset(TensorArchive a) {
        float[] o = a.tensors().get("offset");
        if (o == null || o.length != 1) {
            throw new IllegalArgumentException("its weights come without a single offset");
        }
        return o[0];
    }

    private static int[] blocks(TensorArchive a) {
        float[] b = a.tensors().get("blocks");
        if (b == null) {
            throw new IllegalArgumentException("its weights come without blocks");
        }
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = Math.round(b[i]);
        }
        return out;
    }

    /** Removes the density of the model in {@code dir} (nothing when it has none). */
    public static void delete(Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve(FILE));
        deleteTensorsExcept(dir, null);
    }

    /** The tensors file of the density with this id. */
    public static String tensorsFile(String id) {
        return TENSORS_PREFIX + "-" + id + ".dxt";
    }

    /** Removes tensors no JSON names any more: older densities', and a write that stopped before its JSON. */
    private static void deleteTensorsExcept(Path dir, String keep) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (TENSORS_NAME.matcher(name).matches() && !name.equals(keep)) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private static String abbreviate(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) + "…" : sha;
    }
}
