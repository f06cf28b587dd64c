package org.userspacecni.spi;

import java.util.Objects;
import java.util.Optional;

/** The rule for a socket file name given in the configuration: a plain name inside the shared directory. */
final class SocketFileName {

    private SocketFileName() {
    }

    static Optional<String> check(Optional<String> socketfile) {
        Optional<String> name = Objects.requireNonNullElse(socketfile, Optional.empty());
        name.ifPresent(n -> {
            if (n.isEmpty() || n.equals(".") || n.equals("..") || n.indexOf('/') >= 0 || n.indexOf('\0') >= 0) {
                throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG,
                        "'socketfile' must be a plain file name inside the shared directory: '" + n + "'");
            }
        });
        return name;
    }
}
