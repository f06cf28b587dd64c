package org.userspacecni.backend.ovs;

/**
 * A transaction that OVSDB aborted: the operation that failed, the RFC 7047 error name
 * ({@code constraint violation}, {@code referential integrity violation}, ...) and the server's details.
 */
final class OvsdbTransactionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String error;

    OvsdbTransactionException(String operation, String error, String details) {
        super("OVSDB aborted the transaction at " + operation + ": " + error + (details.isEmpty() ? "" : ": " + details));
        this.error = error;
    }

    boolean isConstraintViolation() {
        return error.equals("constraint violation");
    }
}
