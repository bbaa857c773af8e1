package io.dxmi.schemas.codec;

/**
 * A message could not be encoded or decoded: not single-object encoded, written with a schema this
 * build does not know, of another record type than expected, truncated or otherwise malformed, or a
 * tensor payload of the wrong size. The message is a one-line reason fit for a dead letter.
 */
public class SchemaException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SchemaException(String message) {
        super(message);
    }

    public SchemaException(String message, Throwable cause) {
        super(message, cause);
    }
}
