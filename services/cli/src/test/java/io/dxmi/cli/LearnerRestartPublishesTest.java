package io.dxmi.cli;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.dxmi.DxmiTrainer;
import io.dxmi.core.model.DataInfo;
import io.dxmi.pipeline.LearnerCheckpoints;
import io.dxmi.pipeline.RunPlan;
import io.dxmi.pipeline.RunTopics;
import io.dxmi.pipeline.ServiceOptions;
import io.dxmi.pipeline.SnapshotFollower;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.metrics.Metrics;
import io.dxmi.valuelearner.ValueLearnerVerticle;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A learner checkpoints a step before it publishes the step's model; if it dies in between, the
 * actors wait for a version that never came. A value-learner restored from a checkpoint newer
 * than any policy on the topic must therefore publish that policy itself, with the checkpoint's
 * weights.
 */
@Tag("integration")
class LearnerRestartPublishesTest {

    @TempDir
    Path tmp;

    @Test
    void restoredValueLearnerPublishesThePolicyOfItsCheckpoint() throws Exception {
        try (TinyRun fixture = TinyRun.start(tmp, 20)) {
            Vertx vertx = fixture.vertx();
            KafkaSettings kafka = fixture.kafka();
            DataSource data = fixture.data();
            // The plan and policy version 0, nothing newer.
            RunPlan plan = fixture.submit("restart", TinyRun.config(20, 3), "sync", 0, 5, 1000);

            // A checkpoint at iteration 3 whose policy never went out (the learner died before publishing).
            Path state = tmp.resolve("state");
            Map<String, float[]> checkpointed;
            try (DxmiModel model = plan.spec().newModel()) {
                DxmiTrainer trainer = new DxmiTrainer(model, data::sample);
                for (int i = 0; i < 3; i++) {
                    trainer.step();
                }
                try (LearnerCheckpoints checkpoints = new LearnerCheckpoints(state, ValueLearnerVerticle.ROLE, plan,
                        "test")) {
                    checkpoints.save(trainer, DataInfo.of(data), new LearnerCheckpoints.Position(3, 3, 3,
                            List.of()));
                }
                checkpointed = model.policyWeights();
            }

            Metrics metrics = Metrics.create("value");
            ValueLearnerVerticle learner = new ValueLearnerVerticle(new ServiceOptions(kafka, "restart", "0", state,
                    metrics, Duration.ofMinutes(1)));
            await(vertx.deployVerticle(learner));
            try (SnapshotFollower policies = SnapshotFollower.builder().setKafka(kafka, new RunTopics("restart"),
                    Metrics.create("f")).setModels(Set.of(RunTopics.POLICY)).build().start()) {
                SnapshotFollower.Versioned v = policies.await(RunTopics.POLICY, 3).get(1, TimeUnit.MINUTES);
                assertEquals(3, v.version());
                assertEquals(3, v.meta().getNextTrajectoryOffset(), "the actors' pacing position goes with it");
                assertEquals(3, learner.iteration());
                // The run's iteration is the checkpoint's; this process has learned no iteration of its own yet.
                assertEquals(3.0, gauge(metrics, "dxmi_learner_iteration"));
                for (Map.Entry<String, float[]> e : checkpointed.entrySet()) {
                    assertArrayEquals(e.getValue(), v.weights().get(e.getKey()), 0f, e.getKey());
                }
            }
        }
    }

    private static double gauge(Metrics metrics, String name) {
        for (MetricSnapshot m : metrics.registry().scrape()) {
            if (m.getMetadata().getPrometheusName().equals(name) && m instanceof GaugeSnapshot g) {
                return g.getDataPoints().get(0).getValue();
            }
        }
        throw new AssertionError("no gauge " + name);
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
    }
}
