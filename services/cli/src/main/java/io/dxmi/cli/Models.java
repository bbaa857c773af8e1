package io.dxmi.cli;

import io.dxmi.core.dxmi.ModelStore;

import java.io.IOException;
import java.nio.file.Path;

/** Model directories named on the command line: a missing or malformed one is a {@link UsageError}. */
final class Models {

    private Models() {}

    static String kindOf(Path dir) {
        try {
            return ModelStore.kindOf(dir);
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageError(e.getMessage(), e);
        }
    }

    static ModelStore.LoadedDxmi loadDxmi(Path dir) {
        try {
            return ModelStore.loadDxmi(dir);
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageError(e.getMessage(), e);
        }
    }
}
