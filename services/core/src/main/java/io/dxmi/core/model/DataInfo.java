package io.dxmi.core.model;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.SampleShape;

/**
 * What a model was trained on, recorded in its manifest: enough to identify the data (hash)
 * and to repeat the energy AUC (its box) without the original file.
 *
 * @param name data set name or file name
 * @param dimension row width
 * @param contentHash SHA-256 of the data (file bytes, or the generator's definition)
 * @param boxLo the AUC box's lower corner
 * @param boxHi the AUC box's upper corner
 * @param boxDescription how the box was chosen
 * @param shape one sample's shape ({@code [D]} or {@code [C, H, W]}); absent in manifests written
 *     before images, which hold vectors
 */
public record DataInfo(String name, int dimension, String contentHash, double[] boxLo, double[] boxHi,
        String boxDescription, int[] shape) {

    public static DataInfo of(DataSource source) {
        return new DataInfo(source.name(), source.dimension(), source.contentHash(), source.evaluationBox().lo(),
                source.evaluationBox().hi(), source.evaluationBoxDescription(), source.shape().dims());
    }

    /** One sample's shape: {@link #shape()} when recorded, else a vector of {@link #dimension()}. */
    public SampleShape sampleShape() {
        return shape == null ? SampleShape.vector(dimension) : SampleShape.of(shape);
    }
}
