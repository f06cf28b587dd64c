package org.userspacecni.spi;

import com.fasterxml.jackson.annotation.JsonCreator;

/** The memif role: the master owns the shared memory, the slave maps it. */
public enum MemifRole implements WireName {
    MASTER,
    SLAVE;

    @JsonCreator
    public static MemifRole of(String value) {
        return WireName.parse(MemifRole.class, value);
    }

    /** The role of the other end of the socket. */
    public MemifRole opposite() {
        return this == MASTER ? SLAVE : MASTER;
    }
}
