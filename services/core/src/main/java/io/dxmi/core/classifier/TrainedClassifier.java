package io.dxmi.core.classifier;

import java.nio.file.Path;

/**
 * A classifier with what it was trained on and how well it did: the provenance every FD is
 * reported with. Closing it closes the network.
 *
 * @param model the network
 * @param dataName the data set's name
 * @param dataHash {@code ImageDataset.contentHash()} of the data it learned (every class)
 * @param testAccuracy share of the test split classified correctly
 * @param weightsSha256 SHA-256 of its weights file
 * @param trainSeconds wall-clock seconds its training took
 * @param threads engine threads during training
 * @param directory where it is stored
 */
public record TrainedClassifier(FeatureClassifier model, String dataName, String dataHash, double testAccuracy,
        String weightsSha256, double trainSeconds, int threads, Path directory) implements AutoCloseable {

    @Override
    public void close() {
        model.close();
    }
}
