package org.userspacecni.spi;

import com.fasterxml.jackson.annotation.JsonCreator;

/** What a memif interface carries. */
public enum MemifMode implements WireName {
    ETHERNET,
    IP,
    INJECT_PUNT;

    @JsonCreator
    public static MemifMode of(String value) {
        return WireName.parse(MemifMode.class, value);
    }
}
