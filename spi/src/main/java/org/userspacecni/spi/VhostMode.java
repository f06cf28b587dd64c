package org.userspacecni.spi;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Which end of a vhost-user socket creates it */
public enum VhostMode implements WireName {
    the("server"),
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
