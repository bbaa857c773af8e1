package io.dxmi.core.dxmi;

import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.model.DataInfo;
import io.dxmi.core.model.Normalization;
import io.dxmi.core.random.Rng;

/**
 * Everything the services of one distributed run must agree on to build identical models:
 * the DxMI and sampler configurations, the data's identity and normalisation. Published once per
 * run; every service builds its {@link DxmiModel} from it with the same seeds, so initial
 * weights match everywhere (and match the single-process trainer's).
 *
 * @param runId the run's name
 * @param config DxMI settings (the pipeline uses {@link ValueSharing#SEPARATE})
 * @param samplerConfig the pretrained DDPM's settings (network shape, schedule)
 * @param data the data set's identity (name, sample shape, hash, AUC box)
 * @param dataSource how services open the data: a built-in name or a CSV path
 * @param shift normalisation shift
 * @param scale normalisation scale
 */
public record RunSpec(String runId, DxmiConfig config, PretrainConfig samplerConfig, DataInfo data,
        String dataSource, float[] shift, float[] scale) {

    public Normalization normalization() {
        return new Normalization(shift, scale);
    }

    /** A model with this run's initial weights (the sampler's come from the pretrained policy snapshot). */
    public DxmiModel newModel() {
        return DxmiModel.untrained(config, samplerConfig, data.sampleShape(), normalization(), new Rng(config.seed()));
    }
}
