package org.userspacecni.backend.ovs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;

/**
 * Ports on netdev bridges, made and removed so that concurrent writers never lose each other's work: what
 * the host side (vhost-user ports) and the container side (virtio-user ports) of this engine share. A
 * bridge that is missing is created, marked as the plugin's; only such a bridge is removed, once nothing
 * but its internal port is left.
 */
final class BridgePorts {

    /**
     * One port to add: its bridge, name, Interface and Port rows, and the ownership marks of the attachment that
     * owns it ({@link Ownership#of(AttachmentId, String)}).
     */
    record PortSpec(String bridge, String name, ObjectNode interfaceRow, ObjectNode portRow,
            Map<String, String> owner) {
    }

    /** The name asked for is another's port's: nothing was changed. */
    static final class NameTaken extends CniException {
        NameTaken(String message) {
            super(ErrorCode.INVALID_NETWORK_CONFIG, message);
        }
    }

    /**
     * How often a change is tried when concurrent writers keep changing the rows it depends on; every round
     * lets at least one of them through, so this bounds the writers that can race on one bridge.
     */
    private static final int ATTEMPTS = 32;

    private final System.Logger log;

    BridgePorts(System.Logger log) {
        this.log = log;
    }

    /**
     * Inserts the interface and port (and the bridge, if it is missing) in one transaction, replacing a port
     * the same owner left behind; returns the port's uuid. A bridge created or removed concurrently makes the transaction fail or
     * miss; it is then read again and tried again.
     */
    String add(OvsSwitch ovs, PortSpec spec) {
        for (int attempt = 1; ; attempt++) {
            List<ObjectNode> ops = new ArrayList<>();
            for (OvsSwitch.PortRow clash : ovs.ports(Ovsdb.where("name", "==", spec.name()))) {
                if (!Ownership.sameAttachment(clash.externalIds(), spec.owner())) {
                    throw new NameTaken("OVS already has a port named " + spec.name()
                            + " that is not this attachment's (" + clash.externalIds() + ")");
                }
                ops.add(Ovsdb.mutate("Bridge", Ovsdb.where("ports", "includes", Ovsdb.uuid(clash.uuid())),
                        "ports", "delete", Ovsdb.set(Ovsdb.uuid(clash.uuid()))));
            }
            ops.add(Ovsdb.insert("Interface", spec.interfaceRow(), "iface"));
            ops.add(Ovsdb.insert("Port", spec.portRow(), "port"));
            int portInsert = ops.size() - 1;
            Optional<OvsSwitch.BridgeHead> bridge = ovs.bridgeHead(spec.bridge());
            int bridgeMutation = -1;
            if (bridge.isPresent()) {
                if (!bridge.get().datapathType().equals("netdev")) {
                    throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "bridge " + spec.bridge()
                            + " has datapath_type '" + bridge.get().datapathType()
                            + "'; DPDK ports need a netdev (userspace) bridge");
                }
                ops.add(Ovsdb.mutate("Bridge", Ovsdb.where("_uuid", "==", Ovsdb.uuid(bridge.get().uuid())),
                        "ports", "insert", Ovsdb.set(Ovsdb.namedUuid("port"))));
                bridgeMutation = ops.size() - 1;
            } else {
                ops.addAll(newBridge(spec.bridge()));
            }
            try {
                OvsSwitch.Commit commit = ovs.commit(ops);
                ArrayNode result = commit.results();
                if (bridgeMutation < 0 || result.get(bridgeMutation).path("count").asInt() == 1) {
                    String portUuid = Ovsdb.uuidOf(result.get(portInsert).path("uuid"));
                    awaitApplied(ovs, commit, spec, portUuid);
                    return portUuid;
                }
                log.log(Level.DEBUG, "bridge {0} went away while a port was added; trying again", spec.bridge());
            } catch (OvsdbTransactionException e) {
                if (!e.isConstraintViolation() || attempt >= ATTEMPTS) {
                    throw e;
                }
                log.log(Level.DEBUG, "concurrent change of bridge {0}; trying again: {1}", spec.bridge(),
                        e.getMessage());
            }
            if (attempt >= ATTEMPTS) {
                throw new CniException(ErrorCode.TRY_AGAIN_LATER, "bridge " + spec.bridge()
                        + " kept changing while port " + spec.name() + " was added");
            }
        }
    }

    /**
     * Waits until ovs-vswitchd has made the port just committed. If it does not (it is not running, or stuck),
     * the port is taken out of the database again, without waiting for the switch that is not applying
     * anything: a switch that comes back must not make a port whose ADD failed.
     */
    private void awaitApplied(OvsSwitch ovs, OvsSwitch.Commit commit, PortSpec spec, String portUuid) {
        try {
            ovs.awaitApplied(commit);
        } catch (CniException e) {
            CniException failed = new CniException(e.code(), "port " + spec.name() + ": " + e.getMessage(),
                    e.details(), e);
            try {
                commitRemoval(ovs, List.of(new OvsSwitch.PortRow(portUuid, spec.name(), Map.of())));
            } catch (RuntimeException rollback) {
                failed.addSuppressed(rollback);
            }
            throw failed;
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

    /**
     * Takes {@code ports} off their bridges, and removes each bridge this plugin created that is left with
     * nothing but its internal port. The transaction holds only if those bridges' ports are still what was
     * read ({@code wait}): a port that another ADD adds meanwhile is never lost with a removed bridge, and a
     * concurrent DEL cannot leave an empty bridge behind because each saw the other's port. If they
     * changed, everything is read again and tried again.
     */
    void remove(OvsSwitch ovs, List<OvsSwitch.PortRow> ports) {
        if (ports.isEmpty()) {
            return;
        }
        OvsSwitch.Commit commit = commitRemoval(ovs, ports);
        try {
            ovs.awaitApplied(commit);
        } catch (CniException e) {
            // The database is the switch's configuration: a restarted ovs-vswitchd reads it and makes none of
            // these ports again, so their removal stands; waiting longer would only keep DEL from finishing.
            log.log(Level.WARNING, "ovs-dpdk: removed {0} from OVSDB; ovs-vswitchd has not applied it yet: {1}",
                    ports.stream().map(OvsSwitch.PortRow::name).toList(), e.getMessage());
        }
    }

    /** Commits the removal of {@code ports} (and of the plugin's bridges it empties) without awaiting the switch. */
    private OvsSwitch.Commit commitRemoval(OvsSwitch ovs, List<OvsSwitch.PortRow> ports) {
        Set<String> removed = new HashSet<>();
        ports.forEach(port -> removed.add(port.uuid()));
        for (int attempt = 1; ; attempt++) {
            // Operations run in order: the waits see the bridges as they were read, before any change.
            List<ObjectNode> ops = new ArrayList<>();
            List<ObjectNode> bridgeRemovals = new ArrayList<>();
            for (OvsSwitch.BridgeRow bridge : ovs.bridges(Ovsdb.where("external_ids", "includes",
                    Ovsdb.map(Map.of(Ownership.CREATED_BY, Ownership.PLUGIN))))) {
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
                return ovs.commit(ops);
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
        return Ovsdb.waitUntilEqual("Bridge", Ovsdb.where("_uuid", "==", Ovsdb.uuid(bridge.uuid())),
                List.of("ports"), List.of(expected));
    }

}
