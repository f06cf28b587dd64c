package org.userspacecni.spi;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The kind of socket that joins a container to the host's switch. */
public enum InterfaceType implements WireName {
    VHOSTUSER("vhostuser"),
    MEMIF("memif");

    private final String wireName;

    InterfaceType(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    @Override
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static InterfaceType of(String value) {
        return WireName.parse(InterfaceType.class, value);
    }
}
