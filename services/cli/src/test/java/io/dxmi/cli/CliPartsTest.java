package io.dxmi.cli;

import io.dxmi.core.dxmi.DxmiConfig;
import io.dxmi.schemas.EvaluationReport;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line's parts: the run monitor, output checks, and defaults read from the configuration record. */
class CliPartsTest {

    @TempDir
    Path tmp;

    @Test
    void theMonitorEndsTheWaitWhenAnyServiceFails() throws Exception {
        Promise<Void> value = Promise.promise();
        Promise<Void> ebm = Promise.promise();
        Promise<Void> actor = Promise.promise();
        RunMonitor monitor = new RunMonitor(List.of(new RunMonitor.Service("value-learner", value.future()),
                new RunMonitor.Service("ebm-learner", ebm.future()),
                new RunMonitor.Service("sampler-actor", actor.future())), Duration.ofMillis(20));
        AtomicInteger ticks = new AtomicInteger();
        actor.complete(); // an actor done early is no failure
        Thread failer = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
            ebm.fail(new IllegalStateException("checkpoint disk full"));
        });
        failer.start();
        RunMonitor.ServiceFailed e = assertThrows(RunMonitor.ServiceFailed.class, () -> monitor.await(
                "the value-learner", () -> value.future().isComplete(), Duration.ofMinutes(5), ticks::incrementAndGet));
        assertEquals("the ebm-learner failed: checkpoint disk full", e.getMessage());
        assertTrue(ticks.get() > 0);
        assertEquals("the ebm-learner failed: checkpoint disk full", DxmiCommand.describe(e));
        assertEquals(ExitCode.FAILED, DxmiCommand.exitCode(e));
    }

    @Test
    void aFileErrorNamesItsReasonNotOnlyThePath() {
        assertEquals("/no/such/dir/out.csv: no such file or directory",
                DxmiCommand.describe(new NoSuchFileException("/no/such/dir/out.csv")));
        assertEquals("/etc/x: permission denied", DxmiCommand.describe(new UncheckedIOException(
                new AccessDeniedException("/etc/x"))));
        assertEquals("/tmp/f: not a directory", DxmiCommand.describe(new NotDirectoryException("/tmp/f")));
        // A reason Java gives is kept as it is.
        assertEquals("/tmp/a: No space left on device", DxmiCommand.describe(new FileSystemException("/tmp/a", null,
                "No space left on device")));
        // A stream's write on a full disk says only that, wrapped by a lambda: the wrapper's type is not shown.
        assertEquals("No space left on device", DxmiCommand.describe(new UncheckedIOException(
                new IOException("No space left on device"))));
    }

    @Test
    void everyWaitHasALimit() {
        Promise<Void> never = Promise.promise();
        RunMonitor monitor = new RunMonitor(List.of(new RunMonitor.Service("evaluator", never.future())),
                Duration.ofMillis(10));
        TimeoutException e = assertThrows(TimeoutException.class, () -> monitor.awaitService(
                new RunMonitor.Service("evaluator", never.future()), Duration.ofMillis(100), () -> {}));
        assertTrue(e.getMessage().contains("the evaluator"), e.getMessage());
    }

    @Test
    void anOutputDirectoryIsCheckedAndTheReasonNamed() throws Exception {
        Path ok = OutputDirectory.prepare(tmp.resolve("a/b"), "--out");
        assertTrue(Files.isDirectory(ok));
        assertEquals(0, Files.list(ok).count(), "the write probe is removed");
        Path file = Files.writeString(tmp.resolve("f"), "x");
        UsageError e = assertThrows(UsageError.class, () -> OutputDirectory.prepare(file.resolve("x"), "--out"));
        assertTrue(e.getMessage().startsWith("--out " + file.resolve("x") + " cannot be written: a file is in the way"),
                e.getMessage());
        UsageError d = assertThrows(UsageError.class, () -> OutputDirectory.prepareParentOf(tmp, "--out"));
        assertTrue(d.getMessage().contains("is a directory, not a file"), d.getMessage());
    }

    @Test
    void helpShowsTheDefaultsOfTheConfigurationRecords() {
        DxmiConfig d = DxmiConfig.defaults();
        CommandLineTest.Run train = CommandLineTest.dxmi("train", "--help");
        assertEquals(0, train.code());
        String help = train.out().replaceAll("\\s+", " ");
        assertTrue(help.contains("DxMI iterations (default: " + d.iterations() + ")"), help);
        assertTrue(help.contains("(default: " + d.batchSize() + ")"), help);
        assertTrue(help.contains("Sampler network learning rate (default: " + ConfigDefaults.number(
                d.samplerLearningRate()) + ")"), help);
        assertTrue(help.contains("--iterations=N"), "value labels are readable: " + help);
    }

    @Test
    void runsListSaysItsSwIsTheLastPeriodicCheckAndWhen() {
        EvaluationReport report = EvaluationReport.newBuilder().setRunId("r").setPolicyVersion(200).setEbmVersion(200)
                .setIteration(200).setMetrics(Map.of("sw", 0.071234, "auc", 0.88)).setCreatedAtMillis(0)
                .setEvaluator("evaluator").build();
        String header = String.format(Locale.ROOT, RunsCommand.LIST_ROW, "RUN", "STATE", "MODE", "LEARNED", "DISK",
                RunsCommand.LAST_CHECK_SW, "SUBMITTED");
        String row = String.format(Locale.ROOT, RunsCommand.LIST_ROW, "r", "finished", "sync", "200 / 200", "1 MB",
                RunsCommand.lastCheckSw(report), "-");
        assertTrue(header.contains("SW (LAST CHECK @ IT)"), header);
        // The figure sits under its title and names the iteration it was taken at.
        assertEquals(header.indexOf("SW (LAST CHECK"), row.indexOf("0.0712 @ 200"), header + row);
        assertEquals("-", RunsCommand.lastCheckSw(null));
        report.setMetrics(Map.of("fd", 12.0));
        assertEquals("-", RunsCommand.lastCheckSw(report), "an image run's checks have no SW");
    }

    @Test
    void everyOptionValueHasAReadableLabel() {
        // picocli's default label is the Java field's name in angle brackets (<pretrainIterations>).
        List<String> unlabelled = new ArrayList<>();
        List<CommandSpec> specs = new ArrayList<>(List.of(new CommandLine(new DxmiCommand()).getCommandSpec(),
                new CommandLine(new AnomalyScorerServiceCommand()).getCommandSpec()));
        for (int i = 0; i < specs.size(); i++) {
            CommandSpec spec = specs.get(i);
            spec.subcommands().values().forEach(sub -> specs.add(sub.getCommandSpec()));
            for (OptionSpec o : spec.options()) {
                if (o.arity().max() > 0 && o.paramLabel().startsWith("<")) {
                    unlabelled.add(spec.qualifiedName() + " " + o.longestName() + " " + o.paramLabel());
                }
            }
        }
        assertTrue(unlabelled.isEmpty(), "options shown with a field name as their value: " + unlabelled);
    }

    @Test
    void everyCommandSummaryIsAWholeSentence() {
        // `dxmi --help` lists each command with its description's first line only.
        List<CommandLine> commands = new ArrayList<>(new CommandLine(new DxmiCommand()).getSubcommands().values());
        for (int i = 0; i < commands.size(); i++) {
            CommandLine sub = commands.get(i);
            commands.addAll(sub.getSubcommands().values()); // 'dxmi runs stop' is listed in 'dxmi runs --help'
            String[] description = sub.getCommandSpec().usageMessage().description();
            String first = description.length == 0 ? "" : description[0].strip();
            assertTrue(first.endsWith("."), sub.getCommandSpec().qualifiedName() + "'s summary is cut: " + first);
        }
    }

    @Test
    void aMistypedCommandOrOptionGetsASuggestion() {
        CommandLineTest.Run command = CommandLineTest.dxmi("trian");
        assertEquals(ExitCode.USAGE, command.code());
        assertTrue(command.err().contains("did you mean train"), command.err());
        CommandLineTest.Run option = CommandLineTest.dxmi("train", "--data", "8gaussians", "--out", "x", "--stesp", "5");
        assertEquals(ExitCode.USAGE, option.code());
        assertTrue(option.err().contains("--steps"), option.err());
    }
}
