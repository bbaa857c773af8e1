package io.dxmi.platform.checkpoint;

/**
 * A state directory that this process must not use: another instance holds it, or it holds another run's state.
 * A deployment mistake (the directory given to the process), found before it does any work; never a fault to
 * retry.
 */
public final class StateDirectoryConflict extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public StateDirectoryConflict(String message) {
        super(message);
    }
}
