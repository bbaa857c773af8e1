package io.dxmi.dashboard;

import io.dxmi.figures.RunFigures;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The evaluator's figures the dashboard may serve: exactly these file names under {@code <run dir>/figures/}.
 * Anything else (another name, a path, {@code ..}) is refused, so the HTTP route can never read outside the
 * figure directory.
 */
public final class FigureFiles {

    /** The figure names, in the order the page shows them: exactly those the figures module writes. */
    public static final List<String> NAMES = RunFigures.NAMES;

    private FigureFiles() {}

    /** Whether {@code name} is one of {@link #NAMES} (exact match). */
    public static boolean allowed(String name) {
        return name != null && NAMES.contains(name);
    }

    /** The figure's path under {@code runDir}, or empty when the name is not allowed or there is no run dir. */
    public static Optional<Path> resolve(Path runDir, String name) {
        if (runDir == null || !allowed(name)) {
            return Optional.empty();
        }
        return Optional.of(RunFigures.directoryOf(runDir).resolve(name));
    }
}
