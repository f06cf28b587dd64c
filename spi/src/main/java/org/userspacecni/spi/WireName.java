package org.userspacecni.spi;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * An enumeration whose constants are spelled on the wire as in the original plugin's configuration
 * ({@code vhostuser}, {@code inject-punt}, ...).
 */
public interface WireName {

    /** The spelling in the network configuration. */
    String wireName();

    /**
     * Finds the constant spelled {@code value}, or fails with {@link ErrorCode#UNSUPPORTED_FIELD} listing the
     * spellings that are supported; the decoder adds the key to the message.
     */
    static <E extends Enum<E> & WireName> E parse(Class<E> type, String value) {
        for (E constant : type.getEnumConstants()) {
            if (constant.wireName().equals(value)) {
                return constant;
            }
        }
        String supported = Arrays.stream(type.getEnumConstants()).map(WireName::wireName)
                .collect(Collectors.joining(", "));
        throw new CniException(ErrorCode.UNSUPPORTED_FIELD,
                "unsupported value '" + value + "' (supported: " + supported + ")");
    }
}
