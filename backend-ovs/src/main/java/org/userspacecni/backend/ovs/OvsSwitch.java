package org.userspacecni.backend.ovs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.DatapathStatus;
import org.userspacecni.spi.ErrorCode;

/**
 * One conversation with a host's OVS: reads of the rows this engine cares about, and the changes it makes,
 * each one transaction that also bumps {@code next_cfg} so that, like {@code ovs-vsctl}, it can wait until
 * ovs-vswitchd has applied it. OVSDB failures become CNI errors here: unreachable or too slow is 11 (try
 * again later), anything else 5.
 */
final class OvsSwitch implements AutoCloseable {

    /** A Port row: its uuid, name, external_ids and the uuids of its interfaces. */
    record PortRow(String uuid, String name, Map<String, String> externalIds) {
    }

    /** A Bridge row: uuid, name, datapath type, external_ids and the uuids of its ports. */
    record BridgeRow(String uuid, String name, String datapathType, Map<String, String> externalIds,
            List<String> ports) {
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final OvsdbClient client;
    private final OvsSettings settings;

    private OvsSwitch(OvsdbClient client, OvsSettings settings) {
        this.client = client;
        this.settings = settings;
    }

    static OvsSwitch connect(OvsSettings settings) {
        return new OvsSwitch(call(() -> OvsdbClient.connect(settings.dbSocket(),
                settings.requestTimeout())), settings);
    }

    OvsSettings settings() {
        return settings;
    }

    /**
     * A Bridge row without its ports: uuid and datapath type, all an ADD needs. Its port set grows with the bridge,
     * and reading it made an ADD on a bridge of a thousand ports measurably slower.
     */
    record BridgeHead(String uuid, String datapathType) {
    }

    Optional<BridgeHead> bridgeHead(String name) {
        ArrayNode result = transact(List.of(Ovsdb.select("Bridge", Ovsdb.where("name", "==", name), "_uuid",
                "datapath_type")));
        JsonNode row = result.get(0).path("rows").path(0);
        return row.isMissingNode() ? Optional.empty()
                : Optional.of(new BridgeHead(Ovsdb.uuidOf(row.path("_uuid")), row.path("datapath_type").asText()));
    }

    /** Whether bridge {@code name} holds the port {@code portUuid}, asked without reading its port set. */
    boolean bridgeHolds(String name, String portUuid) {
        ArrayNode where = Ovsdb.where("name", "==", name);
        where.addAll(Ovsdb.where("ports", "includes", Ovsdb.uuid(portUuid)));
        return transact(List.of(Ovsdb.select("Bridge", where, "_uuid"))).get(0).path("rows").size() == 1;
    }

    List<BridgeRow> bridges(ArrayNode where) {
        ArrayNode result = transact(List.of(Ovsdb.select("Bridge", where, "_uuid", "name", "datapath_type",
                "external_ids", "ports")));
        List<BridgeRow> bridges = new ArrayList<>();
        for (JsonNode row : result.get(0).path("rows")) {
            List<String> ports = new ArrayList<>();
            Ovsdb.setOf(row.path("ports")).forEach(port -> ports.add(Ovsdb.uuidOf(port)));
            bridges.add(new BridgeRow(Ovsdb.uuidOf(row.path("_uuid")), row.path("name").asText(),
                    row.path("datapath_type").asText(), Ovsdb.mapOf(row.path("external_ids")), ports));
        }
        return bridges;
    }

    List<PortRow> ports(ArrayNode where) {
        ArrayNode result = transact(List.of(Ovsdb.select("Port", where, "_uuid", "name", "external_ids")));
        List<PortRow> ports = new ArrayList<>();
        for (JsonNode row : result.get(0).path("rows")) {
            ports.add(new PortRow(Ovsdb.uuidOf(row.path("_uuid")), row.path("name").asText(),
                    Ovsdb.mapOf(row.path("external_ids"))));
        }
        return ports;
    }

    /** The Interface row named {@code name}, with what ovs-vswitchd reports about it. */
    Optional<JsonNode> interfaceRow(String name) {
        return named("Interface", name, "name", "type", "options", "error", "ofport", "mtu", "mtu_request",
                "mac_in_use", "link_state", "status", "external_ids", "statistics", "ingress_policing_rate",
                "ingress_policing_burst");
    }

    /** The VLAN columns of the Port row named {@code name}: {@code tag}, {@code trunks}, {@code vlan_mode}. */
    Optional<JsonNode> portVlans(String name) {
        return named("Port", name, "tag", "trunks", "vlan_mode");
    }

    /** The {@code columns} of the row of {@code table} named {@code name}, if there is one. */
    private Optional<JsonNode> named(String table, String name, String... columns) {
        JsonNode rows = transact(List.of(Ovsdb.select(table, Ovsdb.where("name", "==", name), columns))).get(0)
                .path("rows");
        return rows.size() == 0 ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** The Open_vSwitch row's columns. */
    JsonNode system(String... columns) {
        return transact(List.of(Ovsdb.select("Open_vSwitch", Ovsdb.all(), columns))).get(0).path("rows").path(0);
    }

    /**
     * Commits {@code operations} in one transaction with a {@code next_cfg} bump, then waits (unless
     * configured not to) until ovs-vswitchd has applied it. Returns the results of {@code operations}.
     */
    ArrayNode change(List<ObjectNode> operations) {
        Commit commit = commit(operations);
        awaitApplied(commit);
        return commit.results();
    }

    /** A transaction OVSDB committed: the results of its operations and the configuration number it made. */
    record Commit(ArrayNode results, long nextCfg) {
    }

    /**
     * Commits {@code operations} in one transaction with a {@code next_cfg} bump, without waiting for
     * ovs-vswitchd: the change is in the database, and {@link #awaitApplied} tells when it is in the switch.
     */
    Commit commit(List<ObjectNode> operations) {
        List<ObjectNode> all = new ArrayList<>(operations);
        all.add(Ovsdb.mutate("Open_vSwitch", Ovsdb.all(), "next_cfg", "+=", NODES.numberNode(1)));
        all.add(Ovsdb.select("Open_vSwitch", Ovsdb.all(), "next_cfg"));
        ArrayNode result = transact(all);
        return new Commit(result, result.get(all.size() - 1).path("rows").path(0).path("next_cfg").asLong());
    }

    /**
     * Waits until ovs-vswitchd has applied {@code commit}, unless configured not to wait; 11 (try again later)
     * when it does not within the apply timeout (not running, or stuck) or OVSDB is lost meanwhile.
     */
    void awaitApplied(Commit commit) {
        if (settings.waitForVswitchd()) {
            awaitApplied(commit.nextCfg());
        }
    }

    ArrayNode transact(List<ObjectNode> operations) {
        return call(() -> client.transact(operations));
    }

    private void awaitApplied(long nextCfg) {
        if (!appliedWithin(nextCfg, settings.applyTimeout())) {
            throw new CniException(ErrorCode.TRY_AGAIN_LATER, "ovs-vswitchd did not apply the change within "
                    + settings.applyTimeout().toSeconds() + " s (is it running?)");
        }
    }

    /**
     * Whether ovs-vswitchd reports configuration {@code nextCfg} (or a later one) in {@code cur_cfg} within
     * {@code bound}; 11 when OVSDB is lost meanwhile.
     */
    private boolean appliedWithin(long nextCfg, Duration bound) {
        CompletableFuture<Void> applied = new CompletableFuture<>();
        call(() -> {
            client.monitor("Open_vSwitch", List.of("cur_cfg"), updates -> updates.path("Open_vSwitch")
                    .forEach(row -> {
                        if (row.path("new").path("cur_cfg").asLong(-1) >= nextCfg) {
                            applied.complete(null);
                        }
                    }));
            return null;
        });
        try {
            applied.get(bound.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new CniException(ErrorCode.TRY_AGAIN_LATER, "lost OVSDB while waiting for ovs-vswitchd", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CniException(ErrorCode.TRY_AGAIN_LATER, "interrupted while waiting for ovs-vswitchd", e);
        }
    }

    /**
     * Waits until the interface's link is up, as ovs-vswitchd reports it; an error it reports on the
     * interface instead is thrown (5), and so is a link that stays down past the apply timeout (11).
     */
    void awaitLinkUp(String name) {
        CompletableFuture<Void> up = new CompletableFuture<>();
        call(() -> {
            client.monitor("Interface", List.of("name", "link_state", "error"), updates -> updates
                    .path("Interface").forEach(row -> {
                        JsonNode now = row.path("new");
                        if (!now.path("name").asText().equals(name)) {
                            return;
                        }
                        List<JsonNode> error = Ovsdb.setOf(now.path("error"));
                        if (!error.isEmpty()) {
                            up.completeExceptionally(new CniException(ErrorCode.IO_FAILURE,
                                    "ovs-vswitchd could not set up " + name, error.get(0).asText()));
                        } else if (now.path("link_state").asText().equals("up")) {
                            up.complete(null);
                        }
                    }));
            return null;
        });
        try {
            up.get(settings.applyTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new CniException(ErrorCode.TRY_AGAIN_LATER, "the link of " + name + " did not come up within "
                    + settings.applyTimeout().toSeconds() + " s");
        } catch (ExecutionException e) {
            throw CniException.in(e).orElseGet(() -> new CniException(ErrorCode.TRY_AGAIN_LATER,
                    "lost OVSDB while waiting for the link of " + name, e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CniException(ErrorCode.TRY_AGAIN_LATER, "interrupted while waiting for " + name, e);
        }
    }

    /**
     * Whether this OVS can take DPDK ports of the given types: reachable and ovs-vswitchd applying changes
     * (else 50), DPDK initialised in ovs-vswitchd and the types offered (else 51). Configured not to wait for
     * ovs-vswitchd, the engine does not depend on it, and STATUS does not ask it either.
     */
    static DatapathStatus dpdkStatus(OvsSettings settings, List<String> types) {
        try (OvsSwitch ovs = connect(settings)) {
            if (settings.waitForVswitchd() && !ovs.appliesChanges()) {
                return DatapathStatus.unavailable("ovs-vswitchd did not apply a change of OVS at "
                        + settings.dbSocket() + " within " + settings.statusTimeout().toSeconds()
                        + " s (is it running, and not stopped?)");
            }
            JsonNode system = ovs.system("dpdk_initialized", "iface_types");
            if (!system.path("dpdk_initialized").asBoolean(false)) {
                return DatapathStatus.limited("OVS at " + settings.dbSocket() + " is reachable, but DPDK is not"
                        + " initialised in ovs-vswitchd (other_config:dpdk-init=true)");
            }
            List<String> offered = Ovsdb.setOf(system.path("iface_types")).stream().map(JsonNode::asText).toList();
            if (!offered.containsAll(types)) {
                return DatapathStatus.limited("ovs-vswitchd offers " + offered + ", not all of " + types);
            }
            return DatapathStatus.up();
        } catch (CniException e) {
            return DatapathStatus.unavailable(e.getMessage());
        }
    }

    /**
     * Whether ovs-vswitchd applies changes now: a change that changes nothing (a {@code next_cfg} bump, as
     * {@code ovs-vsctl} makes) is acknowledged in {@code cur_cfg} within the status timeout.
     *
     * <p>Why this and not ovs-vswitchd's control socket (unixctl {@code version}): what ADD needs is a switch
     * that applies the database, and this is the very acknowledgement ADD waits for, so STATUS is up exactly
     * when ADD would not time out on it. A dead, stopped or stuck daemon, and one that answers its control
     * socket but has lost this database, all fail it alike; {@code dpdk_initialized}, which stays true after the
     * daemon died, cannot tell. And it needs only the database socket the engine uses anyway, where the control
     * socket is named by a pid file in a run directory that may not be shared with this plugin. The cost is
     * one reconfiguration pass of ovs-vswitchd that finds nothing to do, what every {@code ovs-vsctl} change
     * costs.
     */
    private boolean appliesChanges() {
        return appliedWithin(commit(List.of()).nextCfg(), settings.statusTimeout());
    }

    private interface OvsdbCall<T> {
        T run();
    }

    private static <T> T call(OvsdbCall<T> call) {
        try {
            return call.run();
        } catch (OvsdbException e) {
            ErrorCode code = e.isTransient() ? ErrorCode.TRY_AGAIN_LATER : ErrorCode.IO_FAILURE;
            throw new CniException(code.code(), e.getMessage(), "", e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
