package org.userspacecni.spi;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The log levels of the original plugin, most severe first; the default is warning. */
public enum LogLevel implements WireName {
    PANIC("panic"),
    ERROR("error"),
    WARNING("warning"),
    INFO("info"),
    DEBUG("debug"),
    VERBOSE("verbose");

    private final String wireName;

    LogLevel(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    @Override
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static LogLevel of(String value) {
        return WireName.parse(LogLevel.class, value);
    }
}
