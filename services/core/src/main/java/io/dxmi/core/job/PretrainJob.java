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
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Pretrains a DDPM on a data source and saves it as a model directory. */
public final class PretrainJob {

    private final DataSource data;
    private final PretrainConfig config;
    private final Path output;
    private final ProgressListener listener;

    private PretrainJob(Builder b) {
        this.data = b.data;
        this.config = b.config;
        this.output = b.output;
        this.listener = b.listener;
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
            return train(listener);
        }
        java.nio.file.Files.deleteIfExists(output.resolve(TrainJob.METRICS)); // a new model: a new log
        try (MetricsLog log = new MetricsLog(output.resolve(TrainJob.METRICS))) {
            return train(listener.andThen(log.progressRecords("pretrain")));
        }
    }

    private DdpmModel train(ProgressListener progress) throws IOException {
        DjlRuntime.configureFromEnvironment();
        long t0 = System.nanoTime();
        DdpmPretrainer pretrainer = new DdpmPretrainer(config, progress);
        DdpmModel model = pretrainer.train(data.dimension(), DataPreparation.normalizationFor(data), data::sample);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (output != null) {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("iterations", config.iterations());
            info.put("seconds", seconds);
            info.put("iterationsPerSecond", config.iterations() / Math.max(seconds, 1e-9));
            info.put("finalLoss", pretrainer.lastLoss());
            info.put("skippedSteps", pretrainer.skippedSteps());
            ModelStore.saveDdpm(output, model, DataInfo.of(data), info);
        }
        return model;
    }

    /** Builder: {@code setData} and {@code setConfig} are required. */
    public static final class Builder {
        private DataSource data;
        private PretrainConfig config;
        private Path output;
        private ProgressListener listener = ProgressListener.NONE;

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

        public PretrainJob build() {
            if (data == null || config == null) {
                throw new IllegalStateException("PretrainJob needs setData and setConfig");
            }
            return new PretrainJob(this);
        }
    }
}
