package io.dxmi.core.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A model on disk: {@code model.json} (the manifest: kind, configuration, data, provenance,
 * training state) beside {@code weights.dxt} (a {@link TensorArchive}). The manifest records the
 * weights' SHA-256 and reading verifies it, so a manifest never describes other weights.
 */
public final class ModelDirectory {

    public static final String FORMAT = "dxmi-model";
    /** Version 1: the first release. Readers accept every version up to this one. */
    public static final int FORMAT_VERSION = 1;
    public static final String MANIFEST = "model.json";
    public static final String WEIGHTS = "weights.dxt";

    /** The project's version, recorded in every manifest. */
    public static final String SOFTWARE_VERSION = "0.1.0";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelDirectory() {}

    /** The shared JSON mapper (records, indented output). */
    public static ObjectMapper json() {
        return JSON;
    }

    /** A new manifest of the given kind with format, version and creation time filled in. */
    public static ObjectNode newManifest(String kind) {
        ObjectNode m = JSON.createObjectNode();
        m.put("format", FORMAT);
        m.put("formatVersion", FORMAT_VERSION);
        m.put("kind", kind);
        m.put("createdAt", Instant.now().toString());
        ObjectNode sw = m.putObject("software");
        sw.put("dxmi", SOFTWARE_VERSION);
        sw.put("java", System.getProperty("java.version"));
        return m;
    }

    /**
     * Writes the weights and the manifest (with the weights' hash) as a pair: both go to temporary
     * files first and are renamed into place only once both are complete, so a full disk or any other
     * write failure leaves the model that was there, loadable (a new {@code weights.dxt} under the old
     * manifest would not verify, and a resumed job would start again from nothing). Only a crash between
     * the two renames can part them, and {@link #read} then finishes the write from the new manifest's temporary
     * file. A failure names the directory and whether the old model is kept.
     */
    public static void write(Path dir, ObjectNode manifest, TensorArchive weights) throws IOException {
        Files.createDirectories(dir);
        deleteLeftovers(dir);
        Path weightsTmp = null;
        Path manifestTmp = null;
        boolean replacedWeights = false;
        try {
            weightsTmp = Files.createTempFile(dir, WEIGHTS, ".tmp");
            String sha;
            try (OutputStream out = Files.newOutputStream(weightsTmp)) {
                sha = weights.write(out);
            }
            ObjectNode prov = manifest.has("provenance") ? (ObjectNode) manifest.get("provenance")
                    : manifest.putObject("provenance");
            prov.put("weightsSha256", sha);
            manifestTmp = Files.createTempFile(dir, MANIFEST, ".tmp");
            Files.writeString(manifestTmp, JSON.writeValueAsString(manifest) + "\n", StandardCharsets.UTF_8);
            Files.move(weightsTmp, dir.resolve(WEIGHTS), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            replacedWeights = true;
            Files.move(manifestTmp, dir.resolve(MANIFEST), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(weightsTmp);
            deleteQuietly(manifestTmp);
            throw new IOException("cannot write the model in " + dir + ": " + rootMessage(e)
                    + (replacedWeights ? " (its weights were replaced but not its manifest: it will not load)"
                            : " (the model that was there, if any, is kept)"), e);
        }
    }

    /** Temporary files of writes killed before their renames: this write replaces whatever they held. */
    private static void deleteLeftovers(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if ((name.startsWith(WEIGHTS) || name.startsWith(MANIFEST)) && name.endsWith(".tmp")) {
                    deleteQuietly(f);
                }
            }
        }
    }

    /** Writes JSON atomically (temporary file, then move); a failure names the file and leaves the old one. */
    public static void writeJson(Path file, JsonNode node) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = null;
        try {
            tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
            Files.writeString(tmp, JSON.writeValueAsString(node) + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp);
            throw new IOException("cannot write " + file + ": " + rootMessage(e), e);
        }
    }

    /**
     * The innermost message of a failure, or its type when it has none: a full disk's "No space left on device"
     * rather than the wrappers around it.
     */
    public static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** Deletes a temporary file if it is there, ignoring failure: the failure being reported matters more. */
    public static void deleteQuietly(Path tmp) {
        if (tmp == null) {
            return;
        }
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
            // a leftover temporary file; the next write of the same file clears it
        }
    }

    /** A loaded model directory. */
    public record Loaded(Path dir, ObjectNode manifest, TensorArchive weights) {
        public String kind() {
            return manifest.path("kind").asText();
        }
    }

    /** Reads and checks a model directory; every problem is an IOException naming it. */
    public static Loaded read(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            throw new IOException("model directory not found: " + dir);
        }
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + " is not a model directory (it is a file)");
        }
        Path manifestFile = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            throw new IOException(dir + " is not a model directory: it has no " + MANIFEST);
        }
        JsonNode node;
        try {
            node = JSON.readTree(manifestFile.toFile());
        } catch (JsonProcessingException e) {
            throw new IOException(manifestFile + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode) || !FORMAT.equals(node.path("format").asText())) {
            throw new IOException(manifestFile + " is not a DxMI model manifest (format is not '" + FORMAT + "')");
        }
        int version = node.path("formatVersion").asInt(-1);
        if (version < 1 || version > FORMAT_VERSION) {
            throw new IOException(manifestFile + " has model format version " + version + "; this build reads 1 to "
                    + FORMAT_VERSION);
        }
        TensorArchive weights = TensorArchive.read(dir.resolve(WEIGHTS));
        String expected = node.path("provenance").path("weightsSha256").asText("");
        String actual = sha256(dir.resolve(WEIGHTS));
        if (!expected.isEmpty() && !expected.equals(actual)) {
            ObjectNode pending = finishInterruptedWrite(dir, actual);
            if (pending == null) {
                throw new IOException(dir.resolve(WEIGHTS) + " does not match its manifest (SHA-256 " + actual
                        + ", manifest says " + expected + ")");
            }
            node = pending;
        }
        return new Loaded(dir, (ObjectNode) node, weights);
    }

    /**
     * A write stopped between its two renames ({@link #write}) leaves the new weights under the old manifest and the
     * new manifest, complete, in its temporary file: finds that manifest by the weights' hash and moves it into place
     * (where the directory is writable). Null when there is none.
     */
    private static ObjectNode finishInterruptedWrite(Path dir, String weightsSha) throws IOException {
        List<Path> candidates;
        try (Stream<Path> files = Files.list(dir)) {
            candidates = files.filter(f -> f.getFileName().toString().startsWith(MANIFEST)
                    && f.getFileName().toString().endsWith(".tmp")).sorted().toList();
        }
        for (Path tmp : candidates) {
            JsonNode m;
            try {
                m = JSON.readTree(tmp.toFile());
            } catch (IOException e) {
                continue; // a manifest whose own write was cut short
            }
            if (m instanceof ObjectNode o && FORMAT.equals(o.path("format").asText())
                    && weightsSha.equals(o.path("provenance").path("weightsSha256").asText())) {
                try {
                    Files.move(tmp, dir.resolve(MANIFEST), StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    // a read-only directory: the manifest found is used all the same
                }
                return o;
            }
        }
        return null;
    }

    /** The trailer hash a {@link TensorArchive} file carries (its last 32 bytes). */
    public static String sha256(Path archive) throws IOException {
        long size = Files.size(archive);
        if (size < 32) {
            throw new IOException(archive + " is truncated");
        }
        try (var ch = Files.newByteChannel(archive)) {
            ch.position(size - 32);
            var buf = ByteBuffer.allocate(32);
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // read the trailer fully
            }
            return HexFormat.of().formatHex(buf.array());
        }
    }

    /** SHA-256 of a string (configuration hashes). */
    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
