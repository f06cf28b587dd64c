package org.userspacecni.spi;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What a memif interface carries. */
public enum MemifMode implements WireName {
    ETHERNET("ethernet"),
    IP("ip"),
    INJECT_PUNT("inject-punt");

    private final String wireName;

    MemifMode(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    @Override
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static MemifMode of(String value) {
        return WireName.parse(MemifMode.class, value);
    }
}
