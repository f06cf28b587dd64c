package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.DpdkRuntime;
import org.userspacecni.testkit.HostLocalIpam;
import org.userspacecni.testkit.NetworkNamespace;
import org.userspacecni.testkit.OvsSandbox;
import org.userspacecni.testkit.Testpmd;

/**
 * The plugin against a real OVS-DPDK (a private ovs-vswitchd with DPDK on hugepages): ADD makes a
 * vhost-user port, a real DPDK application (testpmd with a virtio-user frontend on the result's
 * socketPath) connects and sends packets that OVS counts, and DEL removes port, socket and lease.
 */
class OvsDpdkEndToEndIT {

    @TempDir
    static Path root;
    static OvsSandbox ovs;
    static NetworkNamespace netns;
    static HostLocalIpam ipam;

    @BeforeAll
    static void start() {
        ovs = OvsSandbox.start(root.resolve("ovs"));
        ovs.startVswitchd("usrsp-e2e");
        netns = NetworkNamespace.create();
        ipam = HostLocalIpam.in(root.resolve("ipam"));
    }

    @AfterAll
    static void stop() {
        try (OvsSandbox started = ovs; NetworkNamespace created = netns) {
            // Closes whichever of the two start() got to, even when it failed half-way.
        }
    }

    static String config(String host) {
        return "{\"cniVersion\":\"1.1.0\",\"name\":\"ovs-net\",\"type\":\"userspace\",\"sharedDir\":\""
                + root.resolve("shared") + "\",\"dataDir\":\"" + root.resolve("data") + "\",\"host\":{"
                + "\"engine\":\"ovs-dpdk\",\"iftype\":\"vhostuser\",\"netType\":\"bridge\"," + host
                + "\"options\":{\"ovsdbSocket\":\"" + ovs.dbSocket() + "\"}},\"ipam\":" + ipam.section() + "}";
    }

    static CniInvocation plugin(String containerId) {

        return PluginFixture.invocation(containerId, netns);

    }

    @Test
    void testpmdSendsThroughTheVhostUserPortThatAddMade() throws Exception {
        String config = config("\"vhost\":{\"mode\":\"client\"},\"bridge\":{\"bridgeName\":\"br-e2e\",\"vlanId\":42},");
        CniInvocation.Outcome added = plugin("e2e000000001").run("ADD", config);
        assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
        JsonNode result = added.json();
        String socket = result.at("/interfaces/0/socketPath").asText();
        String port = Path.of(socket).getFileName().toString();
        assertThat(port).isEqualTo("e2e000000001-net1");
        assertThat(ovs.vsctl("get", "Interface", port, "error").strip()).isEqualTo("[]");
        assertThat(ovs.vsctl("get", "Port", port, "tag").strip()).isEqualTo("42");

        String filePrefix = "usrsp-tp-" + UUID.randomUUID();
        Process testpmd = new ProcessBuilder("dpdk-testpmd", "-l", "0,1", "-m", "128", "--in-memory",
                "--single-file-segments", "--no-pci", "--file-prefix=" + filePrefix,
                "--vdev=net_virtio_user0,path=" + socket + ",server=1", "--", "--forward-mode=txonly",
                "--stats-period=5")
                .redirectErrorStream(true).redirectOutput(root.resolve("testpmd.log").toFile()).start();
        try {
            ovs.vsctl("--timeout=60", "wait-until", "Interface", port, "link_state=up");
            assertThat(ovs.vsctl("get", "Interface", port, "status:status").strip()).isEqualTo("connected");
            ovs.vsctl("--timeout=60", "wait-until", "Interface", port, "statistics:rx_packets>0");
            long first = rxPackets(port);
            ovs.vsctl("--timeout=60", "wait-until", "Interface", port, "statistics:rx_packets>" + first);
            assertThat(rxPackets(port)).isGreaterThan(first);
            CniInvocation.Outcome checked = plugin("e2e000000001").run("CHECK",
                    config.substring(0, config.length() - 1) + ",\"prevResult\":" + result + "}");
            assertThat(checked.exitCode()).as(checked.stdout() + checked.stderr()).isZero();
        } finally {
            testpmd.destroy();
            testpmd.waitFor();
            DpdkRuntime.remove(filePrefix);
        }

        CniInvocation.Outcome deleted = plugin("e2e000000001").run("DEL", config);
        assertThat(deleted.exitCode()).as(deleted.stdout() + deleted.stderr()).isZero();
        assertThat(ovs.vsctl("list-br").strip()).isEmpty();
        assertThat(Path.of(socket)).doesNotExist();
        assertThat(ipam.leases()).isEmpty();
    }

    @Test
    void serverModeSocketsAreLinkedIntoTheSharedDirectory() throws Exception {
        String config = config("\"vhost\":{\"mode\":\"server\"},");
        CniInvocation.Outcome added = plugin("e2e000000003").run("ADD", config);
        assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
        Path socket = Path.of(added.json().at("/interfaces/0/socketPath").asText());
        assertThat(socket).startsWith(root.resolve("shared"));
        assertThat(Files.readAttributes(socket, BasicFileAttributes.class).isOther()).as("a unix socket at " + socket)
                .isTrue();
        assertThat(ovs.vsctl("get", "Interface", socket.getFileName().toString(), "type").strip())
                .isEqualTo("dpdkvhostuser");
        assertThat(plugin("e2e000000003").run("DEL", config).exitCode()).isZero();
        assertThat(socket).doesNotExist();
        assertThat(ovs.vsctl("list-br").strip()).isEmpty();
    }

    /**
     * CHECK tells a link that stays down from a difference: within the grace period after ADD it passes; past it,
     * with nothing connected to the socket, it is 101 naming the port; a grace of 0 never looks at the link, and one
     * that is no number is 4; once testpmd connects, CHECK passes past the grace period too.
     */
    @Test
    void checkReportsALinkStillDownPastItsGracePeriodWith101() throws Exception {
        String config = config("\"vhost\":{\"mode\":\"client\"},");
        CniInvocation.Outcome added = plugin("e2e000000004").run("ADD", config);
        assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
        String socket = added.json().at("/interfaces/0/socketPath").asText();
        String port = Path.of(socket).getFileName().toString();
        String check = config.substring(0, config.length() - 1) + ",\"prevResult\":" + added.json() + "}";
        CniInvocation.Outcome withinGrace = plugin("e2e000000004").run("CHECK", check);
        assertThat(withinGrace.exitCode()).as(withinGrace.stdout() + withinGrace.stderr()).isZero();

        CniInvocation.Outcome down = checkUntilItFails(plugin("e2e000000004").env(LinkGrace.VARIABLE, "1"), check);
        assertThat(down.json().path("code").asInt()).as(down.stdout()).isEqualTo(101);
        assertThat(down.json().path("msg").asText()).contains("port " + port).contains(socket);
        assertThat(plugin("e2e000000004").env(LinkGrace.VARIABLE, "0").run("CHECK", check).exitCode()).isZero();
        CniInvocation.Outcome bad = plugin("e2e000000004").env(LinkGrace.VARIABLE, "soon").run("CHECK", check);
        assertThat(bad.json().path("code").asInt()).as(bad.stdout()).isEqualTo(4);

        try (Testpmd testpmd = Testpmd.start(netns, 0, List.of("--vdev=net_virtio_user0,path=" + socket
                + ",server=1"), "rxonly", root.resolve("testpmd-link.log"))) {
            ovs.vsctl("--timeout=60", "wait-until", "Interface", port, "link_state=up");
            CniInvocation.Outcome up = plugin("e2e000000004").env(LinkGrace.VARIABLE, "1").run("CHECK", check);
            assertThat(up.exitCode()).as(up.stdout() + up.stderr()).isZero();
        }
        assertThat(plugin("e2e000000004").run("DEL", config).exitCode()).isZero();
    }

    /** CHECK, again and again, until it fails (its grace period past); fails the test when it passes for 30 s. */
    private static CniInvocation.Outcome checkUntilItFails(CniInvocation plugin, String check) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            CniInvocation.Outcome checked = plugin.run("CHECK", check);
            if (checked.exitCode() != 0) {
                return checked;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("CHECK still passed 30 s after ADD with a grace period of 1 s");
    }

    private static long rxPackets(String port) {
        return Long.parseLong(ovs.vsctl("get", "Interface", port, "statistics:rx_packets").strip());
    }
}
