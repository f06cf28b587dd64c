package org.userspacecni.backend.ovs;

/**
 * A failure of the OVSDB conversation: the server could not be reached, broke the connection, did not
 * answer in time, or refused a request. {@link #isTransient()} tells whether trying again later may work
 * (the server is restarting) as opposed to a request the server will always refuse.
 */
final class OvsdbException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean transientFailure;

    OvsdbException(String message, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    boolean isTransient() {
        return transientFailure;
    }
}
