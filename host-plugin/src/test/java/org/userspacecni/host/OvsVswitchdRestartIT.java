package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
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

/**
 * An attachment survives ovs-vswitchd restarting, on a real OVS-DPDK: ADD makes a vhost-user client port, a
 * testpmd (virtio-user in server mode, on the result's socketPath) sends packets that OVS counts; ovs-vswitchd
 * is killed as a crash would and started again; the port is still in the database (OVS keeps its ports there),
 * {@code userspace reconcile} finds it intact and changes nothing, and the restarted switch's client port connects
 * to the application's socket by itself: the link comes up and the port counts packets again. The application is
 * stopped before the crash and started again after it: a restarted ovs-vswitchd that meets the rings a sender
 * kept filling through the crash stalls for minutes (118 s, and over 420 s in two runs; scripts/bench-restart
 * measures that case), which is OVS's and DPDK's matter, not the plugin's.
 */
class OvsVswitchdRestartIT {

    /** A client port retries its socket every second; the new switch's start comes first. */
    private static final int RECONNECT_DEADLINE_SECONDS = 120;

    static final String PORT = "restart00001-net1";

    @TempDir
    static Path root;
    static OvsSandbox ovs;
    static NetworkNamespace netns;
    static HostLocalIpam ipam;

    @BeforeAll
    static void start() {
        ovs = OvsSandbox.start(root.resolve("ovs"));
        ovs.startVswitchd("usrsp-restart");
        netns = NetworkNamespace.create();
        ipam = HostLocalIpam.in(root.resolve("ipam"));
    }

    @AfterAll
    static void stop() {
        try (OvsSandbox started = ovs; NetworkNamespace created = netns) {
            // Closes whichever of the two start() got to, even when it failed half-way.
        }
    }

    @Test
    void theClientPortStaysInTheDatabaseReconcileFindsItIntactAndTrafficResumes() throws Exception {
        String config = "{\"cniVersion\":\"1.1.0\",\"name\":\"ovs-restart\",\"type\":\"userspace\",\"sharedDir\":\""
                + root.resolve("shared") + "\",\"dataDir\":\"" + root.resolve("data") + "\",\"host\":{"
                + "\"engine\":\"ovs-dpdk\",\"iftype\":\"vhostuser\",\"netType\":\"bridge\","
                + "\"vhost\":{\"mode\":\"client\"},\"bridge\":{\"bridgeName\":\"br-restart\"},"
                + "\"options\":{\"ovsdbSocket\":\"" + ovs.dbSocket() + "\"}},\"ipam\":" + ipam.section() + "}";
        CniInvocation plugin = PluginFixture.invocation("restart00001", netns);
        CniInvocation.Outcome added = plugin.run("ADD", config);
        assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
        String socket = added.json().at("/interfaces/0/socketPath").asText();
        assertThat(Path.of(socket).getFileName().toString()).isEqualTo(PORT);
        String uuid = ovs.vsctl("get", "Interface", PORT, "_uuid").strip();

        try (Sender first = Sender.on(socket)) {
            ovs.vsctl("--timeout=60", "wait-until", "Interface", PORT, "link_state=up");
            ovs.vsctl("--timeout=60", "wait-until", "Interface", PORT, "statistics:rx_packets>0");
        }
        long before = vswitchdPid();

        ovs.killVswitchd();
        ovs.restartVswitchd();
        assertThat(vswitchdPid()).isNotEqualTo(before);

        // OVS keeps its ports in the database: the very row ADD made, the same socket.
        assertThat(ovs.vsctl("get", "Interface", PORT, "_uuid").strip()).isEqualTo(uuid);
        assertThat(ovs.vsctl("get", "Interface", PORT, "type").strip()).isEqualTo("dpdkvhostuserclient");
        assertThat(ovs.vsctl("get", "Interface", PORT, "options:vhost-server-path").strip())
                .isEqualTo("\"" + socket + "\"");
        CniInvocation.Outcome reconciled = ReconcileIT.reconcile("--data-dir", root.resolve("data").toString());
        assertThat(reconciled.exitCode()).as(reconciled.stderr()).isZero();
        assertThat(reconciled.stdout()).isEmpty();
        assertThat(reconciled.stderr()).contains("container restart00001, interface net1: intact")
                .contains("1 attachments, 0 restored, 0 failed");
        assertThat(ovs.vsctl("get", "Interface", PORT, "_uuid").strip()).isEqualTo(uuid);

        // The restarted switch's client port connects to the application's socket by itself and carries its
        // traffic, counting anew from zero.
        try (Sender second = Sender.on(socket)) {
            ovs.vsctl("--timeout=" + RECONNECT_DEADLINE_SECONDS, "wait-until", "Interface", PORT, "link_state=up");
            ovs.vsctl("--timeout=60", "wait-until", "Interface", PORT, "statistics:rx_packets>0");
            long first = rxPackets();
            ovs.vsctl("--timeout=60", "wait-until", "Interface", PORT, "statistics:rx_packets>" + first);
            assertThat(second.testpmd.isAlive()).isTrue();
        }

        CniInvocation.Outcome deleted = plugin.run("DEL", config);
        assertThat(deleted.exitCode()).as(deleted.stdout() + deleted.stderr()).isZero();
        assertThat(ovs.vsctl("list-br").strip()).isEmpty();
        assertThat(ipam.leases()).isEmpty();
    }

    /** testpmd sending on the attachment's socket as a virtio-user server, the way a pod's application would. */
    private record Sender(Process testpmd, String filePrefix) implements AutoCloseable {

        static Sender on(String socket) throws IOException {
            String filePrefix = "usrsp-tp-" + UUID.randomUUID();
            Process testpmd = new ProcessBuilder("dpdk-testpmd", "-l", "0,1", "-m", "128", "--in-memory",
                    "--single-file-segments", "--no-pci", "--file-prefix=" + filePrefix,
                    "--vdev=net_virtio_user0,path=" + socket + ",server=1", "--", "--forward-mode=txonly",
                    "--stats-period=5")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
                            root.resolve("testpmd.log").toFile())).start();
            return new Sender(testpmd, filePrefix);
        }

        /** Stops it as an application stops (SIGTERM), which takes its socket away with it. */
        @Override
        public void close() throws InterruptedException {
            testpmd.destroy();
            testpmd.waitFor();
            DpdkRuntime.remove(filePrefix);
        }
    }

    private static long vswitchdPid() {
        return ovs.vswitchdPid();
    }

    private static long rxPackets() {
        return Long.parseLong(ovs.vsctl("get", "Interface", PORT, "statistics:rx_packets").strip());
    }
}
