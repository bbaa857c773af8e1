package io.dxmi.core.dxmi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.model.DataInfo;
import io.dxmi.core.model.ModelDirectory;
import io.dxmi.core.model.Normalization;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.core.random.Rng;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A separate energy network of its own width: in the configuration's JSON only when set, built, saved and loaded. */
class EnergyNetworkShapeTest {

    private static final NetworkConfig VALUE = new NetworkConfig(8, 2, 8);
    private static final NetworkConfig WIDE = new NetworkConfig(24, 2, 8);

    @TempDir
    Path tmp;

    @Test
    void aSeparateMlpEnergyIsTwiceAsWideUnlessToldAndOlderManifestsKeepTheirs() throws Exception {
        ObjectMapper json = ModelDirectory.json();
        DxmiConfig defaults = DxmiConfig.defaults();
        assertEquals(new NetworkConfig(2 * defaults.network().hidden(), defaults.network().layers(),
                defaults.network().embeddingDim()), defaults.energyNetworkOrValues());
        ObjectNode old = json.valueToTree(defaults);
        old.remove("energyNetwork"); // a manifest written before the energy had a shape of its own
        assertEquals(defaults.network(), json.treeToValue(old, DxmiConfig.class).energyNetworkOrValues(),
                "built as it was trained: both networks at the value's width");
        DxmiConfig again = json.treeToValue(old, DxmiConfig.class).toBuilder().optIterations(7).build();
        assertEquals(defaults.network(), again.energyNetworkOrValues(), "a resumed old run keeps its shape");
        assertEquals(null, DxmiConfig.builder().optValueSharing(ValueSharing.SHARED).build().energyNetwork());
        assertEquals(null, DxmiConfig.imageBuilder().optValueSharing(ValueSharing.SEPARATE).build().energyNetwork(),
                "a convolutional energy keeps the value's shape");
        DxmiConfig chosen = DxmiConfig.builder().optNetwork(VALUE).optEnergyNetwork(WIDE).build();
        DxmiConfig read = json.readValue(json.writeValueAsString(chosen), DxmiConfig.class);
        assertEquals(chosen, read);
        assertEquals(WIDE, read.energyNetworkOrValues());
        assertEquals(VALUE, read.network());
        assertEquals(null, chosen.toBuilder().optValueSharing(ValueSharing.SHARED).build().energyNetwork(),
                "one shared network has no energy of its own");
    }

    @Test
    void theEnergyIsBuiltAtItsOwnWidthAndLoadsBack() throws Exception {
        DjlRuntime.configure(1);
        DxmiConfig cfg = DxmiConfig.builder().optNetwork(VALUE).optEnergyNetwork(WIDE).optSamplerSteps(2).build();
        PretrainConfig sampler = new PretrainConfig(50, 1e-4, 0.02, 0, 8, 1e-3f, true, VALUE, 0L);
        float[] probe = {0.1f, -0.3f, 1.2f, 0.4f, -2f, 0.7f};
        Path dir = tmp.resolve("m");
        float[] energies;
        try (DxmiModel m = DxmiModel.untrained(cfg, sampler, 2, Normalization.identity(2), new Rng(3))) {
            Map<String, float[]> energy = m.energyWeights();
            Map<String, float[]> all = m.weights();
            assertEquals(WIDE.hidden(), widest(energy, ValueModel.ENERGY_PREFIX));
            assertEquals(VALUE.hidden(), widest(all, ValueModel.VALUE_PREFIX));
            energies = m.energy(probe);
            ModelStore.saveWeightsOnly(dir, m, new DataInfo("probe", 2, "probe-hash", new double[] {-1, -1},
                    new double[] {1, 1}, "test", null), Map.of("test", "EnergyNetworkShapeTest"));
        }
        ModelStore.LoadedDxmi loaded = ModelStore.loadDxmi(dir);
        try (DxmiModel m = loaded.model()) {
            assertEquals(WIDE, m.config().energyNetworkOrValues());
            assertArrayEquals(energies, m.energy(probe), 0f);
        }
    }

    /** The network's widest layer: its longest bias. */
    private static int widest(Map<String, float[]> weights, String prefix) {
        return weights.entrySet().stream().filter(e -> e.getKey().startsWith(prefix) && e.getKey().endsWith("bias"))
                .mapToInt(e -> e.getValue().length).max().orElseThrow();
    }
}
