package io.dxmi.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A model directory is written as a pair: when writing the new model fails part-way (a full disk,
 * here a manifest that cannot be serialised, which fails after the new weights are written), the
 * model that was there still loads, and no temporary file is left taking space.
 */
class ModelDirectoryTest {

    @TempDir
    Path dir;

    private static ObjectNode manifest(int version) {
        ObjectNode m = ModelDirectory.newManifest("test");
        m.put("version", version);
        return m;
    }

    @Test
    void aFailedWriteKeepsThePreviousModelLoadable() throws IOException {
        Path model = dir.resolve("model");
        ModelDirectory.write(model, manifest(1), new TensorArchive().put("w", new float[] {1, 2, 3}));

        ObjectNode broken = manifest(2);
        broken.putPOJO("unserialisable", new Object()); // Jackson refuses an empty bean: the manifest write fails
        IOException e = assertThrows(IOException.class, () -> ModelDirectory.write(model, broken,
                new TensorArchive().put("w", new float[] {7, 8, 9})));
        assertTrue(e.getMessage().contains(model.toString()) && e.getMessage().contains("is kept"), e.getMessage());

        ModelDirectory.Loaded loaded = ModelDirectory.read(model);
        assertEquals(1, loaded.manifest().path("version").asInt());
        assertArrayEquals(new float[] {1, 2, 3}, loaded.weights().get("w"));
        assertOnlyTheModelsFiles(model, "no temporary file left");
    }

    @Test
    void aSuccessfulWriteReplacesBothFiles() throws IOException {
        Path model = dir.resolve("model");
        ModelDirectory.write(model, manifest(1), new TensorArchive().put("w", new float[] {1, 2, 3}));
        ModelDirectory.write(model, manifest(2), new TensorArchive().put("w", new float[] {7, 8, 9}));
        ModelDirectory.Loaded loaded = ModelDirectory.read(model);
        assertEquals(2, loaded.manifest().path("version").asInt());
        assertArrayEquals(new float[] {7, 8, 9}, loaded.weights().get("w"));
    }

    @Test
    void aWriteStoppedBetweenItsRenamesIsFinishedByTheNextRead() throws IOException {
        Path model = dir.resolve("model");
        ModelDirectory.write(model, manifest(1), new TensorArchive().put("w", new float[] {1, 2, 3}));
        // The state a kill leaves between the renames: new weights in place, the new manifest still temporary.
        String sha = new TensorArchive().put("w", new float[] {7, 8, 9}).write(model.resolve(ModelDirectory.WEIGHTS));
        ObjectNode second = manifest(2);
        second.putObject("provenance").put("weightsSha256", sha);
        ModelDirectory.writeJson(model.resolve(ModelDirectory.MANIFEST + "4242.tmp"), second);
        ModelDirectory.writeJson(model.resolve(ModelDirectory.MANIFEST + "1111.tmp"), manifest(3)); // another hash

        ModelDirectory.Loaded loaded = ModelDirectory.read(model);
        assertEquals(2, loaded.manifest().path("version").asInt());
        assertArrayEquals(new float[] {7, 8, 9}, loaded.weights().get("w"));
        assertEquals(2, ModelDirectory.read(model).manifest().path("version").asInt(), "moved into place");

        ModelDirectory.write(model, manifest(4), new TensorArchive().put("w", new float[] {4}));
        assertOnlyTheModelsFiles(model, "the next write clears leftovers");
    }

    @Test
    void weightsThatMatchNoManifestStillFailToLoad() throws IOException {
        Path model = dir.resolve("model");
        ModelDirectory.write(model, manifest(1), new TensorArchive().put("w", new float[] {1, 2, 3}));
        new TensorArchive().put("w", new float[] {7, 8, 9}).write(model.resolve(ModelDirectory.WEIGHTS));
        IOException e = assertThrows(IOException.class, () -> ModelDirectory.read(model));
        assertTrue(e.getMessage().contains("does not match its manifest"), e.getMessage());
    }

    @Test
    void aFailedJsonWriteNamesTheFileAndKeepsTheOldOne() throws IOException {
        Path file = dir.resolve("result.json");
        ModelDirectory.writeJson(file, manifest(1));
        ObjectNode broken = manifest(2);
        broken.putPOJO("unserialisable", new Object());
        IOException e = assertThrows(IOException.class, () -> ModelDirectory.writeJson(file, broken));
        assertTrue(e.getMessage().startsWith("cannot write " + file), e.getMessage());
        assertEquals(1, ModelDirectory.json().readTree(file.toFile()).path("version").asInt());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left");
        }
    }

    private static void assertOnlyTheModelsFiles(Path model, String why) throws IOException {
        try (Stream<Path> files = Files.list(model)) {
            assertEquals(List.of(ModelDirectory.MANIFEST, ModelDirectory.WEIGHTS),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), why);
        }
    }
}
