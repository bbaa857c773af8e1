package io.dxmi.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The value-learner's journal entries: an energy version's weights with its gap, and the older bare entries. */
class JournaledEnergyTest {

    private static Map<String, float[]> weights() {
        Map<String, float[]> w = new LinkedHashMap<>();
        w.put("energy.w", new float[] {1.5f, -2f, Float.MIN_VALUE});
        w.put("energy.scale", new float[] {0.25f});
        return w;
    }

    @Test
    void theGapAndWeightsComeBackThroughTheJournal(@TempDir Path dir) throws Exception {
        try (VersionJournal journal = new VersionJournal(dir.resolve("j"))) {
            journal.append(7, new JournaledEnergy(weights(), -0.1234567890123).encode());
            journal.append(8, new JournaledEnergy(weights(), Double.NaN).encode());
            journal.append(9, new JournaledEnergy(weights(), null).encode());
            journal.append(10, WeightBlobs.encode(weights())); // an entry written before the gap travelled
            Map<Long, byte[]> read = journal.read();
            JournaledEnergy e7 = JournaledEnergy.decode(read.get(7L), "v7");
            assertEquals(-0.1234567890123, e7.gap(), 0.0);
            assertArrayEquals(weights().get("energy.w"), e7.weights().get("energy.w"));
            assertTrue(JournaledEnergy.decode(read.get(8L), "v8").gap().isNaN());
            assertNull(JournaledEnergy.decode(read.get(9L), "v9").gap());
            JournaledEnergy old = JournaledEnergy.decode(read.get(10L), "v10");
            assertNull(old.gap());
            assertArrayEquals(weights().get("energy.scale"), old.weights().get("energy.scale"));
        }
    }

    @Test
    void aDamagedEntryIsAClearError() {
        byte[] bytes = new JournaledEnergy(weights(), 1.0).encode();
        bytes[14] ^= 0x55; // inside the weight payload's magic
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JournaledEnergy.decode(bytes, "journaled EBM v3"));
        assertTrue(e.getMessage().contains("journaled EBM v3"), e.getMessage());
    }
}
