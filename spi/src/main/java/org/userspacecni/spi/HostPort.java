package org.userspacecni.spi;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a backend made on the host: the port's name on the switch, the socket the container attaches to
 * (an absolute path on the host, or empty for an interface type that has no socket, such as a TAP device the
 * engine moves into the container), the MAC address and MTU when the switch reports them, and the NUMA node whose
 * memory the switch serves the port from where the engine knows it (since SPI 2.2; the container's DPDK takes its
 * memory there). It becomes the interface entry of the CNI result ({@code socketPath} in 1.1.0, left out when
 * empty).
 *
 * <p>{@code notes} (since SPI 1.1) are what the engine must know again to {@link HostSide#restore restore} the
 * port as {@link HostSide#add add} made it, and cannot read back from a switch that lost everything (such as
 * whether it made an object the port uses or found it there). The plugin keeps them with its record of the
 * attachment, on the host only: they are never in the CNI result nor shown to the container.
 */
public record HostPort(String name, String socketPath, Optional<String> mac, Optional<Integer> mtu,
        Map<String, String> notes, Optional<Integer> numaNode) {

    public HostPort {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(socketPath, "socketPath");
        mac = Objects.requireNonNullElse(mac, Optional.empty());
        mtu = Objects.requireNonNullElse(mtu, Optional.empty());
        notes = Map.copyOf(Objects.requireNonNullElse(notes, Map.of()));
        numaNode = Objects.requireNonNullElse(numaNode, Optional.empty());
    }

    /** A port of SPI 2.1, which did not say its NUMA node. */
    public HostPort(String name, String socketPath, Optional<String> mac, Optional<Integer> mtu,
            Map<String, String> notes) {
        this(name, socketPath, mac, mtu, notes, Optional.empty());
    }

    /** Whether the port has a socket: every vhost-user and memif port does. */
    public boolean hasSocket() {
        return !socketPath.isEmpty();
    }

    /** A port without notes: its engine restores it from the attachment alone. */
    public HostPort(String name, String socketPath, Optional<String> mac, Optional<Integer> mtu) {
        this(name, socketPath, mac, mtu, Map.of(), Optional.empty());
    }
}
