package io.dxmi.core.job;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.diffusion.DdpmPretrainer;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.dxmi.ModelStore;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.engine.ProgressListener;
import io.dxmi.core.model.DataInfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Pretrains a DDPM on a data source and saves it as a model directory. With an output directory
 * the pretraining's whole state is saved there every {@code checkpointEvery} steps, so that a
 * stopped run continues with {@link Builder#optResume} exactly where it stopped (image
 * pretraining takes hours on a CPU).
 */
public final class PretrainJob {

    private final DataSource data;
    private final PretrainConfig config;
    private final Path output;
    private final ProgressListener listener;
    private final boolean resume;
    private final int checkpointEvery;

    private PretrainJob(Builder b) {
        this.data = b.data;
        this.config = b.config;
        this.output = b.output;
        this.listener = b.listener;
        this.resume = b.resume;
        this.checkpointEvery = b.checkpointEvery;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Trains, saves to the output directory (when set, with the progress reports in its
     * metrics.jsonl) and returns the model (caller closes it).
     */
    public DdpmModel run() throws IOException {
        if (output == null) {
            return train(listener, null);
        }
        ModelStore.SavedPretrainState saved = resume ? ModelStore.loadPretrainState(output) : null;
        if (resume && saved == null) {
            throw new IllegalArgumentException(output + " holds no pretraining to resume (no "
                    + ModelStore.PRETRAIN_STATE + ")");
        }
        if (saved != null) {
            checkResumable(saved);
        } else {
            Files.deleteIfExists(output.resolve(TrainJob.METRICS)); // a new model: a new log
        }
        try (MetricsLog log = new MetricsLog(output.resolve(TrainJob.METRICS))) {
            return train(listener.andThen(log.progressRecords("pretrain")), saved);
        }
    }

    /** A saved state continues only the same training: same data, network and schedule. */
    private void checkResumable(ModelStore.SavedPretrainState saved) {
        DataInfo now = DataInfo.of(data);
        if (!saved.data().contentHash().equals(now.contentHash())) {
            throw new IllegalArgumentException("the pretraining in " + output + " was on other data ("
                    + saved.data().name() + ", " + saved.data().contentHash().substring(0, 12) + "…), not on "
                    + now.name());
        }
        PretrainConfig was = saved.config();
        if (!was.withIterations(config.iterations()).equals(config)) {
            throw new IllegalArgumentException("the pretraining in " + output + " used other settings than asked ("
                    + was + "); only --iterations may change on --resume");
        }
    }

    private DdpmModel train(ProgressListener progress, ModelStore.SavedPretrainState saved) throws IOException {
        DjlRuntime.configureFromEnvironment();
        long t0 = System.nanoTime();
        DataInfo info0 = DataInfo.of(data);
        DdpmPretrainer.Checkpoints sink = output == null ? null
                : state -> ModelStore.savePretrainState(output, state, config, info0);
        DdpmPretrainer pretrainer = new DdpmPretrainer(config, progress, sink, output == null ? 0 : checkpointEvery);
        DdpmModel model = pretrainer.train(data.shape(), DataPreparation.normalizationFor(data), data::sample,
                saved == null ? null : saved.state());
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (output != null) {
            long startedAt = saved == null ? 0 : saved.state().iteration();
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("iterations", config.iterations());
            info.put("resumedAt", startedAt);
            info.put("seconds", seconds);
            info.put("iterationsPerSecond", (config.iterations() - startedAt) / Math.max(seconds, 1e-9));
            info.put("finalLoss", pretrainer.lastLoss());
            info.put("skippedSteps", pretrainer.skippedSteps());
            ModelStore.saveDdpm(output, model, info0, info);
        }
        return model;
    }

    /** Builder: {@code setData} and {@code setConfig} are required. */
    public static final class Builder {
        private DataSource data;
        private PretrainConfig config;
        private Path output;
        private ProgressListener listener = ProgressListener.NONE;
        private boolean resume;
        private int checkpointEvery = 500;

        public Builder setData(DataSource data) {
            this.data = data;
            return this;
        }

        public Builder setConfig(PretrainConfig config) {
            this.config = config;
            return this;
        }

        /** Where to save the model; none by default (in-memory use). */
        public Builder optOutput(Path output) {
            this.output = output;
            return this;
        }

        public Builder optListener(ProgressListener listener) {
            this.listener = listener;
            return this;
        }

        /** Continue the pretraining saved in the output directory (default false). */
        public Builder optResume(boolean resume) {
            this.resume = resume;
            return this;
        }

        /** Steps between saves of the resumable state (default 500; 0 = only at the end). */
        public Builder optCheckpointEvery(int steps) {
            this.checkpointEvery = steps;
            return this;
        }

        public PretrainJob build() {
            if (data == null || config == null) {
                throw new IllegalStateException("PretrainJob needs setData and setConfig");
            }
            return new PretrainJob(this);
        }
    }
}
