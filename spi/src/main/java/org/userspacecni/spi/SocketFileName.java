package org.userspacecni.spi;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The rule for a socket's file name, the configuration's {@code socketfile} and every {@link SocketRequest}
 * alike: a plain name, which the program places in the attachment's socket directory.
 */
final class SocketFileName {

    private SocketFileName() {
    }

    static Optional<String> check(Optional<String> socketfile) {
        Optional<String> name = Objects.requireNonNullElse(socketfile, Optional.empty());
        name.ifPresent(n -> {
            if (n.isEmpty() || n.equals(".") || n.equals("..") || n.indexOf('/') >= 0 || !isFileName(n)) {
                throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG,
                        "'socketfile' must be a plain file name inside the shared directory: '" + n + "'");
            }
        });
        return name;
    }

    /** No NUL, no line break, nothing the file system's encoding cannot hold (which would fail later, unchecked). */
    private static boolean isFileName(String name) {
        if (name.chars().anyMatch(c -> c == 0 || c == '\n' || c == '\r')) {
            return false;
        }
        try {
            Path.of(name);
            return true;
        } catch (InvalidPathException e) {
            return false;
        }
    }
}
