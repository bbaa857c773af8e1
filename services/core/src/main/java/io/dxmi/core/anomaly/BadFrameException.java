package io.dxmi.core.anomaly;

import java.util.Locale;

/** A frame that cannot be scored, with the kind of fault (a metric label) and a one-line reason. */
public final class BadFrameException extends Exception {

    /** What is wrong with a frame. */
    public enum Kind {
        /** The bytes do not decode as the encoding says. */
        CORRUPT,
        /** Width, height or byte count disagree, or are out of range. */
        WRONG_SIZE,
        /** The channels disagree with the bytes or with the model. */
        WRONG_CHANNELS,
        /** An encoding this scorer does not know. */
        UNKNOWN_ENCODING,
        /** The record is not a decodable Frame. */
        UNDECODABLE
    }

    private final Kind kind;

    public BadFrameException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** The metric label: lower case, e.g. "wrong_size". */
    public String label() {
        return kind.name().toLowerCase(Locale.ROOT);
    }
}
