package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.backend.vpp.api.ApiDefinitions;
import org.userspacecni.backend.vpp.api.Codec;
import org.userspacecni.backend.vpp.api.VppApiClient;
import org.userspacecni.backend.vpp.real.RealVpp;
import org.userspacecni.backend.vpp.sim.VppSimulator;
import org.userspacecni.backend.vpp.sim.VppSimulator.BridgeDomain;
import org.userspacecni.backend.vpp.sim.VppSimulator.Interface;
import org.userspacecni.backend.vpp.sim.VppSimulator.L2Mode;
import org.userspacecni.backend.vpp.sim.VppSimulator.MemifRole;
import org.userspacecni.backend.vpp.sim.VppSimulator.MemifSocket;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.HostLocalIpam;
import org.userspacecni.testkit.NetworkNamespace;

/**
 * The host side of the {@code vpp} engine, the built plugin run as a runtime runs it against a real VPP: what ADD
 * makes in VPP, CHECK, DEL and GC finding it by its tags, bridge domains that are not ours left alone, the errors
 * when VPP is away or lacks a plugin, and 100 memif attachments on one node (32 without the daemon). Rollback of a
 * step VPP refuses runs against the simulator of VPP's API server, the one thing here a real VPP cannot be made to do
 * on demand.
 */
class VppHostSideIT {

    @TempDir
    Path root;
    RealVpp vpp;
    NetworkNamespace netns;
    HostLocalIpam ipam;

    @BeforeEach
    void start() throws IOException {
        vpp = RealVpp.start(root.resolve("vpp"));
        netns = NetworkNamespace.create();
        ipam = HostLocalIpam.in(root.resolve("ipam"));
    }

    @AfterEach
    void stop() {
        vpp.close();
        netns.close();
    }

    String config(String host) {
        return config(host, "");
    }

    /** A configuration of the vpp engine; {@code more} is appended inside it. */
    String config(String host, String more) {
        return config(host, more, vpp.apiSocket());
    }

    String config(String host, String more, Path apiSocket) {
        return "{\"cniVersion\":\"1.1.0\",\"name\":\"vpp-net\",\"type\":\"userspace\",\"dataDir\":\""
                + root.resolve("data") + "\",\"sharedDir\":\"" + root.resolve("shared") + "\",\"host\":{\"engine\":"
                + "\"vpp\"," + host + ",\"options\":{\"apiSocket\":\"" + apiSocket + "\"}},\"ipam\":"
                + ipam.section() + more + "}";
    }

    static String memifBridge(String bridgeDomain) {
        return "\"iftype\":\"memif\",\"netType\":\"bridge\",\"bridge\":{\"bridgeName\":\"" + bridgeDomain + "\"}";
    }

    CniInvocation plugin(String containerId, String ifName) {
        return PluginFixture.invocation(containerId, netns).env("CNI_IFNAME", ifName);
    }

    static CniInvocation.Outcome ok(CniInvocation.Outcome outcome) {
        assertThat(outcome.exitCode()).as(outcome.stdout() + outcome.stderr()).isZero();
        return outcome;
    }

    List<Interface> ours() {
        return vpp.interfaces().stream().filter(iface -> iface.tag().startsWith("usrsp:")).toList();
    }

    List<Long> bridgeDomains() {
        return vpp.bridgeDomains().stream().map(BridgeDomain::bdId).toList();
    }

    void assertNothingLeft() throws IOException {
        assertThat(vpp.memifSockets()).extracting(MemifSocket::socketId).containsExactly(0L);
        assertNoAttachmentLeft();
    }

    /** Nothing of an attachment in VPP, the shared directory or IPAM (for a VPP without memif sockets). */
    void assertNoAttachmentLeft() throws IOException {
        assertThat(ours()).isEmpty();
        try (var files = Files.list(Files.createDirectories(root.resolve("shared")))) {
            assertThat(files).isEmpty();
        }
        assertThat(ipam.leases()).isEmpty();
    }

    @Test
    void addMakesATaggedMemifMasterInABridgeDomainOfOursAndDelRemovesAll() throws IOException {
        String config = config(memifBridge("7"));
        CniInvocation.Outcome added = ok(plugin("vppadd0123456789", "net1").run("ADD", config));
        Path socket = root.resolve("shared/memif-vppadd012345-net1.sock");
        assertThat(added.json().at("/interfaces/0/socketPath").asText()).isEqualTo(socket.toString());

        Interface memif = ours().get(0);
        assertThat(memif.tag()).contains(":vppadd012345~").endsWith(":net1");
        assertThat(memif.adminUp()).isTrue();
        assertThat(memif.memif().orElseThrow().role()).isEqualTo(MemifRole.MASTER);
        assertThat(memif.l2Mode()).isEqualTo(new L2Mode.Bridge(7, 0, 0));
        assertThat(vpp.memifSockets()).anyMatch(s -> s.filename().equals(socket.toString()) && s.listening());
        assertThat(vpp.bridgeDomains()).filteredOn(bd -> bd.bdId() == 7).singleElement()
                .satisfies(bd -> assertThat(bd.tag()).isEqualTo("usrsp:created"))
                .satisfies(bd -> assertThat(bd.learn() && bd.flood() && bd.forward()).isTrue());
        assertThat(socket).exists();
        JsonNode stored = new ObjectMapper().readTree(root.resolve("data/vppadd0123456789/net1.json").toFile());
        assertThat(stored.at("/config/memif/role").asText()).isEqualTo("slave");
        assertThat(stored.at("/socket").asText()).isEqualTo("memif-vppadd012345-net1.sock");

        ok(plugin("vppadd0123456789", "net1").run("CHECK", config(memifBridge("7"), ",\"prevResult\":"
                + added.stdout())));
        ok(plugin("vppadd0123456789", "net1").run("DEL", config));
        assertNothingLeft();
        assertThat(bridgeDomains()).doesNotContain(7L);
        ok(plugin("vppadd0123456789", "net1").run("DEL", config));
    }

    @Test
    void aBridgeDomainOfTheOperatorIsUsedAndNeverDeleted() throws IOException {
        try (VppApiClient operator = VppApiClient.connect(vpp.apiSocket(), new Codec(ApiDefinitions.standard()),
                Duration.ofSeconds(5))) {
            operator.call("bridge_domain_add_del_v2", Map.of("bd_id", 9, "learn", true, "bd_tag", "operator",
                    "is_add", true));
        }
        String config = config(memifBridge("9"));
        ok(plugin("vppbd1", "net1").run("ADD", config));
        assertThat(ours()).singleElement().satisfies(iface -> assertThat(iface.l2Mode())
                .isEqualTo(new L2Mode.Bridge(9, 0, 0)));
        ok(plugin("vppbd1", "net1").run("DEL", config));
        assertThat(vpp.bridgeDomains()).filteredOn(bd -> bd.bdId() == 9).singleElement()
                .satisfies(bd -> assertThat(bd.tag()).isEqualTo("operator"));
        assertNothingLeft();
    }

    @Test
    void vhostUserInServerModeMakesTheSocketAndClientModeConnects() throws IOException {
        String server = config("\"iftype\":\"vhostuser\",\"vhost\":{\"mode\":\"server\"}");
        CniInvocation.Outcome added = ok(plugin("vppvhost01", "net1").run("ADD", server));
        Path socket = root.resolve("shared/vppvhost01-net1");
        assertThat(added.json().at("/interfaces/0/socketPath").asText()).isEqualTo(socket.toString());
        assertThat(ours()).singleElement().satisfies(iface -> {
            assertThat(iface.vhostUser().orElseThrow().server()).isTrue();
            assertThat(iface.vhostUser().orElseThrow().socketFile()).isEqualTo(socket.toString());
        });
        assertThat(socket).exists();
        assertThat(new ObjectMapper().readTree(root.resolve("data/vppvhost01/net1.json").toFile())
                .at("/config/vhost/mode").asText()).isEqualTo("client");
        ok(plugin("vppvhost01", "net1").run("DEL", server));

        String client = config("\"iftype\":\"vhostuser\"");
        ok(plugin("vppvhost02", "net1").run("ADD", client));
        assertThat(ours()).singleElement().satisfies(iface ->
                assertThat(iface.vhostUser().orElseThrow().server()).isFalse());
        ok(plugin("vppvhost02", "net1").run("DEL", client));
        assertNothingLeft();
    }

    @Test
    void checkNamesWhatDiffers() {
        String config = config(memifBridge("3"));
        CniInvocation.Outcome added = ok(plugin("vppcheck01", "net1").run("ADD", config));
        String withPrevious = config(memifBridge("3"), ",\"prevResult\":" + added.stdout());
        ok(plugin("vppcheck01", "net1").run("CHECK", withPrevious));
        CniInvocation.Outcome moved = plugin("vppcheck01", "net1").run("CHECK",
                withPrevious.replace("\"bridgeName\":\"3\"", "\"bridgeName\":\"4\""));
        assertThat(moved.exitCode()).isEqualTo(1);
        assertThat(moved.json().path("code").asInt()).isEqualTo(100);
        assertThat(moved.json().path("msg").asText()).contains("is not in bridge domain 4");
        ok(plugin("vppcheck01", "net1").run("DEL", config));
    }

    @Test
    void crossConnectJoinsTwoAttachmentsBothWays() throws IOException {
        String first = config("\"iftype\":\"memif\"");
        String second = config("\"iftype\":\"memif\"").replace("\"options\":{", "\"options\":{\"xconnect\":\"net1\",");
        ok(plugin("vppxc01", "net1").run("ADD", first));
        ok(plugin("vppxc01", "net2").run("ADD", second));
        Interface one = ours().stream().filter(i -> i.tag().endsWith(":net1")).findFirst().orElseThrow();
        Interface two = ours().stream().filter(i -> i.tag().endsWith(":net2")).findFirst().orElseThrow();
        assertThat(one.l2Mode()).isEqualTo(new L2Mode.CrossConnect(two.swIfIndex()));
        assertThat(two.l2Mode()).isEqualTo(new L2Mode.CrossConnect(one.swIfIndex()));
        ok(plugin("vppxc01", "net2").run("DEL", second));
        ok(plugin("vppxc01", "net1").run("DEL", first));
        assertNothingLeft();
    }

    @Test
    void gcRemovesWhatIsNotValidAndKeepsTheRest() throws IOException {
        String config = config(memifBridge("5"));
        ok(plugin("vppkeep01", "net1").run("ADD", config));
        ok(plugin("vppstale01", "net1").run("ADD", config));
        CniInvocation gc = new CniInvocation(PluginFixture.plugin()).env("CNI_PATH", HostLocalIpam.CNI_BIN.toString());
        ok(gc.run("GC", config(memifBridge("5"), ",\"cni.dev/valid-attachments\":[{\"containerID\":"
                + "\"vppkeep01\",\"ifname\":\"net1\"}]")));
        assertThat(ours()).singleElement()
                .satisfies(iface -> assertThat(iface.tag()).contains(":vppkeep01~").endsWith(":net1"));
        assertThat(root.resolve("shared/memif-vppstale01-net1.sock")).doesNotExist();
        assertThat(bridgeDomains()).contains(5L);
        ok(plugin("vppkeep01", "net1").run("DEL", config));
        ok(plugin("vppstale01", "net1").run("DEL", config));
        assertNothingLeft();
    }

    /**
     * On the simulator: a real VPP refuses no step of a valid plan on demand, and each it could refuse is checked
     * before VPP is asked.
     */
    @Test
    void aStepVppRefusesUndoesTheStepsBefore() throws IOException {
        try (VppSimulator simulator = VppSimulator.start(root.resolve("simulator/api.sock"))) {
            simulator.failNext("sw_interface_set_l2_bridge", VppSimulator.INVALID_VALUE);
            CniInvocation.Outcome refused = plugin("vppfail01", "net1").run("ADD",
                    config(memifBridge("6"), "", simulator.apiSocket()));
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.json().path("code").asInt()).isEqualTo(999);
            assertThat(refused.json().path("msg").asText()).contains("sw_interface_set_l2_bridge").contains("-7")
                    .contains("invalid value");
            assertThat(simulator.interfaces()).noneMatch(iface -> iface.tag().startsWith("usrsp:"));
            assertThat(simulator.memifSockets()).extracting(MemifSocket::socketId).containsExactly(0L);
            assertThat(simulator.bridgeDomains()).extracting(BridgeDomain::bdId).doesNotContain(6L);
        }
        assertNothingLeft();
        assertThat(root.resolve("data/vppfail01")).doesNotExist();
    }

    @Test
    void aVppThatIsAwayIsElevenAndStatusFifty() throws IOException {
        String config = config(memifBridge("2"));
        ok(new CniInvocation(PluginFixture.plugin()).env("CNI_PATH", "/usr/lib/cni").run("STATUS", config));
        vpp.stop();
        CniInvocation.Outcome away = plugin("vppaway01", "net1").run("ADD", config);
        assertThat(away.json().path("code").asInt()).isEqualTo(11);
        assertThat(away.json().path("msg").asText()).contains("cannot reach VPP's API at " + vpp.apiSocket());
        assertThat(ipam.leases()).isEmpty();
        CniInvocation.Outcome status = new CniInvocation(PluginFixture.plugin()).env("CNI_PATH", "/usr/lib/cni")
                .run("STATUS", config);
        assertThat(status.json().path("code").asInt()).isEqualTo(50);
        vpp.start();
        ok(plugin("vppaway01", "net1").run("ADD", config));
        ok(plugin("vppaway01", "net1").run("DEL", config));
        assertNothingLeft();
    }

    @Test
    void aVppWithoutTheMemifPluginIsFiftyNamingWhatItLacks() throws IOException {
        vpp.close();
        vpp = RealVpp.start(root.resolve("vpp-vhost-only"), Set.of("vhost_plugin.so"));
        CniInvocation.Outcome lacking = plugin("vpplack01", "net1").run("ADD", config(memifBridge("2")));
        assertThat(lacking.exitCode()).isEqualTo(1);
        assertThat(lacking.json().path("code").asInt()).isEqualTo(50);
        assertThat(lacking.json().path("msg").asText()).contains("memif_create_v2_8c7de5f7")
                .contains("memif_create_v2_reply_5383d31f");
        assertNoAttachmentLeft();
        assertThat(bridgeDomains()).doesNotContain(2L);
    }

    @Test
    void aVppWithoutTheVhostPluginIsFiftyForVhostUserAndServesMemif() throws IOException {
        vpp.close();
        vpp = RealVpp.start(root.resolve("vpp-memif-only"), Set.of("memif_plugin.so"));
        String vhost = config("\"iftype\":\"vhostuser\"");
        CniInvocation.Outcome lacking = plugin("vpplack02", "net1").run("ADD", vhost);
        assertThat(lacking.json().path("code").asInt()).isEqualTo(50);
        assertThat(lacking.json().path("msg").asText()).contains("create_vhost_user_if_v2_dba1cc1d");
        CniInvocation.Outcome status = new CniInvocation(PluginFixture.plugin()).env("CNI_PATH", "/usr/lib/cni")
                .run("STATUS", vhost);
        assertThat(status.json().path("code").asInt()).isEqualTo(50);
        String memif = config(memifBridge("2"));
        ok(new CniInvocation(PluginFixture.plugin()).env("CNI_PATH", "/usr/lib/cni").run("STATUS", memif));
        ok(plugin("vpplack03", "net1").run("ADD", memif));
        ok(plugin("vpplack03", "net1").run("DEL", memif));
        assertNothingLeft();
    }

    /**
     * By four runtimes' workers at once, as a node starts pods: the engine's changes take turns (StateLock). A
     * hundred through the daemon; 32 where each command starts a JVM (on two cores they would take minutes), still
     * more memif sockets than the original plugin's table of 20 held.
     */
    @Test
    void aHundredMemifAttachmentsOnOneNode() throws IOException {
        int attachments = System.getProperty(CniInvocation.DAEMON_SOCKET_PROPERTY) == null ? 32 : 100;
        String config = config(memifBridge("100"));
        List<String> ids = IntStream.range(0, attachments).mapToObj(i -> String.format("vpp100x%03d", i)).toList();
        byFourWorkers(ids, id -> ok(plugin(id, "net1").run("ADD", config)));
        assertThat(ours()).hasSize(attachments);
        assertThat(vpp.memifSockets()).hasSize(attachments + 1);
        assertThat(vpp.bridgeDomains()).filteredOn(bd -> bd.bdId() == 100).singleElement()
                .satisfies(bd -> assertThat(bd.members()).hasSize(attachments));
        byFourWorkers(ids, id -> ok(plugin(id, "net1").run("DEL", config)));
        assertNothingLeft();
        assertThat(bridgeDomains()).doesNotContain(100L);
    }

    private static void byFourWorkers(List<String> ids, Consumer<String> command) {
        ExecutorService workers = Executors.newFixedThreadPool(4);
        try {
            CompletableFuture.allOf(ids.stream().map(id -> CompletableFuture.runAsync(() -> command.accept(id),
                    workers)).toArray(CompletableFuture[]::new)).join();
        } finally {
            workers.shutdown();
        }
    }
}
