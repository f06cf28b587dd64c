package org.userspacecni.backend.ovs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The OVSDB transaction of an ADD as the engine builds it with {@link Ovsdb} (in the engine's package, since
 * those helpers are its own): an Interface and a Port inserted, the Bridge's ports mutated, encoded to the
 * bytes that go on the socket; and the reply's bytes decoded and its UUIDs read.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class OvsdbTransactionBenchmark {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final byte[] REPLY = ("{\"id\":\"transact-7\",\"error\":null,\"result\":[{\"uuid\":[\"uuid\","
            + "\"2f0c6e2d-5b6f-4a0c-9d1e-6a3b8c7d9e01\"]},{\"uuid\":[\"uuid\",\"7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d\"]},"
            + "{\"count\":1},{}]}").getBytes(StandardCharsets.UTF_8);

    @Benchmark
    public byte[] encodeAddTransaction() throws IOException {
        Map<String, String> owner = Map.of("userspace-cni/owner", "userspace-cni", "userspace-cni/container-id",
                "0123456789abcdef0123456789abcdef", "userspace-cni/ifname", "net1", "userspace-cni/network",
                "userspace-ovs-net-1");
        ObjectNode iface = Ovsdb.row().put("name", "0123456789ab-net1").put("type", "dpdkvhostuserclient");
        iface.set("options", Ovsdb.map(Map.of("vhost-server-path", "/var/lib/cni/usrspcni/shared/0123456789ab-net1")));
        iface.set("external_ids", Ovsdb.map(owner));
        ObjectNode port = Ovsdb.row().put("name", "0123456789ab-net1").put("tag", 100);
        port.set("interfaces", Ovsdb.namedUuid("iface"));
        port.set("external_ids", Ovsdb.map(owner));
        ArrayNode params = MAPPER.createArrayNode().add("Open_vSwitch");
        for (ObjectNode operation : List.of(Ovsdb.insert("Interface", iface, "iface"),
                Ovsdb.insert("Port", port, "port"), Ovsdb.mutate("Bridge", Ovsdb.where("name", "==", "br-4"),
                        "ports", "insert", Ovsdb.set(Ovsdb.namedUuid("port"))))) {
            params.add(operation);
        }
        return MAPPER.writeValueAsBytes(MAPPER.createObjectNode().put("method", "transact")
                .<ObjectNode>set("params", params).put("id", "transact-7"));
    }

    @Benchmark
    public String decodeReply() throws IOException {
        JsonNode reply = MAPPER.readTree(REPLY);
        return Ovsdb.uuidOf(reply.path("result").get(1).path("uuid"));
    }
}
