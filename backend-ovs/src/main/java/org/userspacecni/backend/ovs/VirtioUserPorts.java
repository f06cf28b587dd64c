package org.userspacecni.backend.ovs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.ContainerSide;
import org.userspacecni.spi.DatapathStatus;
import org.userspacecni.spi.EngineOption;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.Side;
import org.userspacecni.spi.VhostMode;

/**
 * The container side of the {@code ovs-dpdk} engine: in the container's own OVS-DPDK, a {@code type=dpdk}
 * port whose {@code dpdk-devargs} is a virtio-user <em>frontend</em> on the shared socket. Two vhost-user
 * backends cannot talk to each other, so the container is always the frontend: {@code server=1} when the host
 * port is a {@code dpdkvhostuserclient} (the container's vhost mode is then {@code server}), {@code server=0}
 * when it is a {@code dpdkvhostuser}.
 */
final class VirtioUserPorts implements ContainerSide {

    static final String DEFAULT_BRIDGE = "br0";

    static final EngineOption QUEUES = new EngineOption("queues", Set.of(EngineOption.Section.CONTAINER),
            Optional.empty(), "`vhost.queues`", "a positive number",
            "Queue pairs of the container's virtio-user frontend, where they differ from `vhost.queues`.");

    static final int DEFAULT_QUEUE_SIZE = 1024;
    static final EngineOption QUEUE_SIZE = new EngineOption("queueSize", Set.of(EngineOption.Section.CONTAINER),
            Optional.empty(), String.valueOf(DEFAULT_QUEUE_SIZE), "a positive number",
            "Ring size of the container's virtio-user frontend.");

    private final BackendContext context;
    private final System.Logger log;
    private final BridgePorts bridgePorts;

    VirtioUserPorts(BackendContext context) {
        this.context = context;
        this.log = context.logger();
        this.bridgePorts = new BridgePorts(log);
    }

    @Override
    public void apply(ContainerConfig config, Path socket) {
        Side side = config.config();
        boolean server = side.vhost().modeOrDefault() == VhostMode.SERVER;
        String name = config.ifName();
        try (OvsSwitch ovs = connect(side)) {
            String devargs = devargs(config, socket, server);
            Map<String, String> owner = Ownership.of(config.id(), config.name());
            Optional<JsonNode> current = ovs.interfaceRow(name);
            if (current.filter(row -> isJoined(row, devargs, owner, config)).isPresent()) {
                // Applied before: a new port would drop the live connection, and its socket with it.
                log.log(Level.DEBUG, "ovs-dpdk: {0} has joined {1} already", name, socket);
            } else {
                if (current.isPresent()) {
                    // Applied before with other arguments: that frontend goes before its socket does.
                    remove(ovs, config);
                }
                if (server) {
                    // A frontend that was killed leaves its socket, and the next one cannot bind: "Address in use".
                    removeStaleSocket(socket);
                }
                ObjectNode iface = Ovsdb.row().put("name", name).put("type", "dpdk");
                iface.set("options", Ovsdb.map(Map.of("dpdk-devargs", devargs)));
                config.mtu().ifPresent(mtu -> iface.put("mtu_request", mtu));
                iface.set("external_ids", Ovsdb.map(owner));
                ObjectNode port = Ovsdb.row().put("name", name);
                port.set("interfaces", Ovsdb.namedUuid("iface"));
                port.set("external_ids", Ovsdb.map(owner));
                bridgePorts.add(ovs, new BridgePorts.PortSpec(side.bridge().bridgeName().orElse(DEFAULT_BRIDGE),
                        name, iface, port, owner));
            }
            if (ovs.settings().waitForVswitchd()) {
                try {
                    ovs.awaitLinkUp(name);
                } catch (RuntimeException e) {
                    remove(ovs, config);
                    throw e;
                }
            }
            log.log(Level.INFO, "ovs-dpdk: {0} joined {1} as a virtio-user frontend (server={2})", name, socket,
                    server ? 1 : 0);
        } catch (OvsdbTransactionException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot add the virtio-user port " + name, e);
        }
    }

    @Override
    public void remove(ContainerConfig config) {
        try (OvsSwitch ovs = connect(config.config())) {
            remove(ovs, config);
        } catch (OvsdbTransactionException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot remove the virtio-user port " + config.ifName(), e);
        }
    }

    @Override
    public String linkState(ContainerConfig config) {
        try (OvsSwitch ovs = connect(config.config())) {
            return ovs.interfaceRow(config.ifName()).map(row -> row.path("link_state"))
                    .map(state -> Ovsdb.setOf(state).stream().map(JsonNode::asText).findFirst().orElse("unknown"))
                    .orElse("absent");
        }
    }

    @Override
    public DatapathStatus status() {
        return OvsSwitch.dpdkStatus(OvsSettings.of(context), List.of("dpdk"));
    }

    private void remove(OvsSwitch ovs, ContainerConfig config) {
        bridgePorts.remove(ovs, ovs.ports(Ovsdb.where("external_ids", "includes",
                Ovsdb.map(Ownership.of(config.id())))));
    }

    /** Whether {@code row} is the interface this attachment's apply makes, with the same arguments. */
    private static boolean isJoined(JsonNode row, String devargs, Map<String, String> owner, ContainerConfig config) {
        List<Integer> mtu = Ovsdb.setOf(row.path("mtu_request")).stream().map(JsonNode::asInt).toList();
        return row.path("type").asText().equals("dpdk")
                && devargs.equals(Ovsdb.mapOf(row.path("options")).get("dpdk-devargs"))
                && Ownership.sameAttachment(Ovsdb.mapOf(row.path("external_ids")), owner)
                && mtu.equals(config.mtu().stream().toList());
    }

    /** The virtio-user frontend's device arguments; the vdev name is unique in this OVS per interface. */
    String devargs(ContainerConfig config, Path socket, boolean server) {
        String device = "net_virtio_user_" + config.ifName().replaceAll("[^A-Za-z0-9]", "_");
        int queues = number(config, QUEUES, config.config().vhost().queuePairs());
        int queueSize = number(config, QUEUE_SIZE, DEFAULT_QUEUE_SIZE);
        return device + ",path=" + socket + ",server=" + (server ? 1 : 0) + ",queues=" + queues + ",queue_size="
                + queueSize + ",mac=" + config.mac();
    }

    private int number(ContainerConfig config, EngineOption option, int otherwise) {
        String value = option.value(config.config(), context).orElse(String.valueOf(otherwise));
        try {
            int number = Integer.parseInt(value);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "container.options." + option.name()
                + " must be a positive number, not '" + value + "'");
    }

    private static void removeStaleSocket(Path socket) {
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot remove the stale socket " + socket, e);
        }
    }

    private OvsSwitch connect(Side side) {
        return OvsSwitch.connect(OvsSettings.of(side, context));
    }
}
