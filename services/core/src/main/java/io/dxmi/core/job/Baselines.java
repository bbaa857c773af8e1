package io.dxmi.core.job;

import io.dxmi.core.metrics.MeanStd;

import java.io.IOException;
import java.nio.file.Path;

/**
 * What the vector benchmark measures of one pretrained DDPM before DxMI runs: the SW floor, the
 * 1000-step DDPM, the derived few-step sampler and the reference score's AUC, with sampling
 * times. Kept beside the model (keyed by the evaluation protocol) so that a rerun that reuses
 * the model does not pay for the slow 1000-step sampling again.
 */
record Baselines(MeanStd floor, MeanStd ddpm, MeanStd derived, double aucReference, String reference,
        double msPer1000Ddpm, double msPer1000Derived) {

    /** The cached baselines for this protocol key, or null when absent, unreadable or for another protocol. */
    static Baselines read(Path file, String key) {
        return KeyedJson.read(file, key, Baselines.class);
    }

    static void write(Path file, String key, Baselines b) throws IOException {
        KeyedJson.write(file, key, b);
    }
}
