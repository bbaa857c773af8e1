package io.dxmi.cli;

/**
 * The exit codes of {@code dxmi}, the same for the same kind of mistake in every command (the README's table).
 */
final class ExitCode {

    /** Done: the command did what it was asked (a service: its run is done, or was stopped). */
    static final int OK = 0;
    /** Failed while working: a service died, a file could not be written, a step failed. */
    static final int FAILED = 1;
    /**
     * Usage error, found before any work starts: a bad flag or value, a file or directory named on the command
     * line that is missing, unreadable, malformed or unwritable, an unknown run, an --out that holds a run, a
     * --state-dir in use by another instance or holding another run's checkpoint, client settings Kafka cannot use.
     */
    static final int USAGE = 2;
    /** The Kafka cluster did not answer within --connect-timeout (or refused the client's credentials). */
    static final int UNREACHABLE = 3;
    /** No plan for the run arrived within --plan-timeout (not submitted yet, or a mistyped --run). */
    static final int NO_PLAN = 4;

    private ExitCode() {}
}
