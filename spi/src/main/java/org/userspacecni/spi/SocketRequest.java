package org.userspacecni.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * The socket an engine wants for an attachment, described rather than placed: its file name (a plain name,
 * which the container sees too), which end binds it, and the group that may reach it ({@code vhost.group}
 * where the engine takes one). The program decides where it goes ({@link Sockets#place}); a name that is not a
 * plain file name is refused here, 7, as the configuration's {@code socketfile} is.
 */
public record SocketRequest(String name, SocketCreator creator, Optional<String> group) {

    public SocketRequest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(creator, "creator");
        group = Objects.requireNonNullElse(group, Optional.empty());
        plainName(name);
    }

    /** {@code name} if it is a plain file name, as a socket's must be; 7 if it is not. */
    public static String plainName(String name) {
        SocketFileName.check(Optional.of(Objects.requireNonNull(name, "name")));
        return name;
    }
}
