package org.userspacecni.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.backend.vpp.real.RealVpp;
import org.userspacecni.backend.vpp.sim.VppSimulator.BridgeDomain;
import org.userspacecni.backend.vpp.sim.VppSimulator.BridgeMember;
import org.userspacecni.backend.vpp.sim.VppSimulator.Interface;
import org.userspacecni.backend.vpp.sim.VppSimulator.VhostUser;
import org.userspacecni.testkit.Await;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.HostLocalIpam;
import org.userspacecni.testkit.NetworkNamespace;
import org.userspacecni.testkit.Testpmd;
import org.userspacecni.testkit.VppInterfaceCounters;

/**
 * The mixed world through the host's VPP: a pod whose DPDK application speaks virtio-user to a vhost-user
 * interface of the host's VPP ({@code host: {engine: vpp, iftype: vhostuser}}, VPP the client or the server of
 * the socket), and a pod on a memif of the same VPP, both in one bridge domain. Each pod is a testpmd on what
 * {@code usrsp-agent eal-args} computes for it, in its own network namespace: the virtio-user one sends, the memif
 * one receives; testpmd's ports and VPP's two interfaces count the packets, each hop at least as many as the
 * next had counted. DEL takes both interfaces and the bridge domain away, and the socket file VPP served.
 */
class VppVhostUserPacketsIT {

    static final String IF_NAME = "net1";
    static final long BRIDGE_DOMAIN = 11;
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path root;

    @ParameterizedTest(name = "the host's VPP is the vhost-user {0}")
    @ValueSource(strings = {"client", "server"})
    void aVirtioUserPodsPacketsCrossTheHostsVppIntoAMemifPod(String vhostMode) throws Exception {
        String virtioId = UUID.randomUUID().toString().replace("-", "");
        String memifId = UUID.randomUUID().toString().replace("-", "");
        Path shared = root.resolve("shared");
        Path data = root.resolve("data");
        List<AutoCloseable> cleanup = new ArrayList<>();
        try {
            RealVpp hostVpp = RealVpp.start(root.resolve("host-vpp"));
            cleanup.add(0, hostVpp);
            NetworkNamespace virtioNetns = NetworkNamespace.create();
            cleanup.add(0, virtioNetns);
            NetworkNamespace memifNetns = NetworkNamespace.create();
            cleanup.add(0, memifNetns);

            String vhostConfig = config("userspace-vpp-vhost", shared, data, hostVpp,
                    "\"iftype\":\"vhostuser\",\"vhost\":{\"mode\":\"" + vhostMode + "\"}");
            String memifConfig = config("userspace-vpp-memif", shared, data, hostVpp, "\"iftype\":\"memif\"");
            CniInvocation virtioPod = plugin(virtioId, virtioNetns);
            CniInvocation memifPod = plugin(memifId, memifNetns);
            CniInvocation.Outcome virtioAdded = virtioPod.run("ADD", vhostConfig);
            assertThat(virtioAdded.exitCode()).as(virtioAdded.stdout() + virtioAdded.stderr()).isZero();
            CniInvocation.Outcome memifAdded = memifPod.run("ADD", memifConfig);
            assertThat(memifAdded.exitCode()).as(memifAdded.stdout() + memifAdded.stderr()).isZero();

            Path socket = shared.resolve(virtioId.substring(0, 12) + "-" + IF_NAME);
            Interface vhostEnd = VppContainerSideIT.tagged(hostVpp, VppContainerSideIT.tag("userspace-vpp-vhost",
                    virtioId, IF_NAME)).orElseThrow(() -> new AssertionError("no vhost-user interface tagged for "
                            + virtioId + ": " + hostVpp.interfaces()));
            VhostUser vhost = vhostEnd.vhostUser().orElseThrow(() -> new AssertionError(vhostEnd + " is no vhost"));
            assertThat(vhost.socketFile()).isEqualTo(socket.toString());
            assertThat(vhost.server()).isEqualTo(vhostMode.equals("server"));
            Interface memifEnd = VppContainerSideIT.tagged(hostVpp, VppContainerSideIT.tag("userspace-vpp-memif",
                    memifId, IF_NAME)).orElseThrow();
            assertThat(VppBridgePacketsIT.bridgeDomain(hostVpp, BRIDGE_DOMAIN).map(BridgeDomain::members))
                    .hasValue(List.of(new BridgeMember(vhostEnd.swIfIndex(), 0, 0),
                            new BridgeMember(memifEnd.swIfIndex(), 0, 0)));

            String virtioVdev = ealArgs(data.resolve(virtioId), shared);
            assertThat(virtioVdev).startsWith("--vdev=net_virtio_user0,path=" + socket + ",server="
                    + (vhostMode.equals("client") ? 1 : 0) + ",");
            String memifVdev = ealArgs(data.resolve(memifId), shared);
            assertThat(memifVdev).startsWith("--vdev=net_memif0,");

            try (Testpmd receiver = Testpmd.start(memifNetns, 1, List.of(memifVdev.split(" ")), "rxonly",
                    root.resolve("testpmd-memif.log"));
                    Testpmd sender = Testpmd.start(virtioNetns, 0, List.of(virtioVdev.split(" ")), "txonly",
                            root.resolve("testpmd-virtio.log"))) {
                Supplier<String> state = () -> hostVpp.cli("show interface") + "\n" + hostVpp.cli("show vhost-user")
                        + "\nvirtio-user testpmd:\n" + sender.log() + "\nmemif testpmd:\n" + receiver.log();
                Await.until("both of the host VPP's interfaces connect", WAIT,
                        () -> linkUp(hostVpp, vhostEnd) && linkUp(hostVpp, memifEnd), state);

                long received = Await.find("packets counted by the memif pod's testpmd", WAIT,
                        () -> receiver.rxPackets().filter(n -> n > 0), state);
                long outOfHost = Await.find("the host's memif sending as many", WAIT,
                        () -> Optional.of(counters(hostVpp, memifEnd).txPackets()).filter(n -> n >= received), state);
                long intoHost = Await.find("the host's vhost-user interface receiving as many", WAIT,
                        () -> Optional.of(counters(hostVpp, vhostEnd).rxPackets()).filter(n -> n >= outOfHost), state);
                long sent = Await.find("the virtio-user testpmd counting as many sent", WAIT,
                        () -> sender.txPackets().filter(n -> n >= intoHost), state);
                System.err.println("packets, VPP the vhost-user " + vhostMode + ": virtio-user testpmd sent " + sent
                        + ", the host's VPP received " + intoHost + " and sent on " + outOfHost
                        + ", memif testpmd received " + received);
            }

            CniInvocation.Outcome virtioDeleted = virtioPod.run("DEL", vhostConfig);
            assertThat(virtioDeleted.exitCode()).as(virtioDeleted.stdout() + virtioDeleted.stderr()).isZero();
            CniInvocation.Outcome memifDeleted = memifPod.run("DEL", memifConfig);
            assertThat(memifDeleted.exitCode()).as(memifDeleted.stdout() + memifDeleted.stderr()).isZero();
            assertThat(hostVpp.interfaces()).extracting(Interface::name).containsExactly("local0");
            assertThat(VppBridgePacketsIT.bridgeDomain(hostVpp, BRIDGE_DOMAIN)).isEmpty();
            if (vhostMode.equals("server")) {
                assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).as(socket + ", VPP's, is gone").isFalse();
            }
        } finally {
            VppContainerSideIT.closeAll(cleanup);
        }
    }

    /** A network whose host end is in the shared bridge domain; {@code host} is the interface's part. */
    static String config(String network, Path shared, Path data, RealVpp hostVpp, String host) {
        return "{\"cniVersion\":\"1.1.0\",\"name\":\"" + network + "\",\"type\":\"userspace\","
                + "\"sharedDir\":\"" + shared + "\",\"dataDir\":\"" + data + "\","
                + "\"host\":{\"engine\":\"vpp\"," + host + ",\"netType\":\"bridge\","
                + "\"bridge\":{\"bridgeName\":\"" + BRIDGE_DOMAIN + "\"},"
                + "\"options\":{\"apiSocket\":\"" + hostVpp.apiSocket() + "\"}}}";
    }

    CniInvocation plugin(String containerId, NetworkNamespace netns) {
        return new CniInvocation(Path.of(System.getProperty("userspace.plugin")))
                .env("CNI_CONTAINERID", containerId).env("CNI_NETNS", netns.path().toString())
                .env("CNI_IFNAME", IF_NAME).env("CNI_PATH", HostLocalIpam.CNI_BIN.toString());
    }

    static String ealArgs(Path dataDir, Path shared) {
        AgentProcess.Outcome eal = AgentProcess.run("--data-dir", dataDir.toString(), "--shared-dir",
                shared.toString(), "eal-args", "--vdevs-only");
        assertThat(eal.exitCode()).as(eal.stderr()).isZero();
        return eal.stdout().strip();
    }

    static boolean linkUp(RealVpp vpp, Interface iface) {
        return vpp.findInterface(iface.swIfIndex()).map(Interface::linkUp).orElse(false);
    }

    static VppInterfaceCounters counters(RealVpp vpp, Interface iface) {
        return VppInterfaceCounters.of(vpp.sandbox(), iface.name());
    }
}
