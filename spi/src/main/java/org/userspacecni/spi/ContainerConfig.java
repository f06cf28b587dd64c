package org.userspacecni.spi;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the host plugin stores for the container side of one attachment, and the agent in the container
 * applies. The original plugin's field names are kept ({@code containerId}, {@code ifName}, the network
 * {@code name}, the container end's {@code config} with roles and modes already flipped from the host end,
 * the IPAM result as {@code ipResult}); added are what the container needs: the socket's path relative to
 * the shared directory (the agent joins it with wherever that directory is mounted; empty for an interface
 * type without a socket), the interface's MAC, MTU and VLAN, and the NUMA node the host's switch serves the port
 * from, where it is known (since SPI 2.2). {@code schemaVersion} says which shape this is; a reader refuses one it
 * does not know.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ContainerConfig(
        int schemaVersion,
        String containerId,
        String ifName,
        String name,
        Side config,
        Map<String, Object> ipResult,
        String socket,
        String mac,
        Optional<Integer> mtu,
        Optional<Integer> vlan,
        Optional<Integer> numaNode) {

    /** The shape this SPI writes and reads. */
    public static final int SCHEMA_VERSION = 1;

    public ContainerConfig {
        if (schemaVersion != SCHEMA_VERSION) {
            throw new CniException(ErrorCode.DECODING_FAILURE, "container configuration has schema version "
                    + schemaVersion + "; this program reads version " + SCHEMA_VERSION);
        }
        Objects.requireNonNull(containerId, "containerId");
        Objects.requireNonNull(ifName, "ifName");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(mac, "mac");
        ipResult = Map.copyOf(Objects.requireNonNullElse(ipResult, Map.of()));
        mtu = Objects.requireNonNullElse(mtu, Optional.empty());
        vlan = Objects.requireNonNullElse(vlan, Optional.empty());
        numaNode = Objects.requireNonNullElse(numaNode, Optional.empty());
        if (socket.startsWith("/") || socket.equals("..") || socket.startsWith("../") || socket.contains("/../")) {
            throw new CniException(ErrorCode.DECODING_FAILURE,
                    "container configuration: 'socket' must be relative to the shared directory: " + socket);
        }
    }

    /** A configuration of SPI 2.1, which did not say the NUMA node. */
    public ContainerConfig(int schemaVersion, String containerId, String ifName, String name, Side config,
            Map<String, Object> ipResult, String socket, String mac, Optional<Integer> mtu, Optional<Integer> vlan) {
        this(schemaVersion, containerId, ifName, name, config, ipResult, socket, mac, mtu, vlan, Optional.empty());
    }

    public AttachmentId id() {
        return new AttachmentId(containerId, ifName);
    }
}
