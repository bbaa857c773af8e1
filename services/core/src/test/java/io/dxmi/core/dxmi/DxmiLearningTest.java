package io.dxmi.core.dxmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.diffusion.StepCoefficients;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.eval.Evaluator;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.core.random.Rng;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * End to end: DxMI fine-tuning of a 5-step sampler derived from a small pretrained DDPM must
 * beat that 5-step sampler clearly and learn an energy that separates data from the box, with
 * separate energy and value networks (the default) and with one shared network.
 */
class DxmiLearningTest {

    private static final NetworkConfig SMALL = new NetworkConfig(64, 2, 16);
    private static final int PRETRAIN_ITERATIONS = Integer.getInteger("dxmi.test.pretrain", 4000);
    private static final int ITERATIONS = Integer.getInteger("dxmi.test.iterations", 1600);

    private static final long SEED = Long.getLong("dxmi.test.seed", 1);

    private static DdpmModel ddpm;
    private static double tPre;

    @BeforeAll
    static void pretrain() {
        DjlRuntime.configure(1);
        long t0 = System.nanoTime();
        ddpm = TestDdpms.train(SMALL, PRETRAIN_ITERATIONS, 512, 10 + SEED);
        tPre = (System.nanoTime() - t0) / 1e9;
    }

    @AfterAll
    static void close() {
        ddpm.close();
    }

    @ParameterizedTest
    @EnumSource(ValueSharing.class)
    void dxmiBeatsTheFiveStepDdpmAndLearnsAnEnergy(ValueSharing sharing) {
        Evaluator ev = Evaluator.builder().setData(TestDdpms.DATA).optSamples(4000).optRepeats(1).optDirections(300)
                .build();
        double swDdpm5 = ev.slicedWasserstein((n, rng) -> ddpm.sample(n, 5, rng)).mean();
        double swDdpm100 = ev.slicedWasserstein((n, rng) -> ddpm.sample(n, 100, rng)).mean();
        DxmiConfig cfg = DxmiConfig.builder().optSamplerSteps(5).optTau(0.1f).optBatchSize(256)
                .optNetwork(SMALL).optIterations(ITERATIONS).optSeed(SEED).optValueSharing(sharing).build();
        // The sampler DxMI starts from: the 5-step DDPM on the configuration's (quadratic) steps.
        StepCoefficients steps = StepCoefficients.of(ddpm.schedule(), 5, cfg.stepSpacing());
        double swStart = ev.slicedWasserstein((n, rng) -> ddpm.sample(n, steps, rng)).mean();
        try (DxmiModel model = DxmiModel.fromPretrained(cfg, ddpm, new Rng(cfg.seed()))) {
            double swBefore = ev.slicedWasserstein(model::sample).mean();
            double aucBefore = ev.energyAuc(x -> model.energy(x, model.values()));
            DxmiTrainer trainer = new DxmiTrainer(model, TestDdpms.DATA::sample);
            long t1 = System.nanoTime();
            IterationStats last = null;
            for (int i = 0; i < ITERATIONS; i++) {
                last = trainer.step();
            }
            double tTrain = (System.nanoTime() - t1) / 1e9;
            double swAfter = ev.slicedWasserstein(model::sample).mean();
            double aucAfter = ev.energyAuc(x -> model.energy(x, model.values()));
            double aucEma = ev.energyAuc(model::energy);
            System.out.printf("%s: pretrain %d its: %.1fs; DxMI %d its: %.1fs (%.1f it/s)%n", sharing,
                    PRETRAIN_ITERATIONS, tPre, ITERATIONS, tTrain, ITERATIONS / tTrain);
            System.out.printf("SW DDPM T=5 %.4f (on DxMI's steps %.4f), DDPM T=100 %.4f, DxMI before %.4f, after %.4f; "
                    + "AUC raw before %.4f, after %.4f, EMA %.4f; sigmas %s%n", swDdpm5, swStart, swDdpm100, swBefore,
                    swAfter, aucBefore, aucAfter, aucEma, Arrays.toString(last.sigmas()));
            assertEquals(0, trainer.skippedUpdates());
            // the starting point is the 5-step DDPM sampler on the same steps (only the last sigma differs: 0.1 vs 0)
            assertEquals(swStart, swBefore, 0.05, "DxMI before training vs DDPM T=5 on its steps");
            assertTrue(swAfter < swStart, "SW after " + swAfter + " vs its start " + swStart);
            // With quadratic steps the last one starts near the data, where the DDPM adds no noise: the
            // entropy term keeps its learnt sigma from collapsing to that zero, the energy keeps it from widening
            // past the data (0.08-0.09 here from 0.1; with uniform steps, the default before, it widened past 0.15)
            double lastSigma = SigmaNetworkTest.effectiveSigma(model, 4, 2000);
            System.out.printf("last step's sigma as drawn: %.4f%n", lastSigma);
            assertTrue(lastSigma > 0.03 && lastSigma < 0.15, "last sigma as drawn " + lastSigma);
            assertTrue(swAfter < 0.6 * swDdpm5, "SW after " + swAfter + " vs DDPM T=5 " + swDdpm5);
            assertTrue(aucAfter > 0.7, "energy AUC " + aucAfter);
        }
    }
}
