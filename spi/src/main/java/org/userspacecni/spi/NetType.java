package org.userspacecni.spi;

import com.fasterxml.jackson.annotation.JsonCreator;

/** How the host side is wired into the switch: added to a bridge, or an addressed interface of its own. */
public enum NetType implements WireName {
    BRIDGE,
    INTERFACE;

    @JsonCreator
    public static NetType of(String value) {
        return WireName.parse(NetType.class, value);
    }
}
