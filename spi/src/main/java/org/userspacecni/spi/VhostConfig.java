package org.userspacecni.spi;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Objects;
import java.util.Optional;

/**
 * vhost-user settings: the mode of this end, the group that should own the socket directory (for
 * QEMU/libvirt and KubeVirt consumers), and a socket file name that replaces the default one.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record VhostConfig(
        @ConfigDoc(value = "Which end creates the socket: the server listens, the client connects.",
                defaultValue = "{DEFAULT_MODE} on the host; in the container, the host's turned round")
        Optional<VhostMode> mode,
        @ConfigDoc(value = "The group that owns the socket directory (then `0770`, else `0700`) and, in `server`"
                + " mode, the sockets (`0660`), for QEMU or a DPDK application not run as root; no such group is"
                + " error 7.")
        Optional<String> group,
        @ConfigDoc(value = "The socket's file name in the shared directory, also the port's name; the container"
                + " uses the host's.", defaultValue = "`<first 12 characters of the container id>-<ifname>`",
                allowed = "a plain file name")
        Optional<String> socketfile) {

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
