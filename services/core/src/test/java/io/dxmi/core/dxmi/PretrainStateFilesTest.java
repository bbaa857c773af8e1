package io.dxmi.core.dxmi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.diffusion.PretrainState;
import io.dxmi.core.model.DataInfo;
import io.dxmi.core.nn.NetworkConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;

/** A pretraining state that cannot be saved (a full disk) leaves the one saved before it, and says so. */
class PretrainStateFilesTest {

    @TempDir
    Path dir;

    private static PretrainState state(long iteration, float value) {
        LinkedHashMap<String, float[]> t = new LinkedHashMap<>();
        t.put(PretrainState.TRAIN + "w", new float[] {value, value});
        return new PretrainState(t, iteration, new long[] {1, 2, 3}, iteration, 0);
    }

    @Test
    void aFailedSaveKeepsTheStateSavedBeforeIt() throws IOException {
        PretrainConfig cfg = new PretrainConfig(1000, 1e-4, 0.02, 300, 8, 2e-3f, true, NetworkConfig.defaults(), 0L);
        DataInfo data = DataInfo.of(TestDdpms.DATA);
        ModelStore.savePretrainState(dir, state(100, 1f), cfg, data);
        // The next save's temporary file cannot be moved into place: a non-empty directory holds its name.
        Files.createDirectories(dir.resolve(ModelStore.PRETRAIN_STATE + ".tmp").resolve("occupied"));
        IOException e = assertThrows(IOException.class, () -> ModelStore.savePretrainState(dir, state(200, 2f), cfg,
                data));
        assertTrue(e.getMessage().startsWith("cannot save the pretraining state of step 200 in " + dir)
                && e.getMessage().contains("--resume continues from there"), e.getMessage());

        ModelStore.SavedPretrainState saved = ModelStore.loadPretrainState(dir);
        assertEquals(100, saved.state().iteration());
        assertArrayEquals(new float[] {1f, 1f}, saved.state().tensors().get(PretrainState.TRAIN + "w"));
    }
}
