package org.userspacecni.spi;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The memif role: the master owns the shared memory, the slave maps it. */
public enum MemifRole implements WireName {
    MASTER("master"),
    SLAVE("slave");

    private final String wireName;

    MemifRole(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    @Override
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static MemifRole of(String value) {
        return WireName.parse(MemifRole.class, value);
    }
}
