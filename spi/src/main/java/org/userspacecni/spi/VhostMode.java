package org.userspacecni.spi;

import com.fasterxml.jackson.annotation.JsonCreator;

/** Which end of a vhost-user socket creates it: the server listens, the client connects. */
public enum VhostMode implements WireName {
    CLIENT,
    SERVER;

    @JsonCreator
    public static VhostMode of(String value) {
        return WireName.parse(VhostMode.class, value);
    }

    /** The mode of the other end of the socket. */
    public VhostMode opposite() {
        return this == CLIENT ? SERVER : CLIENT;
    }
}
