package org.userspacecni.spi;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Which end of a vhost-user socket creates it: the server listens, the client connects. */
public enum VhostMode implements WireName {
    CLIENT("client"),
    SERVER("server");

    private final String wireName;

    VhostMode(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    @Override
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static VhostMode of(String value) {
        return WireName.parse(VhostMode.class, value);
    }
}
