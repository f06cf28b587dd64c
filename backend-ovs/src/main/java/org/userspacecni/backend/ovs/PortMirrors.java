package org.userspacecni.backend.ovs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.PortMirror;

/**
 * The mirrors a host port joins on its bridge, with ovs-cni's producer and consumer: a producer's port is in the
 * mirror's {@code select_src_port} (what the pod sends) and {@code select_dst_port} (what it receives), the consumer's
 * is its {@code output_port}. A missing mirror is made and marked as the network's ({@link Ownership#ofNetwork});
 * a mirror of that name on the bridge that is not marked so (the operator's, another network's) is refused and
 * never changed. A removed port leaves every mirror by itself (the mirror's references to ports are weak); a
 * mirror of the network left with no port at all is then taken away, and only if it is still empty when that
 * commits.
 */
final class PortMirrors {

    /** Rounds against concurrent writers, as {@link BridgePorts} takes them. */
    private static final int ATTEMPTS = 32;

    /** A Mirror row: its uuid, name, marks and the ports it selects and outputs to. */
    record MirrorRow(String uuid, String name, Map<String, String> externalIds, List<String> sources,
            List<String> destinations, Optional<String> output) {

        boolean isEmpty() {
            return sources.isEmpty() && destinations.isEmpty() && output.isEmpty();
        }

        boolean holds(String port, PortMirror mirror) {
            return mirror.consumes() ? output.filter(port::equals).isPresent()
                    : (!mirror.copiesIngress() || sources.contains(port))
                            && (!mirror.copiesEgress() || destinations.contains(port));
        }
    }

    private final System.Logger log;

    PortMirrors(System.Logger log) {
        this.log = log;
    }

    /** Puts the port {@code portUuid} of {@code network} into each of {@code mirrors} on {@code bridge}. */
    void join(OvsSwitch ovs, String bridge, String network, String portUuid, List<PortMirror> mirrors) {
        if (mirrors.isEmpty()) {
            return;
        }
        for (int attempt = 1; ; attempt++) {
            List<ObjectNode> ops = new ArrayList<>();
            List<Integer> mutations = new ArrayList<>();
            List<String> onBridge = mirrorsOf(ovs, bridge);
            for (int i = 0; i < mirrors.size(); i++) {
                PortMirror mirror = mirrors.get(i);
                Optional<MirrorRow> found = networks(ovs, bridge, onBridge, network, mirror.name());
                if (found.isEmpty()) {
                    ops.add(absent(mirror.name(), network));
                    ops.add(Ovsdb.insert("Mirror", newMirror(mirror, network, portUuid), "mirror" + i));
                    ops.add(Ovsdb.mutate("Bridge", Ovsdb.where("name", "==", bridge), "mirrors", "insert",
                            Ovsdb.set(Ovsdb.namedUuid("mirror" + i))));
                    mutations.add(ops.size() - 1);
                } else if (!found.get().holds(portUuid, mirror)) {
                    ops.addAll(joinExisting(found.get(), mirror, portUuid));
                    mutations.add(ops.size() - 1);
                }
            }
            try {
                OvsSwitch.Commit commit = ovs.commit(ops);
                if (mutations.stream().allMatch(index -> commit.results().get(index).path("count").asInt() == 1)) {
                    ovs.awaitApplied(commit);
                    log.log(Level.INFO, "ovs-dpdk: port {0} joined mirrors {1} on {2}", portUuid,
                            mirrors.stream().map(PortMirror::name).toList(), bridge);
                    return;
                }
            } catch (OvsdbTransactionException e) {
                if (attempt >= ATTEMPTS) {
                    throw e;
                }
                log.log(Level.DEBUG, "mirrors on {0} changed while a port joined them; trying again: {1}", bridge,
                        e.getMessage());
            }
            if (attempt >= ATTEMPTS) {
                throw new CniException(ErrorCode.TRY_AGAIN_LATER, "the mirrors on bridge " + bridge
                        + " kept changing while a port joined them");
            }
        }
    }

    /** Whether the port {@code portUuid} is in each of {@code mirrors} of {@code network} on {@code bridge}. */
    Optional<String> missing(OvsSwitch ovs, String bridge, String network, String portUuid,
            List<PortMirror> mirrors) {
        List<String> onBridge = mirrorsOf(ovs, bridge);
        for (PortMirror mirror : mirrors) {
            Optional<MirrorRow> found = networks(ovs, bridge, onBridge, network, mirror.name());
            if (found.isEmpty() || !found.get().holds(portUuid, mirror)) {
                return Optional.of("the port is not " + (mirror.consumes() ? "the consumer" : "a producer")
                        + " of mirror " + mirror.name() + " on " + bridge);
            }
        }
        return Optional.empty();
    }

    /**
     * Takes away the network's mirrors that no port is in any more, each in a transaction that holds only if it is
     * still empty then; a port that joined meanwhile keeps its mirror.
     */
    void removeEmpty(OvsSwitch ovs, String network) {
        for (MirrorRow mirror : mirrors(ovs, Ovsdb.where("external_ids", "includes",
                Ovsdb.map(Ownership.ofNetwork(network))))) {
            if (!mirror.isEmpty()) {
                continue;
            }
            try {
                ovs.change(List.of(stillEmpty(mirror), Ovsdb.mutate("Bridge", Ovsdb.where("mirrors", "includes",
                        Ovsdb.uuid(mirror.uuid())), "mirrors", "delete", Ovsdb.set(Ovsdb.uuid(mirror.uuid())))));
                log.log(Level.INFO, "ovs-dpdk: removed mirror {0} of network {1}, which no port is in", mirror.name(),
                        network);
            } catch (OvsdbTransactionException e) {
                log.log(Level.DEBUG, "mirror {0} was joined while it was removed; it stays: {1}", mirror.name(),
                        e.getMessage());
            }
        }
    }

    /**
     * The network's mirror of that name among the bridge's ({@code onBridge}), if there is one; a mirror of that name
     * on the bridge that is not the network's is 7, and is not touched.
     */
    private static Optional<MirrorRow> networks(OvsSwitch ovs, String bridge, List<String> onBridge, String network,
            String name) {
        List<MirrorRow> named = mirrors(ovs, Ovsdb.where("name", "==", name)).stream()
                .filter(mirror -> onBridge.contains(mirror.uuid())).toList();
        Map<String, String> marks = Ownership.ofNetwork(network);
        for (MirrorRow mirror : named) {
            if (!mirror.externalIds().entrySet().containsAll(marks.entrySet())) {
                throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "mirror " + name + " on bridge " + bridge
                        + " is not network " + network + "'s (" + mirror.externalIds() + "): it is left alone;"
                        + " name another mirror");
            }
        }
        return named.stream().findFirst();
    }

    /** The uuids of the mirrors on bridge {@code bridge}; none where there is no such bridge. */
    private static List<String> mirrorsOf(OvsSwitch ovs, String bridge) {
        ArrayNode result = ovs.transact(List.of(Ovsdb.select("Bridge", Ovsdb.where("name", "==", bridge),
                "mirrors")));
        List<String> uuids = new ArrayList<>();
        Ovsdb.setOf(result.get(0).path("rows").path(0).path("mirrors")).forEach(uuid -> uuids.add(Ovsdb.uuidOf(uuid)));
        return uuids;
    }

    private static List<MirrorRow> mirrors(OvsSwitch ovs, ArrayNode where) {
        ArrayNode result = ovs.transact(List.of(Ovsdb.select("Mirror", where, "_uuid", "name", "external_ids",
                "select_src_port", "select_dst_port", "output_port")));
        List<MirrorRow> mirrors = new ArrayList<>();
        for (JsonNode row : result.get(0).path("rows")) {
            mirrors.add(new MirrorRow(Ovsdb.uuidOf(row.path("_uuid")), row.path("name").asText(),
                    Ovsdb.mapOf(row.path("external_ids")), uuids(row.path("select_src_port")),
                    uuids(row.path("select_dst_port")), uuids(row.path("output_port")).stream().findFirst()));
        }
        return mirrors;
    }

    private static List<String> uuids(JsonNode set) {
        return Ovsdb.setOf(set).stream().map(Ovsdb::uuidOf).toList();
    }

    private static ObjectNode newMirror(PortMirror mirror, String network, String portUuid) {
        ObjectNode row = Ovsdb.row().put("name", mirror.name());
        if (mirror.consumes()) {
            row.set("output_port", Ovsdb.uuid(portUuid));
        }
        if (mirror.copiesIngress()) {
            row.set("select_src_port", Ovsdb.set(Ovsdb.uuid(portUuid)));
        }
        if (mirror.copiesEgress()) {
            row.set("select_dst_port", Ovsdb.set(Ovsdb.uuid(portUuid)));
        }
        row.set("external_ids", Ovsdb.map(Ownership.ofNetwork(network)));
        return row;
    }

    /**
     * The operations that put the port into the network's existing mirror; the last one's count is 1 only if the
     * mirror is still there. A consumer takes an output no other port has.
     */
    private static List<ObjectNode> joinExisting(MirrorRow mirror, PortMirror wanted, String portUuid) {
        ArrayNode row = Ovsdb.where("_uuid", "==", Ovsdb.uuid(mirror.uuid()));
        if (wanted.consumes()) {
            mirror.output().ifPresent(other -> {
                throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "mirror " + mirror.name() + " has a"
                        + " consumer already (port " + other + "); a mirror has one");
            });
            ObjectNode noOutput = Ovsdb.row();
            noOutput.set("output_port", Ovsdb.set());
            ObjectNode output = Ovsdb.row();
            output.set("output_port", Ovsdb.uuid(portUuid));
            return List.of(Ovsdb.waitUntilEqual("Mirror", row, List.of("output_port"), List.of(noOutput)),
                    Ovsdb.update("Mirror", row, output));
        }
        List<ObjectNode> ops = new ArrayList<>();
        if (wanted.copiesIngress()) {
            ops.add(Ovsdb.mutate("Mirror", row, "select_src_port", "insert", Ovsdb.set(Ovsdb.uuid(portUuid))));
        }
        if (wanted.copiesEgress()) {
            ops.add(Ovsdb.mutate("Mirror", row, "select_dst_port", "insert", Ovsdb.set(Ovsdb.uuid(portUuid))));
        }
        return ops;
    }

    /** A wait that holds while no mirror of that name is marked as the network's. */
    private static ObjectNode absent(String name, String network) {
        ArrayNode where = Ovsdb.where("name", "==", name);
        where.addAll(Ovsdb.where("external_ids", "includes", Ovsdb.map(Ownership.ofNetwork(network))));
        return Ovsdb.waitUntilEqual("Mirror", where, List.of("name"), List.of());
    }

    /** A wait that holds while {@code mirror} selects and outputs to no port. */
    private static ObjectNode stillEmpty(MirrorRow mirror) {
        List<String> columns = List.of("select_src_port", "select_dst_port", "output_port");
        ObjectNode empty = Ovsdb.row();
        columns.forEach(column -> empty.set(column, Ovsdb.set()));
        return Ovsdb.waitUntilEqual("Mirror", Ovsdb.where("_uuid", "==", Ovsdb.uuid(mirror.uuid())), columns,
                List.of(empty));
    }
}
