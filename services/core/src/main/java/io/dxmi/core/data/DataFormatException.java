package io.dxmi.core.data;

/** A data file that cannot be used; the message is one line naming the file and the problem. */
public final class DataFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DataFormatException(String message) {
        super(message);
    }

    public DataFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
