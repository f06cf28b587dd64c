package org.userspacecni.spi;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Objects;
import java.util.Optional;

/**
 * memif settings: the role of this end (an absent role is {@link #DEFAULT_ROLE} on the host, and the
 * opposite in the container), the mode (ethernet unless said otherwise, as in the original), a socket
 * file name that replaces the default {@code memif-<first 12 chars of container id>-<ifname>.sock}, and the
 * ring: queues per direction (1-255), ring size (a power of 2 up to 32768), buffer size in bytes (up to
 * 65535) and the shared secret (at most 23 characters). Unset ring settings are the engine's defaults (VPP:
 * 1 queue, 1024 slots, 2048 bytes, no secret).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MemifConfig(Optional<MemifRole> role, MemifMode mode, Optional<String> socketfile,
        Optional<Integer> queues, Optional<Integer> ringSize, Optional<Integer> bufferSize, Optional<String> secret) {

    /** The host listens (master) and the container connects, as in the original. */
    public static final MemifRole DEFAULT_ROLE = MemifRole.MASTER;

    public static final MemifConfig EMPTY = new MemifConfig(Optional.empty(), MemifMode.ETHERNET, Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    public MemifConfig {
        role = Objects.requireNonNullElse(role, Optional.empty());
        mode = Objects.requireNonNullElse(mode, MemifMode.ETHERNET);
        socketfile = SocketFileName.check(socketfile);
        queues = check("memif.queues", queues, 1, 255);
        ringSize = check("memif.ringSize", ringSize, 1, 32768);
        ringSize.filter(size -> Integer.bitCount(size) != 1).ifPresent(size -> {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "memif.ringSize must be a power of 2, not " + size);
        });
        bufferSize = check("memif.bufferSize", bufferSize, 1, 65535);
        secret = Objects.requireNonNullElse(secret, Optional.empty());
        secret.filter(text -> text.length() > 23 || !text.chars().allMatch(c -> c > 0x20 && c < 0x7f))
                .ifPresent(text -> {
                    throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG,
                            "memif.secret must be at most 23 printable ASCII characters without spaces");
                });
    }

    /** The role, or {@link #DEFAULT_ROLE}. */
    public MemifRole roleOrDefault() {
        return role.orElse(DEFAULT_ROLE);
    }

    private static Optional<Integer> check(String field, Optional<Integer> value, int min, int max) {
        Optional<Integer> given = Objects.requireNonNullElse(value, Optional.empty());
        given.filter(number -> number < min || number > max).ifPresent(number -> {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, field + " must be from " + min + " to " + max
                    + ", not " + number);
        });
        return given;
    }
}
