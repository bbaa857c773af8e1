package io.dxmi.cli;

import io.dxmi.ebmlearner.EbmLearnerVerticle;
import io.dxmi.pipeline.ClusterOptions;
import io.dxmi.pipeline.RunAcls;
import io.dxmi.pipeline.RunCatalog;
import io.dxmi.pipeline.RunPlan;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.schemas.EvaluationReport;
import io.dxmi.valuelearner.ValueLearnerVerticle;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * {@code dxmi runs}: the runs a Kafka cluster holds, so that one cluster can hold many runs over months. A run is
 * its topics {@code dxmi.RUN.*}; its state is read from them (plan, stop mark, the learners' committed offsets,
 * the newest evaluation, the bytes on the brokers' disks).
 */
@Command(name = "runs", mixinStandardHelpOptions = true,
        description = "List, inspect, stop, resume and delete the runs on a Kafka cluster.",
        subcommands = {RunsCommand.ListRuns.class, RunsCommand.Status.class, RunsCommand.Stop.class,
            RunsCommand.Resume.class, RunsCommand.Delete.class, RunsCommand.Acls.class})
final class RunsCommand implements Runnable {

    /** The learners, whose published versions are a run's progress. */
    static final List<String> LEARNERS = List.of(EbmLearnerVerticle.ROLE, ValueLearnerVerticle.ROLE);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: list, status, stop,"
                + " resume, delete or acls");
    }

    /** One line for a run that does not exist, naming those that do. */
    static String noSuchRun(String run, KafkaSettings settings, RunCatalog catalog) {
        List<String> runs = catalog.runs();
        return "no run '" + run + "' on " + settings.bootstrapServers() + " ("
                + (runs.isEmpty() ? "it holds no runs" : "runs there: " + String.join(", ", runs)) + ")";
    }

    /** A row of {@code runs list}. */
    static final String LIST_ROW = "%-24s %-9s %-5s %-22s %-10s %-21s %s%n";

    /**
     * The SW column's title: the newest periodic evaluation's figure (the evaluator's light protocol), which is
     * not the final result.json's (the full protocol, on the final model).
     */
    static final String LAST_CHECK_SW = "SW (LAST CHECK @ IT)";

    /** The SW of the newest periodic evaluation and the iteration it was taken at ("0.0712 @ 200"), or "-". */
    static String lastCheckSw(EvaluationReport last) {
        Double sw = last == null ? null : last.getMetrics().get("sw");
        return sw == null ? "-" : String.format(Locale.ROOT, "%.4f @ %d", sw, last.getIteration());
    }

    /** A run's state in one word: submitted, running, finished, stopped (or "no plan"). */
    static String state(RunCatalog.Spec spec, RunCatalog.Progress p) {
        if (spec.stop() != null) {
            return "stopped";
        }
        if (spec.plan() == null) {
            return "no plan";
        }
        long total = spec.plan().iterations();
        long learned = p.learned().values().stream().mapToLong(Long::longValue).min().orElse(0);
        boolean allLearners = p.learned().size() == LEARNERS.size();
        if ((allLearners && learned >= total) || (p.lastReport() != null && p.lastReport().getIteration() >= total)) {
            return "finished";
        }
        return p.batches() == 0 ? "submitted" : "running";
    }

    /** Shared by the subcommands: the cluster, probed before anything else. */
    abstract static class OnCluster implements Callable<Integer> {
        @Mixin
        ClusterOptions cluster;

        KafkaSettings settings;

        RunCatalog open() {
            try {
                settings = cluster.settings("dxmi-runs");
            } catch (IllegalArgumentException e) {
                throw new UsageError(e.getMessage(), e);
            }
            cluster.probe();
            return new RunCatalog(settings, cluster.connectTimeout());
        }

        /** The run's spec; a usage error naming the runs that exist when it does not. */
        RunCatalog.Spec spec(RunCatalog catalog, String run) {
            try {
                return catalog.spec(run).orElseThrow(() -> new UsageError(noSuchRun(run, settings, catalog)));
            } catch (IllegalArgumentException e) {
                throw new UsageError(e.getMessage(), e);
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the runs on the cluster.")
    static final class ListRuns extends OnCluster {
        @Override
        public Integer call() {
            try (RunCatalog catalog = open()) {
                List<String> runs = catalog.runs();
                if (runs.isEmpty()) {
                    System.out.println("no runs on " + settings.bootstrapServers());
                    return ExitCode.OK;
                }
                System.out.printf(Locale.ROOT, LIST_ROW, "RUN", "STATE", "MODE", "LEARNED / ITERATIONS", "DISK",
                        LAST_CHECK_SW, "SUBMITTED");
                for (String run : runs) {
                    RunCatalog.Spec spec = catalog.spec(run).orElse(null);
                    if (spec == null) {
                        continue; // deleted meanwhile
                    }
                    RunCatalog.Progress p = catalog.progress(run, LEARNERS);
                    RunPlan plan = spec.plan();
                    EvaluationReport last = p.lastReport();
                    System.out.printf(Locale.ROOT, LIST_ROW, run, state(spec, p),
                            plan == null ? "-" : plan.mode(),
                            plan == null ? "-" : learned(p) + " / " + plan.iterations(), bytes(p.sizeBytes()),
                            lastCheckSw(last),
                            spec.submittedAtMillis() < 0 ? "-" : Instant.ofEpochMilli(spec.submittedAtMillis()));
                }
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Show one run: plan, progress, disk.")
    static final class Status extends OnCluster {
        @Parameters(index = "0", paramLabel = "RUN", description = "The run's name.")
        String run;

        @Override
        public Integer call() {
            try (RunCatalog catalog = open()) {
                RunCatalog.Spec spec = spec(catalog, run);
                RunCatalog.Progress p = catalog.progress(run, LEARNERS);
                System.out.println("run:        " + run + " on " + settings.bootstrapServers());
                System.out.println("state:      " + state(spec, p) + (spec.stop() == null ? ""
                        : " (" + spec.stop().reason() + ", " + Instant.ofEpochMilli(spec.stop().atMillis()) + ")"));
                RunPlan plan = spec.plan();
                if (plan != null) {
                    var c = plan.spec().config();
                    System.out.println("submitted:  " + Instant.ofEpochMilli(spec.submittedAtMillis()));
                    System.out.printf(Locale.ROOT, "plan:       %s, data %s, T = %d, tau = %s, %d iterations of"
                            + " batch %d, seed %d, checkpoint every %d, evaluation every %d%n", plan.mode()
                            + (plan.sync() ? "" : " (max staleness " + plan.maxStaleness() + ")"),
                            plan.spec().dataSource(), c.samplerSteps(), ConfigDefaults.number(c.tauEntropy()),
                            c.iterations(), c.batchSize(), c.seed(), plan.checkpointEvery(), plan.evalEvery());
                }
                System.out.println("rolled out: " + p.batches() + " batches");
                for (String role : LEARNERS) {
                    Long l = p.learned().get(role);
                    System.out.println("learned:    " + role + " " + (l == null ? "- (no commit yet)" : l));
                }
                EvaluationReport last = p.lastReport();
                if (last != null) {
                    StringBuilder m = new StringBuilder();
                    for (Map.Entry<String, Double> e : new TreeMap<>(last.getMetrics()).entrySet()) {
                        if (m.length() > 0) {
                            m.append(", ");
                        }
                        m.append(e.getKey()).append(' ').append(String.format(Locale.ROOT, "%.4f", e.getValue()));
                    }
                    System.out.println("last check: iteration " + last.getIteration() + " (periodic, light protocol;"
                            + " the final figures are in the run's result.json): " + m);
                }
                System.out.println("disk:       " + bytes(p.sizeBytes()) + " in " + catalog.topics(run).size()
                        + " topics (" + String.join(", ", catalog.topics(run)) + ")");
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = {"Stop a run: every service of it ends gracefully within seconds (exit 0).",
                "The learners keep their checkpoints; 'dxmi runs resume' lets it continue."})
    static final class Stop extends OnCluster {
        @Parameters(index = "0", paramLabel = "RUN", description = "The run's name.")
        String run;

        @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "stopped with dxmi runs stop",
                description = "Why, for the services' logs and 'dxmi runs status' (default: ${DEFAULT-VALUE}).")
        String reason;

        @Override
        public Integer call() {
            try (RunCatalog catalog = open()) {
                spec(catalog, run);
                catalog.stop(run, reason);
                System.out.println("marked run '" + run + "' stopped; its services end within seconds (continue it"
                        + " with 'dxmi runs resume " + run + "' and the services again)");
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = "Clear a run's stop mark, so that its services (started again) continue it.")
    static final class Resume extends OnCluster {
        @Parameters(index = "0", paramLabel = "RUN", description = "The run's name.")
        String run;

        @Override
        public Integer call() {
            try (RunCatalog catalog = open()) {
                RunCatalog.Spec spec = spec(catalog, run);
                if (spec.stop() == null) {
                    System.out.println("run '" + run + "' is not stopped");
                    return ExitCode.OK;
                }
                catalog.clearStop(run);
                System.out.println("run '" + run + "' may continue: start its services again");
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = {"Delete a run: its topics, and with --state DIR also the learners' checkpoints in DIR.",
                "DIR is the --state-dir the run's learners were given."})
    static final class Delete extends OnCluster {
        @Parameters(index = "0", paramLabel = "RUN", description = "The run's name.")
        String run;

        @Option(names = "--state", paramLabel = "DIR",
                description = "Also delete the run's learner checkpoints under DIR.")
        Path state;

        @Option(names = "--force", description = "Delete a run that is still going (its services then fail).")
        boolean force;

        @Override
        public Integer call() throws IOException {
            try (RunCatalog catalog = open()) {
                RunCatalog.Spec spec = spec(catalog, run);
                String now = state(spec, catalog.progress(run, LEARNERS));
                if (!force && (now.equals("running") || now.equals("submitted"))) {
                    throw new UsageError("run '" + run + "' is " + now + "; stop it first ('dxmi runs stop " + run
                            + "'), or delete it anyway with --force");
                }
                List<Path> checkpoints = learnerStates();
                List<String> topics = catalog.delete(run);
                for (Path p : checkpoints) {
                    OutputDirectory.delete(p);
                }
                if (state != null) {
                    deleteIfEmpty(state.resolve(run));
                }
                System.out.println("deleted run '" + run + "': " + topics.size() + " topics"
                        + (state == null ? "" : ", " + checkpoints.size() + " learner state directories in " + state));
            }
            return ExitCode.OK;
        }

        private static void deleteIfEmpty(Path dir) throws IOException {
            if (Files.isDirectory(dir)) {
                try (var entries = Files.list(dir)) {
                    if (entries.findAny().isEmpty()) {
                        Files.delete(dir);
                    }
                }
            }
        }

        /** The learners' state directories under --state, checked before anything is deleted. */
        private List<Path> learnerStates() {
            if (state == null) {
                return List.of();
            }
            if (!Files.isDirectory(state)) {
                throw new UsageError("--state " + state + " is not a directory");
            }
            List<Path> dirs = new ArrayList<>();
            for (String role : LEARNERS) {
                Path d = state.resolve(run).resolve(role); // as the learners keep it: DIR/RUN/ROLE
                if (Files.isDirectory(d)) {
                    dirs.add(d);
                }
            }
            return dirs;
        }
    }

    @Command(name = "acls", mixinStandardHelpOptions = true,
            description = {"Print the Kafka ACLs each process of a run needs (least privilege, literal names).",
                "Printed as kafka-acls.sh commands, or created on the cluster with --apply (as an admin principal)."})
    static final class Acls implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "RUN", description = "The run's name.")
        String run;

        @Option(names = "--principal", required = true, paramLabel = "ROLE=PRINCIPAL",
                description = "A process's principal, e.g. ebm-learner=User:ebm (repeatable). Roles: submit,"
                        + " sampler-actor, ebm-learner, value-learner, evaluator, dashboard, operator.")
        Map<String, String> principals;

        @Option(names = "--apply", description = "Create the ACLs on the cluster instead of printing them.")
        boolean apply;

        @Mixin
        ClusterOptions cluster;

        @Override
        public Integer call() throws Exception {
            List<AclBinding> all = new ArrayList<>();
            List<String> lines = new ArrayList<>();
            String bootstrap = cluster.bootstrapOrNull();
            try {
                for (Map.Entry<String, String> e : principals.entrySet()) {
                    all.addAll(RunAcls.bindings(run, e.getKey(), e.getValue()));
                    lines.addAll(RunAcls.commands(run, e.getKey(), e.getValue(),
                            bootstrap == null ? "BOOTSTRAP" : bootstrap));
                }
            } catch (IllegalArgumentException e) {
                throw new UsageError(e.getMessage(), e);
            }
            if (!apply) {
                lines.forEach(System.out::println);
                return ExitCode.OK;
            }
            KafkaSettings settings;
            try {
                settings = cluster.settings("dxmi-acls");
            } catch (IllegalArgumentException e) {
                throw new UsageError(e.getMessage(), e);
            }
            cluster.probe();
            try (Admin admin = Admin.create(new HashMap<>(settings.adminProperties()))) {
                admin.createAcls(all).all().get(cluster.connectTimeout().toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new IllegalStateException("could not create the ACLs: " + e.getCause().getMessage(), e);
            }
            System.out.println("created " + all.size() + " ACLs for run '" + run + "' (" + principals.size()
                    + " principals)");
            return ExitCode.OK;
        }
    }

    static String learned(RunCatalog.Progress p) {
        return p.learned().isEmpty() ? "0" : Long.toString(p.learned().values().stream().mapToLong(Long::longValue)
                .min().orElse(0));
    }

    static String bytes(long b) {
        if (b < 0) {
            return "?";
        }
        if (b < 1 << 20) {
            return String.format(Locale.ROOT, "%.0f KiB", b / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", b / (1024.0 * 1024));
    }

}
