package org.userspacecni.spi;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Objects;
import java.util.Optional;

/**
 * The bridge the host side joins: its name (for VPP the numeric bridge-domain id, as in the original),
 * the deprecated numeric {@code bridgeId}, and an access VLAN, which the original parsed and ignored.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BridgeConfig(
        @ConfigDoc(value = "The bridge: on ovs-dpdk an OVS bridge, made (netdev) if missing; on vpp the number of a"
                + " bridge domain, made if missing, with `netType: bridge`.", defaultValue = "`br0` (ovs-dpdk),"
                + " `1` (vpp)", allowed = "ovs-dpdk: a letter or digit, then letters, digits, `_`, `.`, `-`, at most"
                + " 15 in all; vpp: 1 to 16777215")
        Optional<String> bridgeName,
        @ConfigDoc(value = "The original's deprecated bridge number; accepted and ignored.", engines = {})
        Optional<Integer> bridgeId,
        @ConfigDoc(value = "The port's access VLAN.", allowed = "1 to {MAX_VLAN_ID}", engines = "ovs-dpdk")
        Optional<Integer> vlanId) {

    /** 802.1Q: 0 means no VLAN and 4095 is reserved. */
    public static final int MAX_VLAN_ID = 4094;

    public static final BridgeConfig EMPTY = new BridgeConfig(Optional.empty(), Optional.empty(), Optional.empty());

    public BridgeConfig {
        bridgeName = Objects.requireNonNullElse(bridgeName, Optional.empty());
        bridgeId = Objects.requireNonNullElse(bridgeId, Optional.empty());
        vlanId = Objects.requireNonNullElse(vlanId, Optional.empty());
        vlanId.ifPresent(vlan -> {
            if (vlan < 1 || vlan > MAX_VLAN_ID) {
                throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG,
                        "'vlanId' must be between 1 and " + MAX_VLAN_ID + ", not " + vlan);
            }
        });
    }
}
