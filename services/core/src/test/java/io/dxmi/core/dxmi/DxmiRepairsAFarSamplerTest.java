package io.dxmi.core.dxmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.data.CsvDataset;
import io.dxmi.core.data.vector.SyntheticSet;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.diffusion.DdpmPretrainer;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.diffusion.StepCoefficients;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.engine.ProgressListener;
import io.dxmi.core.eval.Evaluator;
import io.dxmi.core.model.Normalization;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.core.random.Rng;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

/**
 * End to end on a small 3-D set where the few-step sampler derived from a 1000-step DDPM starts
 * far from the data: a thin circle (radius 3, noise 0.05) in a tilted plane, off-centre and in
 * uneven units, trained like a user's CSV file. The derived 5-step sampler's last step is a
 * posterior mean, so it draws a shrunken, blurred circle; DxMI with the default settings must
 * bring its SW well below the derived sampler's and learn an energy that ranks the circle above
 * the widened bounding box.
 */
class DxmiRepairsAFarSamplerTest {

    private static final NetworkConfig SMALL = new NetworkConfig(64, 2, 16);
    private static final int PRETRAIN_ITERATIONS = Integer.getInteger("dxmi.test.pretrain", 3000);
    // Separate energy and value networks (the default) start slower than one shared network: at 1,000 iterations
    // they had reached SW 1.33 / AUC 0.892 (shared: 0.82 / 0.949), at 2,000 SW 0.68 (the floor) / AUC 0.993.
    // With the energy twice the value's width (the default since) the sampler gets there sooner but the energy ranks
    // the ring above the box later: at 2,000 SW 0.88 / AUC 0.773, at 5,000 0.48 / 0.958 (the narrow energy: 0.65 / 0.986).
    // With the sampler's sigma network (the default since), at 5,000: SW 0.57 (the floor 0.66) / AUC 0.969; with the
    // energy's square term at 0.3 rather than 1 (the default since), SW 0.47 / AUC 0.992.
    private static final int ITERATIONS = Integer.getInteger("dxmi.test.iterations", 5000);

    /** A circle of radius 3 in the plane spanned by (1, 1, 0)/√2 and (0, 0, 1), shifted and scaled per column. */
    static final SyntheticSet TILTED_RING = new SyntheticSet("tilted-ring3d", "test circle",
            new double[] {50, -3, 0.5}, new double[] {10, 10, 0.1}, (rng, out, o) -> {
                double a = 2 * Math.PI * rng.nextDouble();
                double u = 3 * Math.cos(a) / Math.sqrt(2);
                out[o] = u + 0.05 * rng.nextGaussian();
                out[o + 1] = u + 0.05 * rng.nextGaussian();
                out[o + 2] = 3 * Math.sin(a) + 0.05 * rng.nextGaussian();
            }, null);

    @BeforeAll
    static void runtime() {
        DjlRuntime.configure(1);
    }

    @Test
    void dxmiPullsAFarOffSamplerOntoTheDataAndRanksItAboveTheBox() {
        CsvDataset data = TILTED_RING.materialise(5000, 11);
        Normalization standardised = Normalization.standardize(data.rows(), data.dimension());
        Evaluator ev = Evaluator.builder().setData(data).optSamples(3000).optRepeats(1).optDirections(300).build();
        PretrainConfig pc = new PretrainConfig(1000, 1e-4, 0.02, PRETRAIN_ITERATIONS, 512, 2e-3f, true, SMALL, 3L);
        try (DdpmModel ddpm = new DdpmPretrainer(pc, ProgressListener.NONE).train(3, standardised, data::sample)) {
            double floor = ev.slicedWasserstein(data::sample).mean();
            // Uniform steps: on the default quadratic ones the derived sampler starts only 1.9x the floor here
            // (SW 1.23), too near for this test, whose point is a sampler that must move far.
            DxmiConfig cfg = DxmiConfig.builder().optSamplerSteps(5).optTau(0.1f).optNetwork(SMALL)
                    .optIterations(ITERATIONS).optSeed(4).optStepSpacing(StepCoefficients.Spacing.UNIFORM).build();
            // The sampler DxMI starts from: the DDPM on the configuration's 5 steps.
            StepCoefficients steps = StepCoefficients.of(ddpm.schedule(), 5, cfg.stepSpacing());
            double swDerived = ev.slicedWasserstein((n, rng) -> ddpm.sample(n, steps, rng)).mean();
            try (DxmiModel model = DxmiModel.fromPretrained(cfg, ddpm, new Rng(cfg.seed()))) {
                DxmiTrainer trainer = new DxmiTrainer(model, data::sample);
                for (int i = 0; i < ITERATIONS; i++) {
                    trainer.step();
                }
                double swAfter = ev.slicedWasserstein(model::sample).mean();
                double auc = ev.energyAuc(model::energy);
                System.out.printf("floor %.3f, derived T=5 %.3f, DxMI %.3f; energy AUC %.4f; sigmas %s%n", floor,
                        swDerived, swAfter, auc, Arrays.toString(model.sampler().sigmas()));
                assertEquals(0, trainer.skippedUpdates());
                // The premise: the derived 5-step sampler is far off (4.2x the floor with these seeds).
                assertTrue(swDerived > 3 * floor, "the derived sampler should start far off: " + swDerived
                        + " vs floor " + floor);
                assertTrue(swAfter < 0.5 * swDerived, "DxMI " + swAfter + " vs derived " + swDerived);
                assertTrue(auc > 0.9, "energy AUC " + auc);
            }
        }
    }
}
