package io.dxmi.cli;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.ToyDatasets;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.diffusion.DdpmPretrainer;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.dxmi.DxmiConfig;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.engine.ProgressListener;
import io.dxmi.core.model.Normalization;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.pipeline.PipelineContext;
import io.dxmi.pipeline.RunPlan;
import io.dxmi.pipeline.Submission;
import io.dxmi.platform.broker.EmbeddedKafkaBroker;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.metrics.Metrics;
import io.vertx.core.Vertx;

import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The fixture of the pipeline tests that deploy services themselves: a real broker, a Vert.x
 * instance for the services, and a tiny DDPM on 8 Gaussians to submit runs with. Closing stops
 * the services before the broker (a consumer closing against a broker that is gone waits for it).
 */
final class TinyRun implements AutoCloseable {

    static final NetworkConfig NETWORK = new NetworkConfig(16, 2, 16);

    private EmbeddedKafkaBroker broker;
    private final Path dir;
    private final Vertx vertx;
    private final DataSource data;
    private final DdpmModel ddpm;
    private final KafkaSettings kafka;

    private TinyRun(Path dir, EmbeddedKafkaBroker broker, Vertx vertx, DataSource data, DdpmModel ddpm) {
        this.dir = dir;
        this.broker = broker;
        this.vertx = vertx;
        this.data = data;
        this.ddpm = ddpm;
        this.kafka = KafkaSettings.builder().setBootstrapServers(broker.bootstrapServers()).build();
    }

    /** Starts a broker under {@code dir} and pretrains the tiny DDPM for {@code pretrainIterations}. */
    static TinyRun start(Path dir, int pretrainIterations) {
        DjlRuntime.configure(1);
        DataSource data = ToyDatasets.byName("8gaussians");
        DdpmModel ddpm = new DdpmPretrainer(new PretrainConfig(1000, 1e-4, 0.02, pretrainIterations, 64, 2e-3f, true,
                NETWORK, 1L), ProgressListener.NONE).train(2, Normalization.identity(2), data::sample);
        EmbeddedKafkaBroker broker;
        try {
            broker = EmbeddedKafkaBroker.builder().setDataDir(dir.resolve("kafka")).build().start();
        } catch (RuntimeException e) {
            ddpm.close();
            throw e;
        }
        return new TinyRun(dir, broker, Vertx.vertx(), data, ddpm);
    }

    /**
     * T = 3, B = 32, the tiny networks, the energy as wide as the value: these tests check the pipeline's mechanics,
     * and margins such as the policy gate's were calibrated on that energy.
     */
    static DxmiConfig config(int iterations, long seed) {
        return DxmiConfig.builder().optSamplerSteps(3).optBatchSize(32).optIterations(iterations).optNetwork(NETWORK)
                .optEnergyNetwork(NETWORK).optSeed(seed).build();
    }

    /** Publishes the plan of a run and its initial policy, as {@code dxmi submit} does. */
    RunPlan submit(String run, DxmiConfig cfg, String mode, int maxStaleness, int checkpointEvery, int evalEvery)
            throws Exception {
        RunPlan plan = Submission.plan(run, cfg, ddpm, data, "8gaussians", mode, maxStaleness, checkpointEvery,
                evalEvery);
        try (PipelineContext ctx = PipelineContext.open(vertx, kafka, run, "submit", Metrics.create("submit"))) {
            Submission.submit(ctx, plan, ddpm);
        }
        return plan;
    }

    /** Stops the broker (an outage): clients keep its address; {@link #startBroker()} ends the outage. */
    void stopBroker() {
        broker.close();
    }

    /** Starts the stopped broker again on its port and data. */
    void startBroker() {
        broker = EmbeddedKafkaBroker.builder().setDataDir(dir.resolve("kafka")).optPort(broker.port()).build().start();
    }

    Vertx vertx() {
        return vertx;
    }

    KafkaSettings kafka() {
        return kafka;
    }

    String bootstrap() {
        return broker.bootstrapServers();
    }

    DataSource data() {
        return data;
    }

    @Override
    public void close() throws ExecutionException, TimeoutException {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            // Not rethrown as such: an AutoCloseable whose close() throws InterruptedException is a lint warning.
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the services", e);
        } finally {
            try {
                broker.close();
            } finally {
                ddpm.close();
            }
        }
    }
}
