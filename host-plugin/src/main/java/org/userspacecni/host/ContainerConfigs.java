package org.userspacecni.host;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.userspacecni.core.Json;
import org.userspacecni.core.cni.CniResult;
import org.userspacecni.core.cni.CniVersion;
import org.userspacecni.core.cni.ResultCodec;
import org.userspacecni.spi.Attachment;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.HostPort;
import org.userspacecni.spi.HostSide;
import org.userspacecni.spi.MemifConfig;
import org.userspacecni.spi.NetType;
import org.userspacecni.spi.Side;
import org.userspacecni.spi.VhostConfig;

/**
 * The container's configuration of an attachment: its end as the engine derives it
 * ({@link HostSide#containerEnd}), with the socket by its name in the attachment's socket directory (which the pod
 * mounts as its shared directory; none for an interface type without a socket) and, where the end does not name a
 * {@code netType}, {@code interface} when IPAM gave addresses; the addresses, the MAC, MTU and VLAN.
 */
final class ContainerConfigs {

    private ContainerConfigs() {
    }

    static ContainerConfig of(Attachment attachment, HostSide host, HostPort port, CniResult addresses,
            CniVersion version) {
        // An interface type without a socket (the engine's own) is stored with an empty one.
        Optional<String> socketFile = Optional.empty();
        if (port.hasSocket()) {
            Path socket = Path.of(port.socketPath());
            String name = Optional.ofNullable(socket.getFileName()).map(Path::toString).orElse("");
            if (name.isEmpty() || !attachment.sockets().locate(name).equals(socket)) {
                throw new CniException(ErrorCode.INTERNAL, "engine '" + attachment.host().engine() + "' put the"
                        + " socket " + socket + " where the attachment's sockets are not placed");
            }
            socketFile = Optional.of(name);
        }
        Side end = host.containerEnd(attachment.network());
        VhostConfig vhost = new VhostConfig(end.vhost().mode(), end.vhost().group(), socketFile,
                end.vhost().queues());
        MemifConfig ring = end.memif();
        MemifConfig memif = new MemifConfig(ring.role(), ring.mode(), socketFile, ring.queues(), ring.ringSize(),
                ring.bufferSize(), ring.secret());
        Optional<NetType> netType = end.netType().or(() -> addresses.ips().isEmpty() ? Optional.empty()
                : Optional.of(NetType.INTERFACE));
        Side container = new Side(end.engine(), end.iftype(), netType, vhost, memif, end.bridge(), end.options());
        @SuppressWarnings("unchecked")
        Map<String, Object> ipResult = (Map<String, Object>) Json.plain(ResultCodec.render(addresses, version));
        return new ContainerConfig(ContainerConfig.SCHEMA_VERSION, attachment.id().containerId(),
                attachment.id().ifName(), attachment.network().name(), container, ipResult,
                socketFile.orElse(""), port.mac().orElse(attachment.mac()), port.mtu(),
                attachment.host().bridge().portVlan(), port.numaNode());
    }
}
