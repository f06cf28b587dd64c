package org.userspacecni.spi;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Objects;
import java.util.Optional;

/**
 * vhost-user settings: the mode of this end, the group that should own the socket directory (for
 * QEMU/libvirt and KubeVirt consumers), and a socket file name that replaces the default
 * {@code <first 12 chars of container id>-<ifname>}. An absent mode means {@link #DEFAULT_MODE}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record VhostConfig(Optional<VhostMode> mode, Optional<String> group, Optional<String> socketfile) {

    /** Client: the switch connects to a socket the other end serves, the mode OVS recommends. */
    public static final VhostMode DEFAULT_MODE = VhostMode.CLIENT;

    public static final VhostConfig EMPTY = new VhostConfig(Optional.empty(), Optional.empty(), Optional.empty());

    public VhostConfig {
        mode = Objects.requireNonNullElse(mode, Optional.empty());
        group = Objects.requireNonNullElse(group, Optional.empty());
        socketfile = SocketFileName.check(socketfile);
    }

    /** The mode, or {@link #DEFAULT_MODE}. */
    public VhostMode modeOrDefault() {
        return mode.orElse(DEFAULT_MODE);
    }
}
