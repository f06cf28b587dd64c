package org.userspacecni.spi;

/**
 * The error codes of the CNI specification (1.1.0) and libcni, in one place.
 *
 * <p>Codes 0 to 99 are reserved by the specification; a plugin's own codes start at 100. Codes of
 * delegated plugins are carried as plain numbers by {@link CniException}.
 */
public enum ErrorCode {
    INCOMPATIBLE_CNI_VERSION(1),
    UNSUPPORTED_FIELD(2),
    UNKNOWN_CONTAINER(3),
    INVALID_ENVIRONMENT_VARIABLES(4),
    IO_FAILURE(5),
    DECODING_FAILURE(6),
    INVALID_NETWORK_CONFIG(7),
    INVALID_NETNS(8),
    TRY_AGAIN_LATER(11),
    PLUGIN_NOT_AVAILABLE(50),
    LIMITED_CONNECTIVITY(51),
    /** This plugin's own: CHECK found an attachment that is not as ADD made it. */
    ATTACHMENT_DIFFERS(100),
    /**
     * This plugin's own: CHECK found the attachment as ADD made it, but its port's link down (the container's end not
     * connected) longer than the grace period after ADD.
     *
     * @since SPI 2.1
     */
    LINK_DOWN(101),
    INTERNAL(999);

    private final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
