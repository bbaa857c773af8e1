package io.dxmi.core.anomaly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.data.SampleShape;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The one-class reference detector against values computed by hand, and reports written before it. */
class MeanImageReferenceTest {

    private static final SampleShape TWO_PIXELS = SampleShape.image(1, 1, 2);

    @TempDir
    Path tmp;

    @Test
    void ranksByTheSquaredDistanceToTheMeanNormalImage() {
        // Normal training images (0, 0) and (2, 2): the mean is (1, 1).
        float[] normalTrain = {0, 0, 2, 2};
        // Distances: normal (1, 1) → 0 and (1, 2) → 1; anomalous (3, 3) → 8 and (1, 1.5) → 0.25.
        LabelledImages test = new LabelledImages(TWO_PIXELS, new float[] {1, 1, 3, 3, 1, 2, 1, 1.5f},
                new int[] {0, 1, 0, 1});
        // Anomalous above normal in 3 of the 4 pairs: 8 > 0, 8 > 1, 0.25 > 0 (0.25 < 1).
        assertEquals(0.75, MeanImageReference.auroc(normalTrain, test, 0), 1e-12);
        // The same mean with class 1 called normal: normal {8, 0.25} against anomalous {0, 1}, 1 pair of 4.
        assertEquals(0.25, MeanImageReference.auroc(normalTrain, test, 1), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> MeanImageReference.auroc(new float[] {1, 2, 3}, test, 0));
    }

    @Test
    void itsMapIsTheAbsoluteDifferenceFromTheMeanSummedOverChannels() {
        SampleShape twoChannels = SampleShape.image(2, 1, 2);
        // Two training images; the mean is (1, 1 | 0, 2) in channel-major order.
        float[] mean = MeanImageReference.meanImage(new float[] {0, 2, 0, 4, 2, 0, 0, 0}, 4);
        assertArrayEquals(new float[] {1, 1, 0, 2}, mean, 1e-6f);
        // The second image of a batch, (3, 1 | 1, -1): pixel 0 gives |3 - 1| + |1 - 0| = 3, pixel 1 |1 - 1| + |-1 - 2| = 3.
        float[] batch = {9, 9, 9, 9, 3, 1, 1, -1};
        assertArrayEquals(new float[] {3, 3}, MeanImageReference.map(batch, 4, mean, twoChannels), 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> MeanImageReference.meanImage(new float[] {1, 2, 3}, 2));
    }

    @Test
    void aReportWrittenBeforeThePixelReferenceStillReads() throws Exception {
        Path file = tmp.resolve("oneclass.json");
        Files.writeString(file, """
                {"data":"fashion-mnist","settingsHash":"abc","config":{},"pretrainConfig":{},
                 "classes":[{"normalClass":0,"name":"0 (T-shirt/top)","auroc":0.948,"trainImages":6000,
                   "testNormal":1000,"testAnomalous":9000,"seconds":660.0,"referenceAuroc":0.915,
                   "defects":[{"kind":"scratch","images":20,"meanArea":30.5,"pixelAuroc":0.62,"imageAuroc":0.7}]}],
                 "meanAuroc":0.948,"meanReferenceAuroc":0.915}
                """);
        OneClassReport old = OneClassReport.read(file).orElseThrow();
        assertNull(old.classes().get(0).defects().get(0).referencePixelAuroc());
        String table = String.join("\n", old.table());
        assertTrue(table.contains("| 0 (T-shirt/top) | 94.8 | – | 91.5 | 62.0 | 6000 | 11.0 |"), table);
    }

    @Test
    void aReportWrittenBeforeTheReferenceStillReads() throws Exception {
        Path file = tmp.resolve("oneclass.json");
        Files.writeString(file, """
                {"data":"fashion-mnist","settingsHash":"abc","config":{},"pretrainConfig":{},
                 "classes":[{"normalClass":0,"name":"0 (T-shirt/top)","auroc":0.718,"trainImages":6000,
                   "testNormal":1000,"testAnomalous":9000,"seconds":379.0,"defects":[]}],
                 "meanAuroc":0.718}
                """);
        OneClassReport old = OneClassReport.read(file).orElseThrow();
        assertNull(old.classes().get(0).referenceAuroc());
        assertNull(old.classes().get(0).energyHeadAuroc(), "reports from before the feature density have no head AUROC");
        assertNull(old.meanReferenceAuroc());
        String table = String.join("\n", old.table());
        assertTrue(table.contains("| 0 (T-shirt/top) | 71.8 | – | – |"), table);
        assertTrue(table.contains("| **mean of 1** | **71.8** | – | – |"), table);
    }
}
