package io.dxmi.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.engine.GradientRecorder;
import io.dxmi.core.model.ModelDirectory;
import io.dxmi.core.random.Rng;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ImageNetworksTest {

    private static final SampleShape GRAY_16 = SampleShape.image(1, 16, 16);

    @BeforeAll
    static void engine() {
        DjlRuntime.configure(1);
    }

    private static NDArray embed(NDManager m, TimeNetwork net, double t, int n) {
        return m.create(net.embedding().embedRepeated(t, n), new Shape(n, net.embedding().dimension()));
    }

    private static NDArray images(NDManager m, SampleShape shape, int n, long seed) {
        return m.create(new Rng(seed).gaussians(n * shape.size()), new Shape(shape.batch(n)));
    }

    private static float maxAbsDifference(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }

    @Test
    void unetKeepsTheImageShapeAndDependsOnTime() {
        UNetConfig cfg = new UNetConfig(8, new int[] {1, 2}, 1, true, 4);
        try (NDManager m = NDManager.newBaseManager()) {
            UNet net = new UNet(cfg, SampleShape.image(3, 8, 8), "eps.", m, new Rng(1));
            NDArray x = images(m, SampleShape.image(3, 8, 8), 2, 2);
            NDArray a = net.forward(x, embed(m, net, 10, 2));
            NDArray b = net.forward(x, embed(m, net, 900, 2));
            assertArrayEquals(new long[] {2, 3, 8, 8}, a.getShape().getShape());
            assertTrue(maxAbsDifference(a, b) > 1e-4, "the time must change the output");
            assertTrue(net.parameters().arrays().keySet().stream().allMatch(k -> k.startsWith("eps.")));
            assertTrue(net.multiplyAddsPerSample() > 0);
        }
    }

    @Test
    void unetSamplesInABatchDoNotInfluenceEachOther() {
        try (NDManager m = NDManager.newBaseManager()) {
            UNet net = new UNet(new UNetConfig(8, new int[] {1, 2}, 1, true, 4), GRAY_16, "", m, new Rng(3));
            NDArray x = images(m, GRAY_16, 3, 4);
            NDArray all = net.forward(x, embed(m, net, 500, 3));
            NDArray first = net.forward(x.get("0:1"), embed(m, net, 500, 1));
            assertEquals(0, maxAbsDifference(all.get("0:1"), first), 1e-5);
        }
    }

    @Test
    void unetDefaultsFor28x28HaveAboutAMillionParameters() {
        try (NDManager m = NDManager.newBaseManager()) {
            UNet net = new UNet(UNetConfig.defaults(), SampleShape.image(1, 28, 28), "", m, new Rng(0));
            long p = net.parameters().size();
            assertTrue(p > 700_000 && p < 1_500_000, "parameters: " + p);
            NDArray y = net.forward(images(m, SampleShape.image(1, 28, 28), 1, 1), embed(m, net, 3, 1));
            assertArrayEquals(new long[] {1, 1, 28, 28}, y.getShape().getShape());
        }
    }

    @Test
    void unetRefusesSidesThatDoNotHalveEvenly() {
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new UNet(UNetConfig.defaults(), SampleShape.image(1, 30, 30), "", m, new Rng(0)));
            assertTrue(e.getMessage().contains("divisible by 4"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> new UNet(UNetConfig.defaults(), SampleShape.vector(4), "", m, new Rng(0)));
        }
    }

    private static void assertOneNumberPerImageWithGradientsEverywhere(NDManager m, ConvEnergy net) {
        NDArray x = images(m, GRAY_16, 3, 6);
        NDArray e;
        try (GradientRecorder g = GradientRecorder.open()) {
            e = net.forward(x, embed(m, net, 0, 3));
            g.backward(e.sum());
        }
        assertArrayEquals(new long[] {3, 1}, e.getShape().getShape());
        for (var p : net.parameters().arrays().entrySet()) {
            assertTrue(p.getValue().getGradient().abs().sum().getFloat() > 0, "no gradient at " + p.getKey());
        }
    }

    @Test
    void convEnergyGivesOneNumberPerImageAndGradientsReachEveryWeight() {
        try (NDManager m = NDManager.newBaseManager()) {
            ConvEnergy net = new ConvEnergy(new ConvEnergyConfig(4, false, 8), GRAY_16, "energy.", m, new Rng(5));
            assertOneNumberPerImageWithGradientsEverywhere(m, net);
        }
    }

    @Test
    void theFeaturesAreOneBlockPerMapPooledToAboutThreeByThree() {
        try (NDManager m = NDManager.newBaseManager()) {
            ConvEnergyConfig config = new ConvEnergyConfig(4, false, 8).withHead(ConvEnergyConfig.Head.FLATTEN);
            // 28 x 28: blocks 0 and 1 give 14 x 14 maps of 4 channels (pooled 4 x 4 to 3 x 3, and block 1 also
            // 2 x 2 to 7 x 7), blocks 2 and 3 give 7 x 7 of 8 channels (pooled 2 x 2 to 3 x 3), the head reads 8 x 3 x 3.
            SampleShape big = SampleShape.image(1, 28, 28);
            ConvEnergy net = new ConvEnergy(config, big, "", m, new Rng(5));
            NDArray x = m.randomNormal(new Shape(big.batch(3)));
            NDArray t = m.zeros(new Shape(3, 8));
            assertArrayEquals(new int[] {36, 36, 196, 72, 72, 72}, net.featureBlocks(x, t));
            NDArray f = net.features(x, t);
            assertEquals(new Shape(3, 484), f.getShape());
            // 8 x 8: block 1's map is 4 x 4, pooled with a 1 x 1 window towards 3 x 3 and 7 x 7 alike: the finer
            // view, the same numbers, is left out.
            SampleShape tiny = SampleShape.image(1, 8, 8);
            ConvEnergy small = new ConvEnergy(config, tiny, "", m, new Rng(5));
            NDArray xs = m.randomNormal(new Shape(tiny.batch(2)));
            assertArrayEquals(new int[] {64, 64, 32, 32, 8}, small.featureBlocks(xs, m.zeros(new Shape(2, 8))));
        }
    }

    @Test
    void aFlattenedHeadTakesEveryPositionOfTheLastMap() {
        try (NDManager m = NDManager.newBaseManager()) {
            ConvEnergyConfig config = new ConvEnergyConfig(4, false, 8).withHead(ConvEnergyConfig.Head.FLATTEN);
            ConvEnergy net = new ConvEnergy(config, GRAY_16, "", m, new Rng(5));
            // 16 -> 8 -> 4 -> 2 after three poolings, 2 x 4 channels: 8 x 2 x 2 inputs (the summed head: 8).
            assertEquals(32, net.parameters().get("head.weight").size());
            assertEquals(8, new ConvEnergy(new ConvEnergyConfig(4, false, 8), GRAY_16, "", m, new Rng(5)).parameters()
                    .get("head.weight").size());
            assertOneNumberPerImageWithGradientsEverywhere(m, net);
            assertEquals(ConvEnergyConfig.Head.FLATTEN, config.withTimeConditioning(true).head());
        }
    }

    @Test
    void theHeadSurvivesAModelFileAndOlderFilesReadAsSummed() throws Exception {
        ObjectMapper json = ModelDirectory.json();
        NetworkConfig flat = NetworkConfig.of(new ConvEnergyConfig(4, false, 8).withHead(ConvEnergyConfig.Head.FLATTEN));
        ObjectNode tree = json.valueToTree(flat);
        assertEquals(flat, json.treeToValue(tree, NetworkConfig.class));
        // The official head is not written: configurations (and their hashes) stay as older versions wrote them.
        ObjectNode summed = json.valueToTree(NetworkConfig.of(new ConvEnergyConfig(4, false, 8)));
        assertFalse(summed.get("convEnergy").has("head"), summed.toString());
        ((ObjectNode) tree.get("convEnergy")).remove("head"); // as written before the setting existed
        assertEquals(ConvEnergyConfig.Head.SUM, json.treeToValue(tree, NetworkConfig.class).convEnergy().head());
    }

    @Test
    void convEnergyUsesTheTimeOnlyWhenTimeConditioned() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = images(m, GRAY_16, 2, 7);
            ConvEnergy plain = new ConvEnergy(new ConvEnergyConfig(4, false, 8), GRAY_16, "", m, new Rng(8));
            assertEquals(0, maxAbsDifference(plain.forward(x, embed(m, plain, 0, 2)),
                    plain.forward(x, embed(m, plain, 700, 2))), 0);
            ConvEnergy timed = new ConvEnergy(new ConvEnergyConfig(4, true, 8), GRAY_16, "", m, new Rng(8));
            assertTrue(maxAbsDifference(timed.forward(x, embed(m, timed, 0, 2)),
                    timed.forward(x, embed(m, timed, 700, 2))) > 1e-6);
            assertFalse(plain.parameters().arrays().containsKey("block0.time.weight"));
            assertTrue(timed.parameters().arrays().containsKey("block0.time.weight"));
        }
    }

    @Test
    void networkConfigBuildsTheRightKindAndRefusesMismatches() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertTrue(NetworkConfig.of(UNetConfig.defaults().withChannels(8)).denoiser(GRAY_16, "", m,
                    new Rng(0)) instanceof UNet);
            assertTrue(NetworkConfig.of(ConvEnergyConfig.defaults()).scalar(GRAY_16, true, "", m,
                    new Rng(0)) instanceof ConvEnergy);
            assertTrue(NetworkConfig.defaults().denoiser(SampleShape.vector(2), "", m, new Rng(0)) instanceof TimeMlp);
            assertThrows(IllegalArgumentException.class,
                    () -> NetworkConfig.of(UNetConfig.defaults()).scalar(GRAY_16, false, "", m, new Rng(0)));
            assertThrows(IllegalArgumentException.class,
                    () -> NetworkConfig.of(ConvEnergyConfig.defaults()).denoiser(GRAY_16, "", m, new Rng(0)));
            assertEquals("mlp", NetworkConfig.defaults().kind());
        }
    }
}
