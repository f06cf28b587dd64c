package org.userspacecni.core.cni;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;

/**
 * The CNI specification versions this plugin speaks, oldest first. 0.1.0 and 0.2.0 are left out on
 * purpose: their result has no interfaces, so it cannot carry a vhost-user or memif socket.
 */
public enum CniVersion {
    V0_3_0("0.3.0"),
    V0_3_1("0.3.1"),
    V0_4_0("0.4.0"),
    V1_0_0("1.0.0"),
    V1_1_0("1.1.0");

    public static final CniVersion LATEST = V1_1_0;

    private final String text;

    CniVersion(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    public boolean atLeast(CniVersion other) {
        return compareTo(other) >= 0;
    }

    /** The versions as VERSION lists them. */
    public static List<String> supported() {
        return Arrays.stream(values()).map(CniVersion::text).collect(Collectors.toList());
    }

    /** The version a configuration asks for; an empty one means 0.1.0, as in libcni. */
    public static CniVersion parse(String text) {
        String asked = text == null || text.isEmpty() ? "0.1.0" : text;
        for (CniVersion version : values()) {
            if (version.text.equals(asked)) {
                return version;
            }
        }
        throw new CniException(ErrorCode.INCOMPATIBLE_CNI_VERSION, "incompatible CNI versions",
                "config is \"" + asked + "\", plugin supports " + supported().stream()
                        .map(v -> "\"" + v + "\"").collect(Collectors.joining(", ", "[", "]")));
    }

    @Override
    public String toString() {
        return text;
    }
}
