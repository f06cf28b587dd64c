package org.userspacecni.backend.ovs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.userspacecni.spi.Attachment;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.DatapathStatus;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.HostPort;
import org.userspacecni.spi.HostSide;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.VhostMode;

/**
 * The host side of the {@code ovs-dpdk} engine: one vhost-user port per attachment on a netdev bridge of
 * the host's OVS, created, checked and removed through OVSDB transactions and found again by its
 * ownership marks ({@link Ownership}).
 */
final class VhostUserPorts implements HostSide {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /**
     * How often a change is tried when concurrent writers keep changing the rows it depends on; every round
     * lets at least one of them through, so this bounds the writers that can race on one bridge.
     */
    private static final int ATTEMPTS = 32;

    private final ObjectMapper mapper;
    private final BackendContext context;
    private final System.Logger log;

    VhostUserPorts(ObjectMapper mapper, BackendContext context) {
        this.mapper = mapper;
        this.context = context;
        this.log = context.logger();
    }

    @Override
    public HostPort add(Attachment attachment) {
        PortPlan plan = PortPlan.of(attachment);
        try (OvsSwitch ovs = connect(attachment.netConf())) {
            prepareSharedDirectory(attachment, plan);
            String portUuid = createPort(ovs, attachment, plan);
            try {
                // A socket left by a frontend that was killed would stop the next one from binding there.
                removeSocket(attachment.netConf(), plan.name());
                JsonNode iface = ovs.interfaceRow(plan.name()).orElseThrow(() -> new CniException(
                        ErrorCode.IO_FAILURE, "port " + plan.name() + " vanished right after it was created"));
                if (ovs.settings().waitForVswitchd()) {
                    requireNoError(iface, plan);
                    if (plan.mode() == VhostMode.SERVER) {
                        linkServerSocket(ovs, plan);
                    }
                }
                log.log(Level.INFO, "ovs-dpdk: port {0} ({1}) on {2}, uuid {3}", plan.name(), plan.interfaceType(),
                        plan.bridge(), portUuid);
                // ovs-vswitchd reports 0 until a frontend connects; the MTU asked for is the better answer then.
                Optional<Integer> mtu = Ovsdb.setOf(iface.path("mtu")).stream().map(JsonNode::asInt)
                        .filter(value -> value > 0).findFirst().or(plan::mtu);
                return new HostPort(plan.name(), plan.socketPath().toString(), Optional.of(attachment.mac()), mtu);
            } catch (RuntimeException e) {
                try {
                    removePorts(ovs, attachment.netConf(), ovs.ports(ownedBy(attachment.id())));
                } catch (RuntimeException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        } catch (OvsdbTransactionException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot create port " + plan.name(), e);
        }
    }

    @Override
    public void delete(Attachment attachment) {
        PortPlan plan = PortPlan.of(attachment);
        try (OvsSwitch ovs = connect(attachment.netConf())) {
            List<OvsSwitch.PortRow> ports = ovs.ports(ownedBy(attachment.id()));
            removePorts(ovs, attachment.netConf(), ports);
            removeSocket(attachment.netConf(), plan.name());
        } catch (OvsdbTransactionException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot remove the port of " + attachment.id(), e);
        }
    }

    @Override
    public void check(Attachment attachment) {
        PortPlan plan = PortPlan.of(attachment);
        try (OvsSwitch ovs = connect(attachment.netConf())) {
            List<OvsSwitch.PortRow> ports = ovs.ports(ownedBy(attachment.id()));
            if (ports.size() != 1 || !ports.get(0).name().equals(plan.name())) {
                throw differs(attachment, "expected port " + plan.name() + ", found "
                        + ports.stream().map(OvsSwitch.PortRow::name).toList());
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
            if (ovs.settings().waitForVswitchd()) {
                requireNoError(iface, plan);
            }
            Optional<OvsSwitch.BridgeRow> bridge = ovs.bridge(plan.bridge());
            if (bridge.isEmpty() || !bridge.get().ports().contains(ports.get(0).uuid())) {
                throw differs(attachment, "port " + plan.name() + " is not on bridge " + plan.bridge());
            }
        } catch (OvsdbTransactionException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot check the port of " + attachment.id(), e);
        }
    }

    @Override
    public void gc(NetConf netConf, Set<AttachmentId> valid) {
        try (OvsSwitch ovs = connect(netConf)) {
            List<OvsSwitch.PortRow> stale = new ArrayList<>();
            for (OvsSwitch.PortRow port : ovs.ports(where(Ownership.ofNetwork(netConf.name())))) {
                if (!valid.contains(Ownership.attachmentOf(port.externalIds()))) {
                    stale.add(port);
                }
            }
            removePorts(ovs, netConf, stale);
            for (OvsSwitch.PortRow port : stale) {
                log.log(Level.INFO, "ovs-dpdk: GC removed port {0} of {1}", port.name(),
                        Ownership.attachmentOf(port.externalIds()));
                removeSocket(netConf, port.name());
            }
        } catch (OvsdbTransactionException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot collect stale ports", e);
        }
    }

    @Override
    public DatapathStatus status(NetConf netConf) {
        OvsSettings settings = OvsSettings.of(netConf.host(), context);
        try (OvsSwitch ovs = OvsSwitch.connect(mapper, settings)) {
            JsonNode system = ovs.system("dpdk_initialized", "iface_types", "ovs_version");
            if (!system.path("dpdk_initialized").asBoolean(false)) {
                return DatapathStatus.limited("OVS at " + settings.dbSocket() + " is reachable, but DPDK is not"
                        + " initialised in ovs-vswitchd (other_config:dpdk-init=true, and is it running?)");
            }
            List<String> types = Ovsdb.setOf(system.path("iface_types")).stream().map(JsonNode::asText).toList();
            if (!types.contains("dpdkvhostuserclient") || !types.contains("dpdkvhostuser")) {
                return DatapathStatus.limited("ovs-vswitchd offers no vhost-user interfaces: " + types);
            }
            return DatapathStatus.up();
        } catch (CniException e) {
            return DatapathStatus.unavailable(e.getMessage());
        }
    }

    private OvsSwitch connect(NetConf netConf) {
        return OvsSwitch.connect(mapper, OvsSettings.of(netConf.host(), context));
    }

    /**
     * Inserts the interface and port (and the bridge, if it is missing) in one transaction, replacing a port
     * this attachment left behind. A bridge created or removed concurrently makes the transaction fail or
     * miss; it is then read again and tried again.
     */
    private String createPort(OvsSwitch ovs, Attachment attachment, PortPlan plan) {
        for (int attempt = 1; ; attempt++) {
            List<ObjectNode> ops = new ArrayList<>();
            for (OvsSwitch.PortRow clash : ovs.ports(Ovsdb.where("name", "==", plan.name()))) {
                if (!Ownership.attachmentOf(clash.externalIds()).equals(attachment.id())) {
                    throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "OVS already has a port named "
                            + plan.name() + " that is not this attachment's (" + clash.externalIds() + ")");
                }
                ops.add(Ovsdb.mutate("Bridge", Ovsdb.where("ports", "includes", Ovsdb.uuid(clash.uuid())),
                        "ports", "delete", Ovsdb.set(Ovsdb.uuid(clash.uuid()))));
            }
            ops.add(Ovsdb.insert("Interface", interfaceRow(plan), "iface"));
            ops.add(Ovsdb.insert("Port", portRow(plan), "port"));
            int portInsert = ops.size() - 1;
            Optional<OvsSwitch.BridgeRow> bridge = ovs.bridge(plan.bridge());
            int bridgeMutation = -1;
            if (bridge.isPresent()) {
                if (!bridge.get().datapathType().equals("netdev")) {
                    throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "bridge " + plan.bridge()
                            + " has datapath_type '" + bridge.get().datapathType()
                            + "'; vhost-user ports need a netdev (userspace) bridge");
                }
                ops.add(Ovsdb.mutate("Bridge", Ovsdb.where("_uuid", "==", Ovsdb.uuid(bridge.get().uuid())),
                        "ports", "insert", Ovsdb.set(Ovsdb.namedUuid("port"))));
                bridgeMutation = ops.size() - 1;
            } else {
                ops.addAll(newBridge(plan.bridge()));
            }
            try {
                ArrayNode result = ovs.change(ops);
                if (bridgeMutation < 0 || result.get(bridgeMutation).path("count").asInt() == 1) {
                    return Ovsdb.uuidOf(result.get(portInsert).path("uuid"));
                }
                log.log(Level.DEBUG, "bridge {0} went away during ADD; trying again", plan.bridge());
            } catch (OvsdbTransactionException e) {
                if (!e.isConstraintViolation() || attempt >= ATTEMPTS) {
                    throw e;
                }
                log.log(Level.DEBUG, "concurrent change of bridge {0}; trying again: {1}", plan.bridge(),
                        e.getMessage());
            }
            if (attempt >= ATTEMPTS) {
                throw new CniException(ErrorCode.TRY_AGAIN_LATER, "bridge " + plan.bridge()
                        + " kept changing while port " + plan.name() + " was added");
            }
        }
    }

    /** A netdev bridge with its internal port, marked as ours, holding the new port from the start. */
    private static List<ObjectNode> newBridge(String name) {
        ObjectNode internal = Ovsdb.row().put("name", name).put("type", "internal");
        ObjectNode internalPort = Ovsdb.row().put("name", name);
        internalPort.set("interfaces", Ovsdb.namedUuid("bridge_iface"));
        ObjectNode bridge = Ovsdb.row().put("name", name).put("datapath_type", "netdev");
        bridge.set("ports", Ovsdb.set(Ovsdb.namedUuid("bridge_port"), Ovsdb.namedUuid("port")));
        bridge.set("external_ids", Ovsdb.map(Map.of(Ownership.CREATED_BY, Ownership.PLUGIN)));
        return List.of(Ovsdb.insert("Interface", internal, "bridge_iface"),
                Ovsdb.insert("Port", internalPort, "bridge_port"),
                Ovsdb.insert("Bridge", bridge, "bridge"),
                Ovsdb.mutate("Open_vSwitch", Ovsdb.all(), "bridges", "insert", Ovsdb.set(Ovsdb.namedUuid("bridge"))));
    }

    private static ObjectNode interfaceRow(PortPlan plan) {
        ObjectNode row = Ovsdb.row().put("name", plan.name()).put("type", plan.interfaceType());
        row.set("options", Ovsdb.map(plan.interfaceOptions()));
        plan.mtu().ifPresent(mtu -> row.put("mtu_request", mtu));
        row.set("external_ids", Ovsdb.map(plan.externalIds()));
        return row;
    }

    private static ObjectNode portRow(PortPlan plan) {
        ObjectNode row = Ovsdb.row().put("name", plan.name());
        row.set("interfaces", Ovsdb.namedUuid("iface"));
        plan.vlan().ifPresent(vlan -> row.put("tag", vlan));
        row.set("external_ids", Ovsdb.map(plan.externalIds()));
        return row;
    }

    /**
     * Takes {@code ports} off their bridges, and removes each bridge this plugin created that is left with
     * nothing but its internal port. The transaction holds only if those bridges' ports are still what was
     * read ({@code wait}): a port that another ADD adds meanwhile is never lost with a removed bridge, and a
     * concurrent DEL cannot leave an empty bridge behind because each saw the other's port. If they
     * changed, everything is read again and tried again.
     */
    private void removePorts(OvsSwitch ovs, NetConf netConf, List<OvsSwitch.PortRow> ports) {
        if (ports.isEmpty()) {
            return;
        }
        Set<String> removed = new HashSet<>();
        ports.forEach(port -> removed.add(port.uuid()));
        for (int attempt = 1; ; attempt++) {
            // Operations run in order: the waits see the bridges as they were read, before any change.
            List<ObjectNode> ops = new ArrayList<>();
            List<ObjectNode> bridgeRemovals = new ArrayList<>();
            for (OvsSwitch.BridgeRow bridge : ovs.bridges(where(Map.of(Ownership.CREATED_BY, Ownership.PLUGIN)))) {
                List<String> left = new ArrayList<>(bridge.ports());
                if (!left.removeAll(removed)) {
                    continue;
                }
                List<String> internal = ovs.ports(Ovsdb.where("name", "==", bridge.name())).stream()
                        .map(OvsSwitch.PortRow::uuid).toList();
                ops.add(unchanged(bridge));
                if (internal.containsAll(left)) {
                    bridgeRemovals.add(Ovsdb.mutate("Open_vSwitch", Ovsdb.all(), "bridges", "delete",
                            Ovsdb.set(Ovsdb.uuid(bridge.uuid()))));
                    log.log(Level.INFO, "ovs-dpdk: removing bridge {0}, which this plugin created and which is"
                            + " now empty", bridge.name());
                }
            }
            for (String uuid : removed) {
                ops.add(Ovsdb.mutate("Bridge", Ovsdb.where("ports", "includes", Ovsdb.uuid(uuid)), "ports",
                        "delete", Ovsdb.set(Ovsdb.uuid(uuid))));
            }
            ops.addAll(bridgeRemovals);
            try {
                ovs.change(ops);
                return;
            } catch (OvsdbTransactionException e) {
                if (attempt >= ATTEMPTS) {
                    throw e;
                }
                log.log(Level.DEBUG, "a bridge changed while ports were removed; trying again: {0}", e.getMessage());
            }
        }
    }

    /** A {@code wait} that aborts the transaction unless the bridge still has exactly the ports read. */
    private static ObjectNode unchanged(OvsSwitch.BridgeRow bridge) {
        JsonNode[] ports = bridge.ports().stream().map(Ovsdb::uuid).toArray(JsonNode[]::new);
        ObjectNode expected = Ovsdb.row();
        expected.set("ports", Ovsdb.set(ports));
        ObjectNode wait = NODES.objectNode().put("op", "wait").put("table", "Bridge").put("timeout", 0)
                .put("until", "==");
        wait.set("where", Ovsdb.where("_uuid", "==", Ovsdb.uuid(bridge.uuid())));
        wait.set("columns", NODES.arrayNode().add("ports"));
        wait.set("rows", NODES.arrayNode().add(expected));
        return wait;
    }

    private static ArrayNode ownedBy(AttachmentId id) {
        return where(Ownership.of(id));
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
     * The shared directory, created if missing: {@code 0700}, or {@code 0770} owned by {@code vhost.group}
     * when one is given, so that QEMU or a non-root DPDK application in that group can reach the sockets.
     */
    private void prepareSharedDirectory(Attachment attachment, PortPlan plan) {
        Path dir = plan.socketPath().getParent();
        Optional<String> group = attachment.host().vhost().group();
        try {
            Optional<GroupPrincipal> principal = Optional.empty();
            if (group.isPresent()) {
                principal = Optional.of(dir.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByGroupName(group.get()));
            }
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString(group.isPresent() ? "rwxrwx---" : "rwx------")));
            }
            if (principal.isPresent()) {
                Files.getFileAttributeView(dir, PosixFileAttributeView.class).setGroup(principal.get());
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwx---"));
            }
        } catch (UserPrincipalNotFoundException e) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "host.vhost.group: no group named '"
                    + group.orElse("") + "'");
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot prepare the shared directory " + dir, e);
        }
    }

    /**
     * In server mode ovs-vswitchd makes the socket in its run directory under {@code vhost-sock-dir}; a hard
     * link puts it in the shared directory under the same name. A hard link needs one filesystem: where
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
            throw new CniException(ErrorCode.IO_FAILURE, "cannot link " + made + " into the shared directory", e);
        }
    }

    private static void removeSocket(NetConf netConf, String name) {
        try {
            Files.deleteIfExists(netConf.sharedDirPath().resolve(name));
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot remove socket " + name, e);
        }
    }

    private static CniException differs(Attachment attachment, String what) {
        return new CniException(ErrorCode.ATTACHMENT_DIFFERS, "ovs-dpdk: " + attachment.id() + ": " + what);
    }
}
