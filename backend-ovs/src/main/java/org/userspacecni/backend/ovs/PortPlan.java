package org.userspacecni.backend.ovs;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.userspacecni.spi.Attachment;
import org.userspacecni.spi.BridgeConfig;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.NetType;
import org.userspacecni.spi.Policing;
import org.userspacecni.spi.PortName;
import org.userspacecni.spi.Side;
import org.userspacecni.spi.SocketCreator;
import org.userspacecni.spi.SocketRequest;
import org.userspacecni.spi.VhostConfig;
import org.userspacecni.spi.VhostMode;
import org.userspacecni.spi.VlanMode;

/**
 * Everything an ADD will write to OVS, worked out and validated from the configuration before anything is
 * changed: the bridge, the port (named after its socket), the interface type and options for the vhost
 * mode, the socket's path (where the program places it, {@link #socket}), the VLANs (the port's {@code tag},
 * {@code trunks} and {@code vlan_mode}), the ingress policing, the MTU and the ownership marks.
 *
 * <p>{@code vhost.mode: client} (the default, and the mode OVS recommends) makes a
 * {@code dpdkvhostuserclient} port: OVS connects to the socket, which the container's virtio-user frontend
 * creates. {@code server} makes a {@code dpdkvhostuser} port, whose socket OVS creates in its own
 * {@code vhost-sock-dir}; the engine then links it to the placed path.
 */
record PortPlan(String bridge, String name, VhostMode mode, Path socketPath, Optional<Integer> vlan,
        List<Integer> trunks, Optional<VlanMode> vlanMode, Optional<Policing> policing, Optional<Integer> mtu,
        Map<String, String> externalIds) {

    static final String DEFAULT_BRIDGE = "br0";
    /** The netdev datapath makes a tap device named after the bridge, so it is an interface name. */
    private static final Pattern BRIDGE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,14}");

    /**
     * The names ADD tries, in order: the configured {@code vhost.socketfile} alone, else the original name and,
     * where that is taken, the distinct one ({@link PortName}).
     */
    static List<String> names(Attachment attachment) {
        return attachment.host().vhost().socketfile().map(List::of).orElseGet(() -> List.of(
                PortName.original(attachment.id()), PortName.distinct(attachment.network().name(), attachment.id())));
    }

    /**
     * The socket of the port named {@code name}, as the program is asked to place it: the container's frontend
     * binds it in client mode, OVS in server mode; {@code vhost.group} may reach it.
     */
    static SocketRequest socket(Attachment attachment, String name) {
        VhostConfig vhost = attachment.host().vhost();
        return new SocketRequest(name, vhost.modeOrDefault() == VhostMode.CLIENT ? SocketCreator.CONTAINER
                : SocketCreator.SWITCH, vhost.group());
    }

    /** The plan for the port named {@code name} on {@code socketPath}, checked against the configuration. */
    static PortPlan of(Attachment attachment, String name, Path socketPath) {
        Side host = attachment.host();
        if (host.netType().filter(NetType.INTERFACE::equals).isPresent()) {
            throw new CniException(ErrorCode.UNSUPPORTED_FIELD, "host.netType: 'interface' is not supported by"
                    + " engine 'ovs-dpdk' (supported: bridge): its vhost-user ports always join a bridge");
        }
        String bridge = host.bridge().bridgeName().orElse(DEFAULT_BRIDGE);
        if (!BRIDGE_NAME.matcher(bridge).matches()) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "host.bridge.bridgeName: '" + bridge
                    + "' is not a valid bridge name (letters, digits, '_', '.', '-'; at most 15)");
        }
        Map<String, String> marks = new LinkedHashMap<>(Ownership.of(attachment));
        marks.put(Ownership.SOCKET, socketPath.toString());
        BridgeConfig vlans = host.bridge();
        return new PortPlan(bridge, name, host.vhost().modeOrDefault(), socketPath, vlans.portVlan(),
                vlans.trunkVlans(), vlans.vlanMode(), host.policing(), attachment.network().mtu(), marks);
    }

    String interfaceType() {
        return mode == VhostMode.CLIENT ? "dpdkvhostuserclient" : "dpdkvhostuser";
    }

    /** The policing rate in kbit/s, 0 (OVS's "none") without a limit. */
    int policingRate() {
        return policing.flatMap(Policing::rate).orElse(0);
    }

    /** The policing burst in kbit, 0 (OVS's default, 8000 kbit) when not given. */
    int policingBurst() {
        return policing.flatMap(Policing::burst).orElse(0);
    }

    Map<String, String> interfaceOptions() {
        Map<String, String> options = new LinkedHashMap<>();
        if (mode == VhostMode.CLIENT) {
            options.put("vhost-server-path", socketPath.toString());
        }
        return options;
    }
}
