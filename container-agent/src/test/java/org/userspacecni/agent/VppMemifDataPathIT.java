package org.userspacecni.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.backend.vpp.real.RealVpp;
import org.userspacecni.backend.vpp.sim.VppSimulator.Interface;
import org.userspacecni.backend.vpp.sim.VppSimulator.Memif;
import org.userspacecni.backend.vpp.sim.VppSimulator.MemifMode;
import org.userspacecni.backend.vpp.sim.VppSimulator.MemifRole;
import org.userspacecni.backend.vpp.sim.VppSimulator.MemifSocket;
import org.userspacecni.testkit.Await;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.HostLocalIpam;
import org.userspacecni.testkit.NetworkNamespace;
import org.userspacecni.testkit.Testpmd;
import org.userspacecni.testkit.VppInterfaceCounters;

/**
 * The memif data path between a real host VPP and a DPDK application, each on exactly what the configurations
 * compute: the plugin ADDs a memif attachment with its own ring (size, buffer size, secret) to the host's VPP,
 * which makes the master; the container's end is {@code usrsp-agent eal-args} given to a testpmd in the pod's
 * network namespace, sending. VPP refuses a peer that offers another secret; the computed one connects, on the
 * ring size configured, and the packets testpmd sends are counted on VPP's memif. DEL takes the host's end away.
 */
class VppMemifDataPathIT {

    static final String NETWORK = "userspace-vpp-memif";
    static final String IF_NAME = "net1";
    static final int RING_SIZE = 512;
    static final int BUFFER_SIZE = 2048;
    static final String SECRET = "usrsp-memif-secret";
    static final Duration WAIT = Duration.ofSeconds(60);
    static final Pattern RING = Pattern.compile("ring-size (\\d+)");

    @TempDir
    Path root;

    @Test
    void aTestpmdOnTheContainersComputedEndSendsPacketsIntoTheHostsVpp() throws Exception {
        String containerId = UUID.randomUUID().toString().replace("-", "");
        Path shared = root.resolve("shared");
        Path dataDir = root.resolve("data").resolve(containerId);
        Path socket = shared.resolve("memif-" + containerId.substring(0, 12) + "-" + IF_NAME + ".sock");

        try (RealVpp hostVpp = RealVpp.start(root.resolve("host-vpp"));
                NetworkNamespace netns = NetworkNamespace.create()) {
            String config = "{\"cniVersion\":\"1.1.0\",\"name\":\"" + NETWORK + "\",\"type\":\"userspace\","
                    + "\"sharedDir\":\"" + shared + "\",\"dataDir\":\"" + root.resolve("data") + "\","
                    + "\"host\":{\"engine\":\"vpp\",\"iftype\":\"memif\",\"netType\":\"bridge\","
                    + "\"memif\":{\"ringSize\":" + RING_SIZE + ",\"bufferSize\":" + BUFFER_SIZE + ",\"secret\":\""
                    + SECRET + "\"},\"bridge\":{\"bridgeName\":\"4\"},"
                    + "\"options\":{\"apiSocket\":\"" + hostVpp.apiSocket() + "\"}},"
                    + "\"ipam\":" + HostLocalIpam.in(root.resolve("ipam")).section() + "}";
            CniInvocation plugin = new CniInvocation(Path.of(System.getProperty("userspace.plugin")))
                    .env("CNI_CONTAINERID", containerId).env("CNI_NETNS", netns.path().toString())
                    .env("CNI_IFNAME", IF_NAME).env("CNI_PATH", HostLocalIpam.CNI_BIN.toString());
            CniInvocation.Outcome added = plugin.run("ADD", config);
            assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();

            Interface hostEnd = memif(hostVpp).orElseThrow(() -> new AssertionError("no memif in the host's VPP: "
                    + hostVpp.interfaces()));
            Memif memif = hostEnd.memif().get();
            assertThat(hostVpp.memifSockets()).contains(new MemifSocket(memif.socketId(), socket.toString(), true));
            assertThat(memif.role()).isEqualTo(MemifRole.MASTER);
            assertThat(memif.mode()).as("DPDK's memif speaks only ethernet").isEqualTo(MemifMode.ETHERNET);
            assertThat(hostEnd.linkUp()).as("no peer yet").isFalse();

            AgentProcess.Outcome eal = AgentProcess.run("--data-dir", dataDir.toString(), "--shared-dir",
                    shared.toString(), "eal-args", "--vdevs-only");
            assertThat(eal.exitCode()).as(eal.stderr()).isZero();
            String vdev = eal.stdout().strip();
            assertThat(vdev).startsWith("--vdev=net_memif0,role=client,id=0,socket=" + socket
                    + ",socket-abstract=no,mac=").endsWith(",rsize=" + Integer.numberOfTrailingZeros(RING_SIZE)
                    + ",bsize=" + BUFFER_SIZE + ",secret=" + SECRET);

            // VPP keeps the secret to itself, but refuses a peer that offers another one.
            String otherSecret = vdev.replace(",secret=" + SECRET, ",secret=not-" + SECRET);
            try (Testpmd impostor = Testpmd.start(netns, 0, List.of(otherSecret.split(" ")), "txonly",
                    root.resolve("testpmd-other-secret.log"))) {
                Await.until("the host's VPP refuses a peer with another secret", WAIT,
                        () -> hostVpp.cli("show memif " + hostEnd.name()).contains("incorrect secret"),
                        () -> hostVpp.cli("show memif") + "\ntestpmd:\n" + impostor.log());
                assertThat(memif(hostVpp).map(Interface::linkUp)).hasValue(false);
            }

            try (Testpmd sender = Testpmd.start(netns, 0, List.of(vdev.split(" ")), "txonly",
                    root.resolve("testpmd.log"))) {
                Interface connected = Await.find("the host's memif connects to testpmd", WAIT,
                        () -> memif(hostVpp).filter(Interface::linkUp),
                        () -> hostVpp.cli("show memif") + "\ntestpmd:\n" + sender.log());
                // The rings are the client's (testpmd's, from eal-args): VPP shows their size only in its CLI, and
                // not the buffer size, which the client keeps to itself.
                Memif negotiated = connected.memif().get();
                assertThat(negotiated.rxQueues()).isEqualTo(1);
                assertThat(negotiated.txQueues()).isEqualTo(1);
                assertThat(RING.matcher(hostVpp.cli("show memif " + connected.name())).results()
                        .map(ring -> Integer.parseInt(ring.group(1))).toList()).containsExactly(RING_SIZE, RING_SIZE);

                long received = Await.find("packets counted on the host's memif", WAIT,
                        () -> Optional.of(VppInterfaceCounters.of(hostVpp.sandbox(), connected.name()).rxPackets())
                                .filter(count -> count > 0),
                        () -> hostVpp.cli("show interface") + "\ntestpmd:\n" + sender.log());
                // VPP counted first, so testpmd's own count, printed each second, reaches at least as far.
                long sent = Await.find("testpmd's count of packets sent reaching VPP's", WAIT,
                        () -> sender.txPackets().filter(count -> count >= received), sender::log);
                System.err.println("testpmd sent " + sent + " packets, the host's VPP had counted " + received);
            }

            CniInvocation.Outcome deleted = plugin.run("DEL", config);
            assertThat(deleted.exitCode()).as(deleted.stdout() + deleted.stderr()).isZero();
            assertThat(memif(hostVpp)).isEmpty();
            assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).as(socket + " is gone").isFalse();
        }
    }

    static Optional<Interface> memif(RealVpp vpp) {
        return vpp.interfaces().stream().filter(iface -> iface.memif().isPresent()).findFirst();
    }
}
