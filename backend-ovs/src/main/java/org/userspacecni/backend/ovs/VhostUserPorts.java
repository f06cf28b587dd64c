package org.userspacecni.backend.ovs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToLongFunction;
import org.userspacecni.spi.Attachment;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.DatapathStatus;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.HostPort;
import org.userspacecni.spi.HostSide;
import org.userspacecni.spi.Network;
import org.userspacecni.spi.PortState;
import org.userspacecni.spi.SocketFile;
import org.userspacecni.spi.Sockets;
import org.userspacecni.spi.VhostMode;
import org.userspacecni.spi.VlanMode;

/**
 * The host side of the {@code ovs-dpdk} engine: one vhost-user port per attachment on a netdev bridge of
 * the host's OVS, created, checked and removed through OVSDB transactions and found again by its
 * ownership marks ({@link Ownership}).
 */
final class VhostUserPorts implements HostSide {


    private final BackendContext context;
    private final System.Logger log;
    private final BridgePorts bridgePorts;
    private final PortMirrors mirrors;

    VhostUserPorts(BackendContext context) {
        this.context = context;
        this.log = context.logger();
        this.bridgePorts = new BridgePorts(log);
        this.mirrors = new PortMirrors(log);
    }

    /**
     * Adds the port under the first name that is free ({@link PortPlan#names}): no port of the switch has it and
     * nothing stands at its socket path. A port this attachment already has keeps its name. Nothing that is
     * there already is removed or replaced, but this attachment's own port.
     */
    @Override
    public HostPort add(Attachment attachment) {
        List<String> names = PortPlan.names(attachment);
        // The configuration is checked before anything is touched.
        PortPlan.of(attachment, names.get(0), attachment.sockets().locate(names.get(0)));
        try (OvsSwitch ovs = connect(attachment.network())) {
            List<OvsSwitch.PortRow> own = ownPorts(ovs, attachment.id(), attachment.network().name());
            if (!own.isEmpty()) {
                names = List.of(own.get(0).name());
            }
            List<String> taken = new ArrayList<>();
            for (String name : names) {
                PortPlan plan = PortPlan.of(attachment, name,
                        attachment.sockets().place(PortPlan.socket(attachment, name)));
                if (own.isEmpty() && SocketFile.exists(plan.socketPath())) {
                    taken.add(plan.socketPath() + " exists");
                    continue;
                }
                try {
                    return add(ovs, attachment, plan);
                } catch (BridgePorts.NameTaken e) {
                    taken.add(e.getMessage());
                }
            }
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, attachment.host().vhost().socketfile()
                    .map(file -> "vhost.socketfile '" + file + "' is another attachment's: ")
                    .orElse("every name this attachment may take is another's: ") + String.join("; ", taken));
        }
    }

    private HostPort add(OvsSwitch ovs, Attachment attachment, PortPlan plan) {
        try {
            String portUuid = bridgePorts.add(ovs, new BridgePorts.PortSpec(plan.bridge(), plan.name(),
                    interfaceRow(plan), portRow(plan), Ownership.of(attachment.id(), attachment.network().name())));
            try {
                JsonNode iface = ovs.interfaceRow(plan.name()).orElseThrow(() -> new CniException(
                        ErrorCode.IO_FAILURE, "port " + plan.name() + " vanished right after it was created"));
                mirrors.join(ovs, plan.bridge(), attachment.network().name(), portUuid, attachment.host().mirrors());
                if (ovs.settings().waitForVswitchd()) {
                    requireNoError(iface, plan);
                    if (plan.mode() == VhostMode.SERVER) {
                        linkServerSocket(ovs, plan);
                        shareWithGroup(plan.socketPath(), attachment.host().vhost().group());
                    }
                }
                log.log(Level.INFO, "ovs-dpdk: port {0} ({1}) on {2}, uuid {3}", plan.name(), plan.interfaceType(),
                        plan.bridge(), portUuid);
                // ovs-vswitchd reports 0 until a frontend connects; the MTU asked for is the better answer then.
                Optional<Integer> mtu = Ovsdb.setOf(iface.path("mtu")).stream().map(JsonNode::asInt)
                        .filter(value -> value > 0).findFirst().or(plan::mtu);
                return new HostPort(plan.name(), plan.socketPath().toString(), Optional.of(attachment.mac()), mtu,
                        Map.of(), socketMemoryNode(ovs));
            } catch (RuntimeException e) {
                try {
                    remove(ovs, attachment.sockets(), ownPorts(ovs, attachment.id(),
                            attachment.network().name()), attachment.network().name());
                } catch (RuntimeException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        } catch (OvsdbTransactionException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot create port " + plan.name(), e);
        }
    }

    /**
     * The NUMA node of OVS's DPDK memory, where its configuration names one: the only node
     * {@code other_config:dpdk-socket-mem} gives memory to. OVS polls a vhost-user port from a PMD thread on the node
     * of the frontend's memory if it has one there, so a container that takes its memory on this node is polled
     * without crossing nodes. Where several nodes have memory, or none is configured, it is not known.
     */
    private static Optional<Integer> socketMemoryNode(OvsSwitch ovs) {
        String[] perNode = Ovsdb.mapOf(ovs.system("other_config").path("other_config"))
                .getOrDefault("dpdk-socket-mem", "").split(",");
        List<Integer> nodes = new ArrayList<>();
        for (int node = 0; node < perNode.length; node++) {
            try {
                if (Integer.parseInt(perNode[node].strip()) > 0) {
                    nodes.add(node);
                }
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return nodes.size() == 1 ? Optional.of(nodes.get(0)) : Optional.empty();
    }

    @Override
    public void delete(Attachment attachment) {
        try (OvsSwitch ovs = connect(attachment.network())) {
            remove(ovs, attachment.sockets(), ownPorts(ovs, attachment.id(), attachment.network().name()),
                    attachment.network().name());
        } catch (OvsdbTransactionException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot remove the port of " + attachment.id(), e);
        }
    }

    /**
     * Removes {@code ports}, each with the socket it names, socket first: a crash in between leaves the port,
     * which still names the socket, for the next DEL or GC. The ports leave their mirrors with them; the
     * {@code network}'s mirrors left empty go too, here or on the next DEL or GC after a crash.
     */
    private void remove(OvsSwitch ovs, Sockets sockets, List<OvsSwitch.PortRow> ports, String network) {
        for (OvsSwitch.PortRow port : ports) {
            socketOf(ovs, sockets, port).ifPresent(SocketFile::removeIfSocket);
        }
        bridgePorts.remove(ovs, ports);
        mirrors.removeEmpty(ovs, network);
    }

    /**
     * The socket a port of this engine names: its {@link Ownership#SOCKET} mark; for a port made before that mark,
     * the path a client-mode interface connects to, or where its name is placed in server mode (none where no
     * socket can have that name).
     */
    private static Optional<Path> socketOf(OvsSwitch ovs, Sockets sockets, OvsSwitch.PortRow port) {
        String marked = port.externalIds().getOrDefault(Ownership.SOCKET, "");
        if (!marked.isEmpty()) {
            return Optional.of(Path.of(marked));
        }
        Optional<JsonNode> iface = ovs.interfaceRow(port.name());
        String serverPath = iface.map(row -> Ovsdb.mapOf(row.path("options")).getOrDefault("vhost-server-path", ""))
                .orElse("");
        if (!serverPath.isEmpty()) {
            return Optional.of(Path.of(serverPath));
        }
        try {
            return Optional.of(sockets.locate(port.name()));
        } catch (CniException e) {
            return Optional.empty();
        }
    }

    /** The ports whose marks name this network, container and interface: the only ports this side removes. */
    private static List<OvsSwitch.PortRow> ownPorts(OvsSwitch ovs, AttachmentId id, String network) {
        return ovs.ports(where(Ownership.of(id, network)));
    }

    /** The attachment's interface's {@code link_state} and {@code statistics}, which ovs-vswitchd refreshes every 5 s. */
    @Override
    public Optional<PortState> portState(Attachment attachment, HostPort port) {
        try (OvsSwitch ovs = connect(attachment.network())) {
            List<OvsSwitch.PortRow> own = ownPorts(ovs, attachment.id(), attachment.network().name());
            Optional<JsonNode> iface = own.isEmpty() ? Optional.empty() : ovs.interfaceRow(own.get(0).name());
            return Optional.of(iface.map(VhostUserPorts::portState).orElse(PortState.ABSENT));
        }
    }

    private static PortState portState(JsonNode iface) {
        Map<String, String> statistics = Ovsdb.mapOf(iface.path("statistics"));
        ToLongFunction<String> counter = key -> Long.parseLong(statistics.getOrDefault(key, "0"));
        boolean up = Ovsdb.setOf(iface.path("link_state")).stream().anyMatch(state -> state.asText().equals("up"));
        return new PortState(up ? PortState.Link.UP : PortState.Link.DOWN, counter.applyAsLong("rx_packets"),
                counter.applyAsLong("rx_bytes"), counter.applyAsLong("rx_dropped"), counter.applyAsLong("rx_errors"),
                counter.applyAsLong("tx_packets"), counter.applyAsLong("tx_bytes"), counter.applyAsLong("tx_dropped"),
                counter.applyAsLong("tx_errors"));
    }

    @Override
    public void check(Attachment attachment) {
        try (OvsSwitch ovs = connect(attachment.network())) {
            List<OvsSwitch.PortRow> ports = ownPorts(ovs, attachment.id(), attachment.network().name());
            if (ports.size() != 1) {
                throw differs(attachment, "expected one port, found "
                        + ports.stream().map(OvsSwitch.PortRow::name).toList());
            }
            String name = ports.get(0).name();
            PortPlan plan = PortPlan.of(attachment, name, attachment.sockets().locate(name));
            String marked = ports.get(0).externalIds().getOrDefault(Ownership.SOCKET, plan.socketPath().toString());
            if (!marked.equals(plan.socketPath().toString())) {
                throw differs(attachment, "port " + plan.name() + " has socket " + marked + ", expected "
                        + plan.socketPath());
            }
            JsonNode iface = ovs.interfaceRow(plan.name()).orElseThrow(() -> differs(attachment,
                    "port " + plan.name() + " has no interface"));
            if (!iface.path("type").asText().equals(plan.interfaceType())) {
                throw differs(attachment, "interface " + plan.name() + " has type " + iface.path("type").asText()
                        + ", expected " + plan.interfaceType());
            }
            Map<String, String> options = Ovsdb.mapOf(iface.path("options"));
            plan.interfaceOptions().forEach((key, value) -> {
                if (!value.equals(options.get(key))) {
                    throw differs(attachment, "interface " + plan.name() + " has options:" + key + "="
                            + options.get(key) + ", expected " + value);
                }
            });
            JsonNode port = ovs.portVlans(plan.name()).orElseThrow(() -> differs(attachment,
                    "port " + plan.name() + " vanished while it was checked"));
            vlansOrPolicingDiffer(plan, port, iface).ifPresent(what -> {
                throw differs(attachment, what);
            });
            if (ovs.settings().waitForVswitchd()) {
                requireNoError(iface, plan);
            }
            if (!ovs.bridgeHolds(plan.bridge(), ports.get(0).uuid())) {
                throw differs(attachment, "port " + plan.name() + " is not on bridge " + plan.bridge());
            }
            mirrors.missing(ovs, plan.bridge(), attachment.network().name(), ports.get(0).uuid(),
                    attachment.host().mirrors()).ifPresent(what -> {
                        throw differs(attachment, "port " + plan.name() + ": " + what);
                    });
        } catch (OvsdbTransactionException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot check the port of " + attachment.id(), e);
        }
    }

    @Override
    public void gc(Network network, Sockets sockets, Set<AttachmentId> valid) {
        try (OvsSwitch ovs = connect(network)) {
            List<OvsSwitch.PortRow> stale = stale(ovs, network, valid);
            remove(ovs, sockets, stale, network.name());
            for (OvsSwitch.PortRow port : stale) {
                log.log(Level.INFO, "ovs-dpdk: GC removed port {0} of {1}", port.name(),
                        Ownership.attachmentOf(port.externalIds()));
            }
        } catch (OvsdbTransactionException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot collect stale ports", e);
        }
    }

    @Override
    public Optional<List<String>> strayPorts(Network network, Set<AttachmentId> recorded) {
        try (OvsSwitch ovs = connect(network)) {
            return Optional.of(stale(ovs, network, recorded).stream().map(OvsSwitch.PortRow::name).toList());
        }
    }

    /** The network's marked ports that are none of {@code valid}'s. */
    private static List<OvsSwitch.PortRow> stale(OvsSwitch ovs, Network network, Set<AttachmentId> valid) {
        return ovs.ports(where(Ownership.ofNetwork(network.name()))).stream()
                .filter(port -> !valid.contains(Ownership.attachmentOf(port.externalIds()))).toList();
    }

    @Override
    public DatapathStatus status(Network network) {
        return OvsSwitch.dpdkStatus(OvsSettings.of(network.host(), context),
                List.of("dpdkvhostuserclient", "dpdkvhostuser"));
    }

    private OvsSwitch connect(Network network) {
        return OvsSwitch.connect(OvsSettings.of(network.host(), context));
    }

    private static ObjectNode interfaceRow(PortPlan plan) {
        ObjectNode row = Ovsdb.row().put("name", plan.name()).put("type", plan.interfaceType());
        row.set("options", Ovsdb.map(plan.interfaceOptions()));
        plan.mtu().ifPresent(mtu -> row.put("mtu_request", mtu));
        if (plan.policing().isPresent()) {
            row.put("ingress_policing_rate", plan.policingRate()).put("ingress_policing_burst", plan.policingBurst());
        }
        row.set("external_ids", Ovsdb.map(plan.externalIds()));
        return row;
    }

    private static ObjectNode portRow(PortPlan plan) {
        ObjectNode row = Ovsdb.row().put("name", plan.name());
        row.set("interfaces", Ovsdb.namedUuid("iface"));
        plan.vlan().ifPresent(vlan -> row.put("tag", vlan));
        if (!plan.trunks().isEmpty()) {
            row.set("trunks", Ovsdb.set(plan.trunks().stream().map(IntNode::valueOf).toArray(JsonNode[]::new)));
        }
        // Without a mode OVS takes a tag alone for access and trunks alone for a trunk, as the configuration does.
        plan.vlanMode().ifPresent(mode -> row.put("vlan_mode", mode.wireName()));
        row.set("external_ids", Ovsdb.map(plan.externalIds()));
        return row;
    }

    /**
     * Where the port's VLAN columns or its interface's policing differ from the plan: OVS's empty {@code tag} and
     * {@code vlan_mode} are no value, its rate and burst 0 no limit.
     */
    private static Optional<String> vlansOrPolicingDiffer(PortPlan plan, JsonNode port, JsonNode iface) {
        Optional<Integer> tag = Ovsdb.setOf(port.path("tag")).stream().map(JsonNode::asInt).findFirst();
        List<Integer> trunks = Ovsdb.setOf(port.path("trunks")).stream().map(JsonNode::asInt).sorted().toList();
        Optional<String> mode = Ovsdb.setOf(port.path("vlan_mode")).stream().map(JsonNode::asText).findFirst();
        Optional<String> planned = plan.vlanMode().map(VlanMode::wireName);
        if (!tag.equals(plan.vlan()) || !trunks.equals(plan.trunks()) || !mode.equals(planned)) {
            return Optional.of("port " + plan.name() + " has tag " + tag.map(String::valueOf).orElse("none")
                    + ", trunks " + trunks + ", vlan_mode " + mode.orElse("none") + "; expected tag "
                    + plan.vlan().map(String::valueOf).orElse("none") + ", trunks " + plan.trunks() + ", vlan_mode "
                    + planned.orElse("none"));
        }
        long rate = iface.path("ingress_policing_rate").asLong();
        long burst = iface.path("ingress_policing_burst").asLong();
        if (rate != plan.policingRate() || burst != plan.policingBurst()) {
            return Optional.of("interface " + plan.name() + " polices at " + rate + " kbit/s, burst " + burst
                    + " kbit; expected " + plan.policingRate() + " kbit/s, burst " + plan.policingBurst() + " kbit");
        }
        return Optional.empty();
    }

    private static ArrayNode where(Map<String, String> externalIds) {
        return Ovsdb.where("external_ids", "includes", Ovsdb.map(externalIds));
    }

    private void requireNoError(JsonNode iface, PortPlan plan) {
        List<JsonNode> error = Ovsdb.setOf(iface.path("error"));
        List<JsonNode> ofport = Ovsdb.setOf(iface.path("ofport"));
        if (!error.isEmpty() || ofport.stream().anyMatch(port -> port.asInt() < 0)) {
            throw new CniException(ErrorCode.IO_FAILURE, "ovs-vswitchd could not set up port " + plan.name(),
                    error.isEmpty() ? "ofport -1" : error.get(0).asText());
        }
    }

    /**
     * In server mode ovs-vswitchd makes the socket in its run directory under {@code vhost-sock-dir}; a hard
     * link puts it where the socket was placed, under the same name. A hard link needs one filesystem: where
     * they differ, point {@code other_config:vhost-sock-dir} into the shared directory, or use client mode.
     */
    private void linkServerSocket(OvsSwitch ovs, PortPlan plan) {
        String sockDir = Ovsdb.mapOf(ovs.system("other_config").path("other_config"))
                .getOrDefault("vhost-sock-dir", "");
        Path made = ovs.settings().runDir().resolve(sockDir).resolve(plan.name()).normalize();
        if (made.equals(plan.socketPath())) {
            return;
        }
        try {
            Files.createLink(plan.socketPath(), made);
        } catch (FileSystemException e) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "vhost.mode server: OVS made the socket at "
                    + made + " and it cannot be linked into " + plan.socketPath().getParent() + " (" + e.getReason()
                    + "); set other_config:vhost-sock-dir to a directory in the shared directory's filesystem,"
                    + " or use vhost.mode client", e);
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot link " + made + " to " + plan.socketPath(), e);
        }
    }

    /**
     * In server mode the socket is ovs-vswitchd's (the shared directory holds a hard link to it, one inode):
     * with {@code vhost.group} it becomes {@code 0660} and that group's, so a client in the group may connect.
     * In client mode the container's end makes the socket, and nothing here touches it.
     */
    static void shareWithGroup(Path socket, Optional<String> group) {
        if (group.isEmpty()) {
            return;
        }
        try {
            GroupPrincipal principal = socket.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByGroupName(group.get());
            PosixFileAttributeView view = Files.getFileAttributeView(socket, PosixFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (!view.readAttributes().isOther()) {
                throw new CniException(ErrorCode.IO_FAILURE, socket + " is not a socket: its mode is left alone");
            }
            view.setGroup(principal);
            // chmod(2): fchmod needs an open descriptor, and a socket cannot be opened; it was not a link above.
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
        } catch (UserPrincipalNotFoundException e) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "host.vhost.group: no group named '"
                    + group.get() + "'");
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot give the socket " + socket + " to group "
                    + group.get(), e);
        }
    }

    private static CniException differs(Attachment attachment, String what) {
        return new CniException(ErrorCode.ATTACHMENT_DIFFERS, "ovs-dpdk: " + attachment.id() + ": " + what);
    }

    /** Ports are added by mutation and bridges removed under a wait, retried when they lose a race (BridgePorts). */
    @Override
    public boolean takesConcurrentChanges() {
        return true;
    }
}
