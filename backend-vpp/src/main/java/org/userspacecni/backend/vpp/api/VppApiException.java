package org.userspacecni.backend.vpp.api;

/**
 * A VPP API call that failed: VPP answered a negative {@code retval} (a VNET_API_ERROR code, kept in
 * {@link #retval()}), or it could not be reached, did not answer in time, or lacks messages we need
 * ({@link #retval()} 0).
 */
public final class VppApiException extends RuntimeException {

    /** VNET_API_ERROR_INVALID_SW_IF_INDEX: no such interface (of that kind). */
    public static final int INVALID_SW_IF_INDEX = -2;
    /** VNET_API_ERROR_NO_SUCH_ENTRY. */
    public static final int NO_SUCH_ENTRY = -6;
    /** VNET_API_ERROR_BD_ALREADY_EXISTS. */
    public static final int BD_ALREADY_EXISTS = -119;
    /** VNET_API_ERROR_BD_IN_USE: the bridge domain still has member interfaces. */
    public static final int BD_IN_USE = -120;

    private static final long serialVersionUID = 1L;

    private final int retval;
    private final boolean unreachable;

    private VppApiException(String message, int retval, boolean unreachable, Throwable cause) {
        super(message, cause);
        this.retval = retval;
        this.unreachable = unreachable;
    }

    static VppApiException refused(String request, int retval) {
        return new VppApiException(request + " failed in VPP with retval " + retval, retval, false, null);
    }

    static VppApiException unreachable(String message, Throwable cause) {
        return new VppApiException(message, 0, true, cause);
    }

    static VppApiException incompatible(String message) {
        return new VppApiException(message, 0, false, null);
    }

    public int retval() {
        return retval;
    }

    /** VPP could not be reached or stopped answering: worth trying again later. */
    public boolean unreachable() {
        return unreachable;
    }
}
