package org.userspacecni.spi;

import java.util.Objects;

/**
 * Whether a datapath can take new attachments, as the CNI STATUS command reports it: available;
 * {@link ErrorCode#LIMITED_CONNECTIVITY} (reachable but not fully working, e.g. DPDK not initialised);
 * or {@link ErrorCode#PLUGIN_NOT_AVAILABLE} (not reachable).
 */
public record DatapathStatus(boolean available, ErrorCode code, String message) {

    public DatapathStatus {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    public static DatapathStatus up() {
        return new DatapathStatus(true, ErrorCode.PLUGIN_NOT_AVAILABLE, "available");
    }

    public static DatapathStatus unavailable(String message) {
        return new DatapathStatus(false, ErrorCode.PLUGIN_NOT_AVAILABLE, message);
    }

    public static DatapathStatus limited(String message) {
        return new DatapathStatus(false, ErrorCode.LIMITED_CONNECTIVITY, message);
    }
}
