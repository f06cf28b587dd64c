package org.userspacecni.host;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.userspacecni.core.Json;
import org.userspacecni.core.cni.CniResult;
import org.userspacecni.core.cni.CniVersion;
import org.userspacecni.core.cni.ResultCodec;
import org.userspacecni.spi.Attachment;
import org.userspacecni.spi.BridgeConfig;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.HostPort;
import org.userspacecni.spi.InterfaceType;
import org.userspacecni.spi.MemifConfig;
import org.userspacecni.spi.MemifRole;
import org.userspacecni.spi.NetType;
import org.userspacecni.spi.Side;
import org.userspacecni.spi.VhostConfig;
import org.userspacecni.spi.VhostMode;

/**
 * The container end of an attachment, as the original plugin derived it: the {@code container} section if
 * the configuration has one, else the host's engine and interface type; the vhost mode and memif role
 * opposite to the host's unless the container section names them (for memif, slave to the host's default
 * master); the memif ring (queues, sizes, secret) of the host unless the section sets its own; the host's
 * socket file, by its name in the attachment's socket directory (which the pod mounts as its shared directory);
 * {@code netType: interface} when IPAM gave addresses. Bridge and engine options come only from a container
 * section: the host's name the host's switch.
 */
final class ContainerConfigs {

    private ContainerConfigs() {
    }

    static ContainerConfig of(Attachment attachment, HostPort port, CniResult addresses, CniVersion version) {
        Side host = attachment.host();
        Optional<Side> section = attachment.network().container();
        Side given = section.orElse(host);
        // An interface type without a socket (the engine's own) is stored with an empty one.
        Optional<String> socketFile = Optional.empty();
        if (port.hasSocket()) {
            Path socket = Path.of(port.socketPath());
            String name = Optional.ofNullable(socket.getFileName()).map(Path::toString).orElse("");
            if (name.isEmpty() || !attachment.sockets().locate(name).equals(socket)) {
                throw new CniException(ErrorCode.INTERNAL, "engine '" + host.engine() + "' put the socket " + socket
                        + " where the attachment's sockets are not placed");
            }
            socketFile = Optional.of(name);
        }
        VhostMode mode = section.flatMap(s -> s.vhost().mode()).orElse(opposite(host.vhost().modeOrDefault()));
        VhostConfig vhost = new VhostConfig(Optional.of(mode), given.vhost().group(), socketFile);
        Optional<MemifRole> role = section.flatMap(s -> s.memif().role())
                .or(() -> host.memif().role().map(ContainerConfigs::opposite))
                .or(() -> InterfaceType.MEMIF.equals(given.iftype()) ? Optional.of(opposite(MemifConfig.DEFAULT_ROLE))
                        : Optional.empty());
        // The ring and its secret are one thing shared by both ends: the host's unless the section says.
        MemifConfig shared = host.memif();
        MemifConfig own = given.memif();
        MemifConfig memif = new MemifConfig(role, own.mode(), socketFile, own.queues().or(shared::queues),
                own.ringSize().or(shared::ringSize), own.bufferSize().or(shared::bufferSize),
                own.secret().or(shared::secret));
        Optional<NetType> netType = section.flatMap(Side::netType).or(() -> addresses.ips().isEmpty()
                ? Optional.empty() : Optional.of(NetType.INTERFACE));
        // Engine options name the host's daemons; only a container section's own options reach the container.
        Side container = new Side(given.engine(), given.iftype(), netType, vhost, memif,
                section.map(Side::bridge).orElse(BridgeConfig.EMPTY), section.map(Side::options).orElse(Map.of()));
        @SuppressWarnings("unchecked")
        Map<String, Object> ipResult = Json.mapper().convertValue(ResultCodec.render(addresses, version), Map.class);
        return new ContainerConfig(ContainerConfig.SCHEMA_VERSION, attachment.id().containerId(),
                attachment.id().ifName(), attachment.network().name(), container, ipResult,
                socketFile.orElse(""), port.mac().orElse(attachment.mac()), port.mtu(),
                host.bridge().vlanId());
    }

    private static VhostMode opposite(VhostMode mode) {
        return mode == VhostMode.CLIENT ? VhostMode.SERVER : VhostMode.CLIENT;
    }

    private static MemifRole opposite(MemifRole role) {
        return role == MemifRole.MASTER ? MemifRole.SLAVE : MemifRole.MASTER;
    }
}
