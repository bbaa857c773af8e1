package io.dxmi.core.dxmi;

import ai.djl.ndarray.NDManager;
import io.dxmi.core.eval.Evaluator;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.core.random.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Native memory: an iteration (and an evaluation) must leave no tensor behind in the model's
 * manager. DJL puts every result in its first operand's manager, so one stray operation on a
 * long-lived tensor leaks every iteration (that once grew a 2D run to gigabytes).
 */
class DxmiTrainerMemoryTest {

    private static int arrays(NDManager m) {
        return m.getManagedArrays().size();
    }

    @ParameterizedTest
    @EnumSource(ValueSharing.class)
    void iterationsLeaveNoTensorsBehind(ValueSharing sharing) {
        DxmiConfig cfg = DxmiConfig.builder().optBatchSize(32).optNetwork(new NetworkConfig(16, 2, 16))
                .optValueSharing(sharing).optSnapshotEvery(1000).build();
        try (DxmiModel model = DxmiModel.fromPretrained(cfg, TestDdpms.tiny(), new Rng(3))) {
            DxmiTrainer trainer = new DxmiTrainer(model, TestDdpms.DATA::sample);
            Evaluator ev = Evaluator.builder().setData(TestDdpms.DATA).optSamples(200).optRepeats(1)
                    .optDirections(10).build();
            for (int i = 0; i < 3; i++) {
                trainer.step();
            }
            ev.evaluate(model::sample, model::energy);
            int before = arrays(model.manager());
            for (int i = 0; i < 10; i++) {
                trainer.step();
            }
            ev.evaluate(model::sample, model::energy);
            assertEquals(before, arrays(model.manager()), "tensors leaked into the model's manager");
        }
    }
}
