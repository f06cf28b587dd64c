package org.userspacecni.spi;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Objects;
import java.util.Optional;

/**
 * memif settings: the role of this end, the mode, a socket file name that replaces the default one, and the
 * ring (queues, ring and buffer sizes, the shared secret), which both ends share.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MemifConfig(
        @ConfigDoc(value = "The master owns the shared memory and listens on the socket; the slave connects.",
                defaultValue = "{DEFAULT_ROLE} on the host; in the container, the host's turned round")
        Optional<MemifRole> role,
        @ConfigDoc(value = "What the interface carries; a DPDK application in the container speaks `ethernet`"
                + " only, and VPP's memif plugin does not implement `inject-punt` (the vpp engine refuses it).",
                defaultValue = "{DEFAULT_MODE}")
        MemifMode mode,
        @ConfigDoc(value = "The socket's file name in the shared directory; the container uses the host's.",
                defaultValue = "`memif-<first 12 characters of the container id>-<ifname>.sock`",
                allowed = "a plain file name")
        Optional<String> socketfile,
        @ConfigDoc(value = "Queues per direction.", defaultValue = "the engine's (VPP: 1); in the container, the"
                + " host's", allowed = "1 to {MAX_QUEUES}")
        Optional<Integer> queues,
        @ConfigDoc(value = "Slots per ring.", defaultValue = "the engine's (VPP: 1024); in the container, the"
                + " host's", allowed = "a power of 2 up to {MAX_RING_SIZE}")
        Optional<Integer> ringSize,
        @ConfigDoc(value = "Bytes per buffer.", defaultValue = "the engine's (VPP: 2048); in the container, the"
                + " host's", allowed = "1 to {MAX_BUFFER_SIZE}")
        Optional<Integer> bufferSize,
        @ConfigDoc(value = "The secret both ends must present.", defaultValue = "none; in the container, the"
                + " host's", allowed = "at most {MAX_SECRET_LENGTH} printable ASCII characters, no spaces")
        Optional<String> secret) {

    /** The host listens (master) and the container connects, as in the original. */
    public static final MemifRole DEFAULT_ROLE = MemifRole.MASTER;
    /** As in the original. */
    public static final MemifMode DEFAULT_MODE = MemifMode.ETHERNET;

    public static final int MAX_QUEUES = 255;
    public static final int MAX_RING_SIZE = 32768;
    public static final int MAX_BUFFER_SIZE = 65535;
    /** memif's secret field holds 24 bytes with the terminating NUL. */
    public static final int MAX_SECRET_LENGTH = 23;

    public static final MemifConfig EMPTY = new MemifConfig(Optional.empty(), DEFAULT_MODE, Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    public MemifConfig {
        role = Objects.requireNonNullElse(role, Optional.empty());
        mode = Objects.requireNonNullElse(mode, DEFAULT_MODE);
        socketfile = SocketFileName.check(socketfile);
        queues = check("memif.queues", queues, 1, MAX_QUEUES);
        ringSize = check("memif.ringSize", ringSize, 1, MAX_RING_SIZE);
        ringSize.filter(size -> Integer.bitCount(size) != 1).ifPresent(size -> {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "memif.ringSize must be a power of 2, not " + size);
        });
        bufferSize = check("memif.bufferSize", bufferSize, 1, MAX_BUFFER_SIZE);
        secret = Objects.requireNonNullElse(secret, Optional.empty());
        secret.filter(text -> text.length() > MAX_SECRET_LENGTH || !text.chars().allMatch(c -> c > 0x20 && c < 0x7f))
                .ifPresent(text -> {
                    throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "memif.secret must be at most "
                            + MAX_SECRET_LENGTH + " printable ASCII characters without spaces");
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
