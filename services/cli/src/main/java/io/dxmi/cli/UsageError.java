package io.dxmi.cli;

/** A mistake on the command line found before any work starts: one line, exit {@link ExitCode#USAGE}. */
final class UsageError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    UsageError(String message) {
        super(message);
    }

    UsageError(String message, Throwable cause) {
        super(message, cause);
    }
}
