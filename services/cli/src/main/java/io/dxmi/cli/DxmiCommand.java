package io.dxmi.cli;

import io.dxmi.core.data.DataFormatException;
import io.dxmi.pipeline.RunStartup;
import io.dxmi.platform.checkpoint.StateDirectoryConflict;
import io.dxmi.platform.config.ClusterProbe;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code dxmi} program. Every failure the user can cause (bad flag, unknown data set,
 * missing or malformed file, a directory that is not a model) ends in one line on stderr that
 * names the problem and a non-zero exit: 2 for usage errors, 1 for everything else. Set
 * DXMI_DEBUG=1 to see stack traces.
 */
@Command(name = "dxmi", mixinStandardHelpOptions = true, version = "dxmi 0.1.0",
        description = "DxMI: few-step diffusion samplers and energy-based models trained by maximum-entropy IRL.",
        subcommands = {PretrainCommand.class, TrainCommand.class, RunCommand.class, SubmitCommand.class,
            ServiceCommand.class, BrokerCommand.class, RunsCommand.class, ExportCommand.class, DashboardCommand.class,
            SampleCommand.class, EnergyCommand.class, ClassifierCommand.class,
            CalibrateCommand.class, FeatureDensityCommand.class, CameraCommand.class, ScoresCommand.class, OneClassCommand.class,
            Table1Command.class, VectorTableCommand.class, ImageTableCommand.class, CommandLine.HelpCommand.class})
public final class DxmiCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the program and returns its exit code (tests call this); the codes are {@link ExitCode}'s. */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new DxmiCommand());
        if (args.length >= 2 && "service".equals(args[0]) && AnomalyScorerServiceCommand.NAME.equals(args[1])) {
            // Not a run's service (no --run): its own command, under the name users type.
            cl = new CommandLine(new AnomalyScorerServiceCommand()).setCommandName("dxmi service "
                    + AnomalyScorerServiceCommand.NAME);
            args = Arrays.copyOfRange(args, 2, args.length);
        }
        cl.setDefaultValueProvider(new ConfigDefaults());
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            String name = ex.getCommandLine().getCommandSpec().qualifiedName();
            err.println(name + ": " + ex.getMessage() + suggestion(ex) + " (see '" + name + " --help')");
            return ExitCode.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            err.println(commandLine.getCommandSpec().qualifiedName() + ": " + describe(ex));
            if (System.getenv("DXMI_DEBUG") != null) {
                ex.printStackTrace(err);
            }
            return exitCode(ex);
        });
        return cl.execute(args);
    }

    /** "; did you mean …?" for a mistyped command or option that is close to real ones, else "". */
    static String suggestion(CommandLine.ParameterException ex) {
        if (ex instanceof CommandLine.UnmatchedArgumentException unmatched) {
            List<String> close = unmatched.getSuggestions();
            if (!close.isEmpty()) {
                return "; did you mean " + String.join(" or ", close.subList(0, Math.min(3, close.size()))) + "?";
            }
        }
        return "";
    }

    /** The exit code of a failure: the same kind of mistake gets the same code in every command. */
    static int exitCode(Throwable ex) {
        if (ex instanceof UsageError || ex instanceof ClusterProbe.InvalidSettings) {
            return ExitCode.USAGE;
        }
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StateDirectoryConflict) {
                return ExitCode.USAGE; // a service given a state directory it must not use: its configuration
            }
        }
        if (ex instanceof ClusterProbe.Unreachable) {
            return ExitCode.UNREACHABLE;
        }
        if (ex instanceof RunStartup.NoPlan) {
            return ExitCode.NO_PLAN;
        }
        return ExitCode.FAILED;
    }

    /**
     * One line for an exception: the user's mistakes and operational faults (files, the cluster) by their
     * message, anything else by its type too.
     */
    static String describe(Throwable ex) {
        if (ex instanceof UncheckedIOException u && u.getCause() != null) {
            return describe(u.getCause()); // its own message is the cause's type and message
        }
        if (ex instanceof FileSystemException f && f.getReason() == null) {
            // Java's file errors without a reason say only the path: name what went wrong with it.
            return f.getMessage().replace('\n', ' ') + ": " + fileProblem(f);
        }
        if (ex instanceof IllegalArgumentException || ex instanceof DataFormatException || ex instanceof IOException
                || ex instanceof UncheckedIOException || ex instanceof IllegalStateException
                || ex instanceof UsageError || ex instanceof ClusterProbe.Unreachable || ex instanceof RunStartup.NoPlan
                || ex instanceof RunMonitor.ServiceFailed || ex instanceof KafkaException) {
            String m = ex.getMessage();
            if (ex instanceof KafkaException && ex.getCause() != null && ex.getCause().getMessage() != null) {
                m = m + ": " + ex.getCause().getMessage(); // Kafka's wrapper says little ("Failed to construct ...")
            }
            return m == null ? ex.getClass().getSimpleName() : m.replace('\n', ' ');
        }
        return "internal error: " + ex + " (set DXMI_DEBUG=1 for the stack trace)";
    }

    private static String fileProblem(FileSystemException f) {
        if (f instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (f instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (f instanceof FileAlreadyExistsException) {
            return "already exists";
        }
        if (f instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (f instanceof DirectoryNotEmptyException) {
            return "directory not empty";
        }
        return f.getClass().getSimpleName();
    }
}
