package io.dxmi.cli;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** An {@code --out FILE} that may also be {@code -}: standard output, so that commands compose in a pipe. */
final class OutputFile {

    /** The name that means standard output. */
    static final String STDOUT = "-";

    private OutputFile() {}

    static boolean isStdout(Path out) {
        return STDOUT.equals(out.toString());
    }

    /** Checks that the file can be written (creating its folder); nothing to check for standard output. */
    static void prepare(Path out, String flag) {
        if (!isStdout(out)) {
            OutputDirectory.prepareParentOf(out, flag);
        }
    }

    /** A UTF-8 writer to the file, or to standard output (closing it then only flushes). */
    static Writer open(Path out) throws IOException {
        if (!isStdout(out)) {
            return Files.newBufferedWriter(out, StandardCharsets.UTF_8);
        }
        return new FilterWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)) {
            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

    /** Where a command says what it wrote: standard error when the data go to standard output. */
    static PrintStream messages(Path out) {
        return isStdout(out) ? System.err : System.out;
    }

    /** The output's name in messages. */
    static String describe(Path out) {
        return isStdout(out) ? "standard output" : out.toString();
    }
}
