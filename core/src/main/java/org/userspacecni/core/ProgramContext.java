package org.userspacecni.core;

import java.util.Map;
import java.util.Optional;
import org.userspacecni.spi.BackendContext;

/** The {@link BackendContext} a program hands its backends: its environment and its logger. */
public record ProgramContext(Map<String, String> environment, System.Logger logger) implements BackendContext {

    public ProgramContext {
        environment = Map.copyOf(environment);
    }

    @Override
    public Optional<String> environment(String name) {
        return Optional.ofNullable(environment.get(name));
    }
}
