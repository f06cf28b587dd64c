package org.userspacecni.backend.vpp;

import java.util.Map;
import org.userspacecni.backend.vpp.api.VppApiException;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;

/**
 * VPP API failures as CNI errors: a VPP that cannot be reached or does not answer is 11 (try again later),
 * one that lacks messages we need is 50 (plugin not available), a refused request is 999 with VPP's error.
 */
final class VppErrors {

    /** The VNET_API_ERROR codes an operator most often meets. */
    private static final Map<Integer, String> NAMES = Map.ofEntries(Map.entry(-1, "unspecified"),
            Map.entry(-2, "invalid sw_if_index"), Map.entry(-6, "no such entry"), Map.entry(-7, "invalid value"),
            Map.entry(-9, "unimplemented"), Map.entry(-71, "invalid interface"), Map.entry(-73, "invalid argument"),
            Map.entry(-79, "interface already exists"), Map.entry(-81, "value already exists"),
            Map.entry(-119, "bridge domain already exists"), Map.entry(-120, "bridge domain has members"),
            Map.entry(-121, "bridge domain 0 cannot be modified"), Map.entry(-122, "bridge domain id over the limit"));

    private VppErrors() {
    }

    static CniException of(String doing, VppApiException e) {
        if (e.unreachable()) {
            return new CniException(ErrorCode.TRY_AGAIN_LATER, "vpp: " + doing + ": " + e.getMessage(), e);
        }
        if (e.retval() == 0) {
            return new CniException(ErrorCode.PLUGIN_NOT_AVAILABLE, "vpp: " + doing + ": " + e.getMessage(), e);
        }
        return new CniException(ErrorCode.INTERNAL, "vpp: " + doing + ": " + e.getMessage() + " ("
                + NAMES.getOrDefault(e.retval(), "see VPP's log") + ")", e);
    }
}
