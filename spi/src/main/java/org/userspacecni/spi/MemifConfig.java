package org.userspacecni.spi;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Objects;
import java.util.Optional;

/**
 * memif settings: the role of this end, the mode (ethernet unless said otherwise, as in the original),
 * and a socket file name that replaces the default {@code memif-<first 12 chars of container id>-<ifname>.sock}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MemifConfig(Optional<MemifRole> role, MemifMode mode, Optional<String> socketfile) {

    public static final MemifConfig EMPTY = new MemifConfig(Optional.empty(), MemifMode.ETHERNET, Optional.empty());

    public MemifConfig {
        role = Objects.requireNonNullElse(role, Optional.empty());
        mode = Objects.requireNonNullElse(mode, MemifMode.ETHERNET);
        socketfile = SocketFileName.check(socketfile);
    }
}
