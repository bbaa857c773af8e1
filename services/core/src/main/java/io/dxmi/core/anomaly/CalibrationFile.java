package io.dxmi.core.anomaly;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dxmi.core.model.ModelDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A model directory's calibration: {@value #FILE} beside {@code model.json}. A file of its own, so
 * that calibrating never rewrites the manifest or the weights and every model directory — older
 * ones too — stays loadable as it was; replaced atomically. It names the weights it was computed
 * on, and reading it for other weights is refused.
 */
public final class CalibrationFile {

    public static final String FILE = "calibration.json";
    public static final String FORMAT = "dxmi-calibration";
    public static final int FORMAT_VERSION = 1;

    private static final ObjectMapper JSON = ModelDirectory.json();

    private CalibrationFile() {}

    /** Writes (replaces) the calibration of the model in {@code dir}. */
    public static void write(Path dir, Calibration c) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", FORMAT);
        n.put("formatVersion", FORMAT_VERSION);
        n.setAll((ObjectNode) JSON.valueToTree(c));
        ModelDirectory.writeJson(dir.resolve(FILE), n);
    }

    /**
     * The calibration of the model in {@code dir}, if it has one.
     *
     * @param weightsSha256 the model's weights hash (null: not checked)
     * @throws IOException for a malformed file or one calibrated on other weights
     */
    public static Optional<Calibration> read(Path dir, String weightsSha256) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Calibration c;
        try {
            ObjectNode n = (ObjectNode) JSON.readTree(file.toFile());
            if (!FORMAT.equals(n.path("format").asText()) || n.path("formatVersion").asInt(-1) < 1
                    || n.path("formatVersion").asInt() > FORMAT_VERSION) {
                throw new IOException(file + " is not a calibration this build reads (format " + FORMAT + " 1 to "
                        + FORMAT_VERSION + ")");
            }
            n.remove("format");
            n.remove("formatVersion");
            c = JSON.treeToValue(n, Calibration.class);
        } catch (JsonProcessingException | ClassCastException | IllegalArgumentException e) {
            throw new IOException(file + " is not a valid calibration: " + e.getMessage().split("\n")[0]);
        }
        if (weightsSha256 != null && c.modelWeightsSha256() != null && !weightsSha256.equals(c.modelWeightsSha256())) {
            throw new IOException(file + " was calibrated on other weights (" + abbreviate(c.modelWeightsSha256())
                    + ", the model's are " + abbreviate(weightsSha256) + "): run 'dxmi calibrate' again");
        }
        return Optional.of(c);
    }

    private static String abbreviate(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) + "…" : sha;
    }
}
