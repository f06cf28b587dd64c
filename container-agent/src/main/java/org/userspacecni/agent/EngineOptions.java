package org.userspacecni.agent;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.userspacecni.core.BackendRegistry;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.EngineOption;

/**
 * The engine options given to the agent ({@code --engine-option ENGINE.NAME=VALUE}), checked against what the
 * installed engines declare and handed to them as the environment variable each declares for the option: an
 * engine reads it there when the container's section does not set it. The agent itself knows no engine's options.
 */
final class EngineOptions {

    private EngineOptions() {
    }

    /** The variables {@code given} sets; a name no installed engine declares for the container is bad usage. */
    static Map<String, String> asVariables(Map<String, String> given, BackendRegistry engines) {
        Map<String, String> variables = new LinkedHashMap<>();
        given.forEach((key, value) -> {
            String engine = engineOf(key);
            String name = key.substring(key.lastIndexOf('.') + 1);
            EngineOption option = declared(engines, engine).stream().filter(each -> each.name().equals(name))
                    .findFirst().orElseThrow(() -> new IllegalArgumentException("--engine-option " + key
                            + ": engine '" + engine + "' declares no option '" + name + "' the agent can set ("
                            + settable(engine, declared(engines, engine)) + ")"));
            variables.put(option.variable().filter(variable -> option.sections().contains(
                    EngineOption.Section.CONTAINER)).orElseThrow(() -> new IllegalArgumentException("--engine-option "
                            + key + ": set it as container.options." + name + " in the network configuration")),
                    value);
        });
        return variables;
    }

    /** The engine an {@code ENGINE.NAME} key names: all before its last dot (engine names may have dots). */
    static String engineOf(String key) {
        return key.substring(0, Math.max(key.lastIndexOf('.'), 0));
    }

    /** How the agent can be pointed at {@code engine}'s datapath, for a hint: its options with a variable. */
    static String settable(String engine, List<EngineOption> options) {
        String names = options.stream().filter(EngineOptions::settable)
                .map(option -> "--engine-option " + engine + "." + option.name() + "=...")
                .collect(Collectors.joining(", "));
        return names.isEmpty() ? "it declares none" : names;
    }

    private static boolean settable(EngineOption option) {
        return option.variable().isPresent() && option.sections().contains(EngineOption.Section.CONTAINER);
    }

    private static List<EngineOption> declared(BackendRegistry engines, String engine) {
        try {
            return engines.provider(engine).options();
        } catch (CniException e) {
            throw new IllegalArgumentException("--engine-option: " + e.getMessage(), e);
        }
    }
}
