package io.dxmi.core.data;

import io.dxmi.core.random.Rng;

/** A distribution to learn: draws i.i.d. rows and says how to evaluate a model of it. */
public interface DataSource {

    /** Short name: the built-in set's name or the CSV file's name. */
    String name();

    /** Number of values per row (the product of {@link #shape()}'s dimensions). */
    int dimension();

    /** The shape of one sample: a vector of {@link #dimension()} values unless overridden (images). */
    default SampleShape shape() {
        return SampleShape.vector(dimension());
    }

    /** n i.i.d. rows, row-major (for a finite data set: uniform draws with replacement). */
    float[] sample(int n, Rng rng);

    /** The box from which the energy AUC draws its uniform negatives. */
    Box evaluationBox();

    /** Human text naming the evaluation box and where it comes from. */
    String evaluationBoxDescription();

    /** Hex SHA-256 identifying the data, so a checkpoint can tell whether it was trained on it. */
    String contentHash();
}
