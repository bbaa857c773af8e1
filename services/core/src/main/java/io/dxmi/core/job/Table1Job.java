package io.dxmi.core.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.ToyDatasets;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.diffusion.StepCoefficients;
import io.dxmi.core.dxmi.DxmiConfig;
import io.dxmi.core.dxmi.ValueSharing;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.engine.ProgressListener;
import io.dxmi.core.eval.Evaluator;
import io.dxmi.core.metrics.MeanStd;
import io.dxmi.core.model.ModelDirectory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reproduces every row of the paper's Table 1 on 8 Gaussians, over several seeds: DDPM with
 * T = 5, 10, 100, 1000 both as a sampler derived from the 1000-step model and as a DDPM trained
 * with T steps; DxMI T = 5 with τ = 0, 0.01, 0.1, 1 from the pretrained model; and τ = 0.1
 * without pretraining. Every run's directory is kept under the output directory.
 */
public final class Table1Job {

    private static final int[] DDPM_STEPS = {5, 10, 100, 1000};
    private static final String[] TAUS = {"0", "0.01", "0.1", "1"};

    private final Path output;
    private final int seeds;
    private final boolean quick;
    private final ProgressListener listener;
    private final EvaluationListener evaluationListener;

    private Table1Job(Builder b) {
        this.output = b.output;
        this.seeds = b.seeds;
        this.quick = b.quick;
        this.listener = b.listener;
        this.evaluationListener = b.evaluationListener;
    }

    public static Builder builder() {
        return new Builder();
    }

    private int pretrainIterations() {
        return quick ? 4000 : PretrainConfig.defaults().iterations();
    }

    private int dxmiIterations() {
        return quick ? 1000 : DxmiConfig.defaults().iterations();
    }

    private Evaluator evaluator(DataSource data, long seed) {
        Evaluator.Builder b = Evaluator.builder().setData(data).optSeed(seed + 1000);
        if (quick) {
            b.optSamples(5000).optRepeats(2).optDirections(500);
        }
        return b.build();
    }

    /**
     * Runs every row for every seed; writes table1.md, table1.json and metrics.jsonl (one
     * {@code table1} record per finished run; each run's own log is in its directory) into the
     * output directory.
     */
    public Table1Report run() throws IOException {
        Files.createDirectories(output);
        Files.deleteIfExists(output.resolve(TrainJob.METRICS));
        try (MetricsLog log = new MetricsLog(output.resolve(TrainJob.METRICS))) {
            return run(log.progressRecords("table1"));
        }
    }

    private Table1Report run(ProgressListener runLog) throws IOException {
        DjlRuntime.configureFromEnvironment();
        DataSource data = ToyDatasets.byName("8gaussians");
        // key → per-seed SW means, per-seed SW stds, per-seed AUCs
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        int runsPerSeed = 1 + 3 + TAUS.length + 1;
        int done = 0;
        for (int s = 0; s < seeds; s++) {
            Path seedDir = output.resolve("seed" + s);
            Evaluator ev = evaluator(data, s);
            PretrainConfig base = PretrainConfig.defaults().withIterations(pretrainIterations()).withSeed(s);
            Path ddpmDir = seedDir.resolve("ddpm-1000");
            try (DdpmModel ddpm = PretrainJob.builder().setData(data).setConfig(base).optOutput(ddpmDir)
                    .optListener(phase("seed " + s + " pretrain 1000-step DDPM")).build().run()) {
                for (int t : DDPM_STEPS) {
                    MeanStd sw = ev.slicedWasserstein((n, r) -> ddpm.sample(n, t, r));
                    put(results, "derived/" + t, sw, Double.NaN);
                    if (t == 1000) {
                        put(results, "trained/" + t, sw, Double.NaN);
                    }
                }
            }
            progress(++done, seeds * runsPerSeed, t0, runLog);
            for (int t : new int[] {5, 10, 100}) {
                PretrainConfig cfg = base.withDiffusionSteps(t);
                try (DdpmModel ddpm = PretrainJob.builder().setData(data).setConfig(cfg)
                        .optOutput(seedDir.resolve("ddpm-" + t))
                        .optListener(phase("seed " + s + " pretrain " + t + "-step DDPM")).build().run()) {
                    put(results, "trained/" + t, ev.slicedWasserstein((n, r) -> ddpm.sample(n, t, r)), Double.NaN);
                }
                progress(++done, seeds * runsPerSeed, t0, runLog);
            }
            for (String tau : TAUS) {
                runDxmi(results, data, seedDir.resolve("dxmi-tau" + tau), tau, s, ddpmDir, true);
                progress(++done, seeds * runsPerSeed, t0, runLog);
            }
            runDxmi(results, data, seedDir.resolve("dxmi-tau0.1-nopretrain"), "0.1", s, null, false);
            progress(++done, seeds * runsPerSeed, t0, runLog);
        }

        Evaluator ev = evaluator(data, 0);
        String protocol = "8 Gaussians; " + ev.describe() + " Seeds: " + seeds + (seeds > 1
                ? " (± is the spread across seeds of each seed's mean)" : " (± is the spread across samplings)")
                + ". Pretraining " + pretrainIterations() + " iterations, DxMI " + dxmiIterations() + " iterations"
                + (quick ? " (--quick)." : ".") + " DDPM 'derived' rows sample the 1000-step model on a T-step"
                + " subsequence (ancestral); 'trained with T steps' rows are DDPMs trained on a T-step linear"
                + " schedule (the T = 1000 one is the same model as the derived row).";
        Table1Report report = new Table1Report(protocol);
        for (int t : DDPM_STEPS) {
            addRow(report, results, "derived/" + t, "DDPM", "derived from 1000-step DDPM", t, "–", "–");
        }
        for (int t : DDPM_STEPS) {
            addRow(report, results, "trained/" + t, "DDPM", "DDPM trained with T steps", t, "–", "–");
        }
        for (String tau : TAUS) {
            addRow(report, results, "dxmi/" + tau + "/yes", "DxMI", "DxMI (fine-tuned 1000-step DDPM)", 5, "yes", tau);
        }
        addRow(report, results, "dxmi/0.1/no", "DxMI", "DxMI (random start)", 5, "no", "0.1");
        Files.writeString(output.resolve("table1.md"), report.toMarkdown(), StandardCharsets.UTF_8);
        ObjectNode json = ModelDirectory.json().createObjectNode();
        json.set("rows", ModelDirectory.json().valueToTree(report.rows()));
        json.put("protocol", protocol);
        json.put("wall_seconds", (System.nanoTime() - t0) / 1e9);
        json.put("peak_rss_mib", ResourceUsage.peakResidentMiB());
        ModelDirectory.writeJson(output.resolve("table1.json"), json);
        return report;
    }

    private void runDxmi(Map<String, List<double[]>> results, DataSource data, Path dir, String tau, long seed,
            Path pretrained, boolean isPretrained) throws IOException {
        // The paper's 2D setting: one time-conditioned network whose last slot is the energy, uniform steps (the
        // table's derived T = 5 row, where DxMI starts) and the entropy in the value, as the 2D reference has them,
        // whatever the vector defaults are.
        DxmiConfig cfg = DxmiConfig.builder().optTau(Float.parseFloat(tau)).optIterations(dxmiIterations())
                .optValueSharing(ValueSharing.SHARED).optStepSpacing(StepCoefficients.Spacing.UNIFORM)
                .optEntropyInValue(true).optSeed(seed).build();
        TrainJob.Builder b = TrainJob.builder().setData(data).setConfig(cfg).setOutput(dir).optEvalEvery(0)
                .optCheckpointEvery(0).optEvaluationListener(evaluationListener)
                .optPretrainConfig(PretrainConfig.defaults().withIterations(pretrainIterations()).withSeed(seed))
                .optListener(phase("seed " + seed + " DxMI tau=" + tau + (isPretrained ? "" : " (random start)")));
        if (quick) {
            b.optEvaluation(5000, 2, 500);
        }
        if (isPretrained) {
            b.optPretrained(pretrained);
        } else {
            b.optPretrain(false);
        }
        RunResult r = b.build().run();
        put(results, "dxmi/" + tau + "/" + (isPretrained ? "yes" : "no"), r.quality().sw(), r.quality().auc());
    }

    private ProgressListener phase(String name) {
        return (phase, d, total, metrics) -> listener.onProgress(name, d, total, metrics);
    }

    private void progress(int done, int total, long t0, ProgressListener runLog) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("elapsed_s", (System.nanoTime() - t0) / 1e9);
        listener.onProgress("table1 runs", done, total, m);
        runLog.onProgress("table1 runs", done, total, m);
    }

    private static void put(Map<String, List<double[]>> results, String key, MeanStd sw, double auc) {
        results.computeIfAbsent(key, k -> new ArrayList<>()).add(new double[] {sw.mean(), sw.std(), auc});
    }

    private void addRow(Table1Report report, Map<String, List<double[]>> results, String key, String method,
            String variant, int steps, String pretrained, String tau) {
        List<double[]> perSeed = results.get(key);
        double[] sws = perSeed.stream().mapToDouble(v -> v[0]).toArray();
        double mean = MeanStd.of(sws).mean();
        double std = sws.length > 1 ? MeanStd.of(sws).std() : perSeed.get(0)[1];
        double auc = perSeed.stream().mapToDouble(v -> v[2]).average().orElse(Double.NaN);
        report.add(new Table1Report.Row(method, variant, steps, pretrained, tau, mean, std, auc,
                Table1Report.paper(method, steps, !"no".equals(pretrained), tau), sws.length));
    }

    /** Builder: {@code setOutput} is required. */
    public static final class Builder {
        private Path output;
        private int seeds = 3;
        private boolean quick;
        private ProgressListener listener = ProgressListener.NONE;
        private EvaluationListener evaluationListener = EvaluationListener.NONE;

        public Builder setOutput(Path output) {
            this.output = output;
            return this;
        }

        /** Seeds 0 … n−1; default 3. */
        public Builder optSeeds(int seeds) {
            this.seeds = seeds;
            return this;
        }

        /** Shorter runs and a lighter evaluation, for a few minutes on 2 cores. */
        public Builder optQuick(boolean quick) {
            this.quick = quick;
            return this;
        }

        /** Called at the end of every DxMI run (the command line draws its figures there). */
        public Builder optEvaluationListener(EvaluationListener evaluationListener) {
            this.evaluationListener = evaluationListener;
            return this;
        }

        public Builder optListener(ProgressListener listener) {
            this.listener = listener;
            return this;
        }

        public Table1Job build() {
            if (output == null) {
                throw new IllegalStateException("Table1Job needs setOutput");
            }
            if (seeds < 1) {
                throw new IllegalArgumentException("seeds must be at least 1, got " + seeds);
            }
            return new Table1Job(this);
        }
    }
}
