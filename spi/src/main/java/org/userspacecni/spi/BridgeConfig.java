package org.userspacecni.spi;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Objects;
import java.util.Optional;

/**
 * The bridge the host side joins: its name (for VPP the numeric bridge-domain id, as in the original),
 * the deprecated numeric {@code bridgeId}, and an access VLAN, which the original parsed and ignored.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BridgeConfig(Optional<String> bridgeName, Optional<Integer> bridgeId, Optional<Integer> vlanId) {

    public static final BridgeConfig EMPTY = new BridgeConfig(Optional.empty(), Optional.empty(), Optional.empty());

    public BridgeConfig {
        bridgeName = Objects.requireNonNullElse(bridgeName, Optional.empty());
        bridgeId = Objects.requireNonNullElse(bridgeId, Optional.empty());
        vlanId = Objects.requireNonNullElse(vlanId, Optional.empty());
        vlanId.ifPresent(vlan -> {
            if (vlan < 1 || vlan > 4094) {
                throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG,
                        "'vlanId' must be between 1 and 4094, not " + vlan);
            }
        });
    }
}
