package org.userspacecni.spi;

import java.util.Optional;

/**
 * A failure the CNI runtime will see: a code, a message and optional details, printed as the error
 * object of the CNI protocol.
 *
 * <p>Backends throw it for every failure they can name. The message says what is wrong in words an
 * operator can act on (the key and value of a bad field, the engine that is missing); details carry
 * what the underlying system said. The code is a plain number so that errors relayed from a delegated
 * plugin (IPAM) keep their own codes, including plugin-specific ones of 100 and above.
 */
public class CniException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int code;
    private final String details;

    public CniException(ErrorCode code, String message) {
        this(code.code(), message, "", null);
    }

    public CniException(ErrorCode code, String message, String details) {
        this(code.code(), message, details, null);
    }

    public CniException(ErrorCode code, String message, Throwable cause) {
        this(code.code(), message, String.valueOf(cause.getMessage()), cause);
    }

    public CniException(int code, String message, String details, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.details = details == null ? "" : details;
    }

    /** The first CniException in {@code thrown}'s cause chain, e.g. one a Jackson creator threw. */
    public static Optional<CniException> in(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof CniException) {
                return Optional.of((CniException) t);
            }
        }
        return Optional.empty();
    }

    public int code() {
        return code;
    }

    /** What the underlying system said; empty when there is nothing to add to the message. */
    public String details() {
        return details;
    }
}
