package org.userspacecni.spi;

import com.fasterxml.jackson.annotation.JsonCreator;

/**
 * How a switch port treats 802.1Q tags, as OVS names the modes: an access port carries one VLAN untagged; a trunk
 * carries the VLANs of its list tagged; a native port also carries its native VLAN, tagged ({@code native-tagged})
 * or untagged ({@code native-untagged}).
 */
public enum VlanMode implements WireName {
    ACCESS,
    TRUNK,
    NATIVE_TAGGED,
    NATIVE_UNTAGGED;

    @JsonCreator
    public static VlanMode of(String value) {
        return WireName.parse(VlanMode.class, value);
    }
}
