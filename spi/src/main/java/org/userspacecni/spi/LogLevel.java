package org.userspacecni.spi;

import com.fasterxml.jackson.annotation.JsonCreator;

/** The log levels of the original plugin, most severe first. */
public enum LogLevel implements WireName {
    PANIC,
    ERROR,
    WARNING,
    INFO,
    DEBUG,
    VERBOSE;

    @JsonCreator
    public static LogLevel of(String value) {
        return WireName.parse(LogLevel.class, value);
    }
}
