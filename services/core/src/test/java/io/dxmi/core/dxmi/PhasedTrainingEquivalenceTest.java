package io.dxmi.core.dxmi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.core.random.Rng;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The distributed pipeline's contract, without Kafka: three processes' worth of models (actor,
 * ebm-learner, value-learner), each running only its phase and exchanging only flat arrays and
 * weights, reproduce the single-process trainer exactly.
 */
class PhasedTrainingEquivalenceTest {

    private static final int ITERATIONS = 12;

    @Test
    void phasesRunApartReproduceTheSingleProcessTrainer() {
        DxmiConfig cfg = DxmiConfig.builder().optBatchSize(48).optNetwork(new NetworkConfig(24, 2, 16))
                .optValueSharing(ValueSharing.SEPARATE).optSeed(5).optIterations(ITERATIONS).optCosineDecay(true)
                .build();
        List<double[]> single = new ArrayList<>();
        Map<String, float[]> singlePolicy;
        Map<String, float[]> singleEnergy;
        try (DxmiModel model = DxmiModel.fromPretrained(cfg, TestDdpms.tiny(), new Rng(cfg.seed()))) {
            DxmiTrainer trainer = new DxmiTrainer(model, TestDdpms.DATA::sample);
            for (int i = 0; i < ITERATIONS; i++) {
                IterationStats s = trainer.step();
                single.add(new double[] {s.energyLoss(), s.energyData(), s.energySamples(), s.valueLoss(),
                    s.policyLoss()});
            }
            singlePolicy = model.policyWeights();
            singleEnergy = model.energyWeights();
        }

        List<double[]> phased = new ArrayList<>();
        try (DxmiModel actor = DxmiModel.fromPretrained(cfg, TestDdpms.tiny(), new Rng(cfg.seed()));
                DxmiModel ebm = DxmiModel.fromPretrained(cfg, TestDdpms.tiny(), new Rng(cfg.seed()));
                DxmiModel value = DxmiModel.fromPretrained(cfg, TestDdpms.tiny(), new Rng(cfg.seed()));
                NDManager io = NDManager.newBaseManager()) {
            Rng rollout = DxmiTrainer.randomStreams(cfg.seed())[0];
            DxmiTrainer ebmTrainer = new DxmiTrainer(ebm, TestDdpms.DATA::sample);
            DxmiTrainer valueTrainer = new DxmiTrainer(value, TestDdpms.DATA::sample);
            int steps = cfg.samplerSteps();
            int b = cfg.batchSize();
            for (int i = 0; i < ITERATIONS; i++) {
                float[] message;
                try (NDManager scope = actor.manager().newSubManager()) {
                    message = Trajectories.pack(actor.sampler().rollout(b, rollout, scope));
                }
                DxmiTrainer.EnergyStep e;
                try (NDManager scope = io.newSubManager()) {
                    NDArray[] x = Trajectories.unpack(message, steps, b, 2, scope);
                    e = ebmTrainer.energyStep(x[steps], scope);
                    ebmTrainer.completeIteration(e, null);
                }
                value.loadEnergyWeights(ebm.energyWeights());
                DxmiTrainer.PolicyStep p;
                try (NDManager scope = io.newSubManager()) {
                    p = valueTrainer.valueAndPolicyStep(Trajectories.unpack(message, steps, b, 2, scope), scope);
                    valueTrainer.completeIteration(null, p);
                }
                actor.loadPolicyWeights(value.policyWeights());
                phased.add(new double[] {e.loss(), e.energyData(), e.energySamples(), p.valueLoss(), p.policyLoss()});
            }
            for (int i = 0; i < ITERATIONS; i++) {
                assertArrayEquals(single.get(i), phased.get(i), 0.0, "iteration " + (i + 1));
            }
            assertEquals(singlePolicy.keySet(), actor.policyWeights().keySet());
            actor.policyWeights().forEach((k, v) -> assertArrayEquals(singlePolicy.get(k), v, 0f, k));
            ebm.energyWeights().forEach((k, v) -> assertArrayEquals(singleEnergy.get(k), v, 0f, k));
        }
    }
}
