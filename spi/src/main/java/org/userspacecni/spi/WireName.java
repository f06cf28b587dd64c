package org.userspacecni.spi;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * An enumeration whose constants are spelled on the wire as in the original plugin's configuration: the
 * constant's name in lower case with {@code -} for {@code _} ({@code VHOSTUSER} is {@code vhostuser},
 * {@code INJECT_PUNT} is {@code inject-punt}). Each enumeration adds a {@code @JsonCreator} that calls
 * {@link #parse}.
 */
public interface WireName {

    /** Implemented by every enumeration. */
    String name();

    /** The spelling in the network configuration. */
    @JsonValue
    default String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

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
