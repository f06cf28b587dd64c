package org.userspacecni.spi;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Objects;
import java.util.Optional;

/**
 * vhost-user settings: the mode of this end, the group that should own the socket directory (for
 * QEMU/libvirt and KubeVirt consumers), a socket file name that replaces the default one, and the queue pairs
 * the container's frontend asks for.
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
        Optional<String> socketfile,
        @ConfigDoc(value = "Queue pairs of the interface: the container's virtio-user frontend asks for them"
                + " (`queues=` in `usrsp-agent eal-args` and in the container's OVS) and the host's switch serves as"
                + " many as the frontend enables; `usrsp-agent eal-args --app-args` gives the application matching"
                + " `--rxq`/`--txq`.", defaultValue = "1; in the container, the host's",
                allowed = "1 to {MAX_QUEUES}")
        Optional<Integer> queues) {

    /** Client: the switch connects to a socket the other end serves, the mode OVS recommends. */
    public static final VhostMode DEFAULT_MODE = VhostMode.CLIENT;

    /** DPDK's virtio-user frontend takes at most 8 queue pairs. */
    public static final int MAX_QUEUES = 8;

    public static final VhostConfig EMPTY = new VhostConfig(Optional.empty(), Optional.empty(), Optional.empty());

    public VhostConfig {
        mode = Objects.requireNonNullElse(mode, Optional.empty());
        group = Objects.requireNonNullElse(group, Optional.empty());
        socketfile = SocketFileName.check(socketfile);
        queues = Objects.requireNonNullElse(queues, Optional.empty());
        queues.filter(count -> count < 1 || count > MAX_QUEUES).ifPresent(count -> {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "'queues' must be from 1 to " + MAX_QUEUES
                    + ", not " + count);
        });
    }

    /** The settings of SPI 2.1, which had no queue count. */
    public VhostConfig(Optional<VhostMode> mode, Optional<String> group, Optional<String> socketfile) {
        this(mode, group, socketfile, Optional.empty());
    }

    /** The queue pairs, 1 unless given. */
    public int queuePairs() {
        return queues.orElse(1);
    }

    /** The mode, or {@link #DEFAULT_MODE}. */
    public VhostMode modeOrDefault() {
        return mode.orElse(DEFAULT_MODE);
    }
}
