package org.userspacecni.spi;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How the host side is wired into the switch: added to a bridge, or an addressed interface of its own. */
public enum NetType implements WireName {
    BRIDGE("bridge"),
    INTERFACE("interface");

    private final String wireName;

    NetType(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    @Override
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static NetType of(String value) {
        return WireName.parse(NetType.class, value);
    }
}
