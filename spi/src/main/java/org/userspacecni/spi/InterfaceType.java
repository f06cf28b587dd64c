package org.userspacecni.spi;

import com.fasterxml.jackson.annotation.JsonCreator;

/** The kind of socket that joins a container to the host's switch. */
public enum InterfaceType implements WireName {
    VHOSTUSER,
    MEMIF;

    @JsonCreator
    public static InterfaceType of(String value) {
        return WireName.parse(InterfaceType.class, value);
    }
}
