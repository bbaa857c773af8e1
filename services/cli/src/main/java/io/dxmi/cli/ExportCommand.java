package io.dxmi.cli;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.DataSources;
import io.dxmi.core.job.RunResult;
import io.dxmi.core.job.TrainJob;
import io.dxmi.core.model.ModelDirectory;
import io.dxmi.evaluator.output.FinalModel;
import io.dxmi.pipeline.RunCatalog;
import io.dxmi.pipeline.RunConnectionOptions;
import io.dxmi.pipeline.RunPlan;
import io.dxmi.platform.config.KafkaSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;

/**
 * {@code dxmi export}: a model directory from a distributed run's newest snapshots, for a finished run or one still
 * going, with samples.csv, figures and result.json (the same as the run's evaluator writes at the end).
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Assemble a model directory (model.json, weights.dxt) from a run's newest snapshots, finished or "
                + "still going, evaluate it, and write samples.csv, figures/ and result.json beside it.",
            "'dxmi sample' and 'dxmi energy' load the result."})
final class ExportCommand implements Callable<Integer> {

    @Mixin
    RunConnectionOptions kafka;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write the model.")
    Path out;

    @Option(names = "--data", paramLabel = "NAME|FILE.csv",
            description = "Where the run's data is on this machine, when its CSV file is elsewhere than where it"
                    + " was submitted from (checked against the run's data hash).")
    String dataOverride;

    @Option(names = "--force", description = "Replace a model already in --out.")
    boolean force;

    @Option(names = "--wait", defaultValue = "60", paramLabel = "SECONDS",
            description = "How long to wait for the run's snapshots (default: ${DEFAULT-VALUE}).")
    long waitSeconds;

    @Mixin
    EngineOptions engine = new EngineOptions();

    @Override
    public Integer call() throws Exception {
        engine.apply();
        Checks.atLeast("--wait", waitSeconds, 1);
        String run;
        KafkaSettings settings;
        try {
            run = kafka.run();
            settings = kafka.settings("dxmi-export");
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage(), e);
        }
        if (Files.exists(out.resolve(ModelDirectory.MANIFEST)) && !force) {
            throw new UsageError("--out " + out + " already holds a model; replace it with --force");
        }
        OutputDirectory.prepare(out, "--out");
        kafka.cluster().probe();
        RunPlan plan;
        try (RunCatalog catalog = new RunCatalog(settings, kafka.cluster().connectTimeout())) {
            RunCatalog.Spec spec = catalog.spec(run).orElseThrow(() -> new UsageError(RunsCommand.noSuchRun(run,
                    settings, catalog)));
            if (spec.plan() == null) {
                throw new UsageError("run '" + run + "' has no plan yet: nothing to export");
            }
            plan = spec.plan();
        }
        DataSource data = openData(plan);
        FinalModel.Parts parts;
        try {
            parts = FinalModel.newest(settings, plan, Duration.ofSeconds(waitSeconds));
        } catch (TimeoutException e) {
            throw new IllegalStateException("run '" + run + "' has no policy and energy snapshots yet (waited "
                    + waitSeconds + " s): its learners have not published any", e);
        }
        RunResult r = FinalModel.write(plan, data, parts, out, FinalModel.history(settings, run), "dxmi export",
                result -> result.withTrainer("distributed pipeline; model assembled from the run's newest snapshots"
                        + " by dxmi export"));
        System.out.println(r.headline());
        System.out.println("wrote the model (" + ModelDirectory.MANIFEST + ", " + ModelDirectory.WEIGHTS + "), "
                + TrainJob.samplesFile(data.shape()) + ", figures/ and " + TrainJob.RESULT + " to " + out);
        return ExitCode.OK;
    }

    /** The run's data on this machine: where it was submitted from, or {@code --data}; its hash must match. */
    private DataSource openData(RunPlan plan) {
        String where = dataOverride != null ? dataOverride : plan.spec().dataSource();
        DataSource data;
        try {
            data = DataSources.resolve(where);
        } catch (RuntimeException e) {
            throw new UsageError("the run's data '" + where + "' cannot be opened here (" + e.getMessage()
                    + "); give its location with --data", e);
        }
        if (!data.contentHash().equals(plan.spec().data().contentHash())) {
            throw new UsageError("the data at '" + where + "' differs from the run's (hash mismatch)"
                    + (dataOverride == null ? "; give the run's data with --data" : ""));
        }
        return data;
    }
}
