package io.dxmi.examples.modecoverage;

import io.dxmi.evaluator.ExternalEvaluatorCommand;

import java.util.List;

/**
 * Mode coverage as a process of its own: joins a run on any Kafka cluster and publishes
 * {@code mode_coverage.*} reports as evaluator {@code mode-coverage-<instance>}.
 *
 * <pre>{@code
 * java -cp 'target/dxmi-example-mode-coverage-0.1.0-SNAPSHOT.jar:target/lib/*' \
 *     io.dxmi.examples.modecoverage.ModeCoverageMain --bootstrap localhost:9092 --run r1 --every 100
 * }</pre>
 */
public final class ModeCoverageMain {

    /** The evaluator name this process reports under unless {@code --name} says otherwise. */
    public static final String NAME = "mode-coverage";

    private ModeCoverageMain() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs until the run is done; returns the exit code (tests call this). */
    public static int run(String... args) {
        return ExternalEvaluatorCommand.execute(NAME, List.of(new ModeCoverage()), args);
    }
}
