package org.userspacecni.spi;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A setting of one engine (where its switch's socket is, a queue count), read from the {@code options} of the
 * network configuration's {@code host} or {@code container} section, as the engine declares it through
 * {@link DatapathBackendProvider#options()}. The declaration is all the programs know of it: the configuration
 * reference documents it from there, the agent takes it as {@code --engine-option ENGINE.NAME=VALUE} (the value of
 * its {@link #variable}), and engines read it with {@link #value}, so that it is read alike everywhere.
 *
 * @param name the key in {@code options}
 * @param sections the sections whose {@code options} the engine reads it from
 * @param variable the environment variable read when the section does not set it, if any
 * @param defaultValue the value when neither does, in words for the reference
 * @param allowed the values allowed, in words; empty when any string is
 * @param description what it means, in a sentence or two of Markdown
 */
public record EngineOption(String name, Set<Section> sections, Optional<String> variable, String defaultValue,
        String allowed, String description) {

    /** A section of the network configuration that has {@code options}. */
    public enum Section {
        HOST,
        CONTAINER
    }

    /** An option read from both sections. */
    public static final Set<Section> BOTH_SECTIONS = Set.of(Section.HOST, Section.CONTAINER);

    public EngineOption {
        if (name == null || !name.matches("[A-Za-z][A-Za-z0-9]*")) {
            throw new IllegalArgumentException("an engine option's name is a letter then letters and digits: " + name);
        }
        sections = Set.copyOf(sections);
        if (sections.isEmpty()) {
            throw new IllegalArgumentException("option " + name + " is read from no section");
        }
        variable = Objects.requireNonNullElse(variable, Optional.empty());
        defaultValue = Objects.requireNonNullElse(defaultValue, "");
        allowed = Objects.requireNonNullElse(allowed, "");
        description = Objects.requireNonNull(description, "description");
    }

    /** The value {@code side} sets, else that of the {@link #variable} in {@code context}; empty counts as unset. */
    public Optional<String> value(Side side, BackendContext context) {
        return side.option(name).filter(value -> !value.isEmpty()).or(() -> value(context));
    }

    /** The value of the {@link #variable} in {@code context}, for a command with no section to read. */
    public Optional<String> value(BackendContext context) {
        return variable.flatMap(context::environment).filter(value -> !value.isEmpty());
    }
}
