package org.userspacecni.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.backend.vpp.sim.VppSimulator;
import org.userspacecni.backend.vpp.sim.VppSimulator.Interface;
import org.userspacecni.backend.vpp.sim.VppSimulator.Memif;
import org.userspacecni.backend.vpp.sim.VppSimulator.MemifMode;
import org.userspacecni.backend.vpp.sim.VppSimulator.MemifRole;
import org.userspacecni.backend.vpp.sim.VppSimulator.MemifSocket;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.DpdkRuntime;
import org.userspacecni.testkit.HostLocalIpam;
import org.userspacecni.testkit.NetworkNamespace;
import org.userspacecni.testkit.OvsSandbox;

/**
 * The memif data path between two real DPDK {@code net_memif} endpoints, each on exactly what the
 * configurations compute: the plugin ADDs a memif attachment with its own ring (size, buffer size, secret)
 * to a host VPP (simulated: VPP does not run here); the host's end is read back from that VPP's state
 * (socket file, role, id, ring) and played by a testpmd in {@code rxonly}, the container's end is
 * {@code usrsp-agent eal-args} given to a testpmd in {@code txonly}; packets arrive at the host's end.
 */
class VppMemifDataPathIT {

    static final String NETWORK = "userspace-vpp-memif";
    static final String IF_NAME = "net1";
    static final int RING_SIZE = 512;
    static final int BUFFER_SIZE = 2048;
    static final String SECRET = "usrsp-memif-secret";
    static final Duration WAIT = Duration.ofSeconds(60);
    static final Pattern RX_PACKETS = Pattern.compile("RX-packets:\\s+(\\d+)");

    @TempDir
    Path root;

    @Test
    void testpmdsOnTheHostsAndTheContainersComputedEndsExchangePackets() throws Exception {
        String hugepages = System.getenv(OvsSandbox.HUGEPAGES_VARIABLE);
        assertThat(hugepages != null && Files.isDirectory(Path.of(hugepages)))
                .as(OvsSandbox.HUGEPAGES_VARIABLE + " names a hugetlbfs mount with pages reserved (scripts/test)")
                .isTrue();
        String containerId = UUID.randomUUID().toString().replace("-", "");
        Path shared = root.resolve("shared");
        Path dataDir = root.resolve("data").resolve(containerId);

        String hostVdev;
        String containerVdev;
        Path socket;
        try (VppSimulator hostVpp = VppSimulator.start(root.resolve("host-vpp").resolve("api.sock"));
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

            Interface hostEnd = hostVpp.interfaces().stream().filter(iface -> iface.memif().isPresent()).findFirst()
                    .orElseThrow(() -> new AssertionError("no memif in the host's VPP: " + hostVpp.interfaces()));
            Memif memif = hostEnd.memif().get();
            MemifSocket registered = hostVpp.memifSockets().stream()
                    .filter(candidate -> candidate.socketId() == memif.socketId()).findFirst()
                    .orElseThrow(() -> new AssertionError("no socket " + memif.socketId() + " in the host's VPP"));
            socket = Path.of(registered.filename());
            assertThat(socket).isEqualTo(shared.resolve("memif-" + containerId.substring(0, 12) + "-" + IF_NAME
                    + ".sock"));
            assertThat(memif.mode()).as("DPDK's memif speaks only ethernet").isEqualTo(MemifMode.ETHERNET);
            assertThat(memif.role()).isEqualTo(MemifRole.MASTER);
            hostVdev = dpdkVdev(memif, socket);

            AgentProcess.Outcome eal = AgentProcess.run("--data-dir", dataDir.toString(), "--shared-dir",
                    shared.toString(), "eal-args");
            assertThat(eal.exitCode()).as(eal.stderr()).isZero();
            containerVdev = eal.stdout().strip();
            assertThat(containerVdev).startsWith("--vdev=net_memif0,role=client,id=0,socket=" + socket
                    + ",socket-abstract=no,mac=");

            // DEL, so that the simulator, which only pretends to serve memif, lets the socket file go.
            CniInvocation.Outcome deleted = plugin.run("DEL", config);
            assertThat(deleted.exitCode()).as(deleted.stdout() + deleted.stderr()).isZero();
            assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).as(socket + " is gone").isFalse();
        }

        // Each testpmd has an lcore for its main loop and one that forwards, both on a CPU of its own.
        Path hostLog = root.resolve("testpmd-host.log");
        Path containerLog = root.resolve("testpmd-container.log");
        String hostPrefix = "usrsp-memif-host-" + UUID.randomUUID();
        String containerPrefix = "usrsp-memif-container-" + UUID.randomUUID();
        Process host = null;
        Process container = null;
        try {
            host = testpmd("(0,1)@0", hostPrefix, hugepages, hostVdev, "rxonly", hostLog);
            Process hostProcess = host;
            Await.until("the host's testpmd listens on " + socket, WAIT,
                    () -> isSocket(socket) || !hostProcess.isAlive(), () -> read(hostLog));
            assertThat(host.isAlive()).as("the host's testpmd runs: " + read(hostLog)).isTrue();

            container = testpmd("(0,1)@1", containerPrefix, hugepages, containerVdev, "txonly", containerLog);
            long received = Await.find("packets received by the host's testpmd", WAIT,
                    () -> rxPackets(read(hostLog)).filter(count -> count > 0),
                    () -> "host:\n" + read(hostLog) + "\ncontainer:\n" + read(containerLog));
            assertThat(received).isPositive();
            System.err.println("the host's testpmd received " + received + " packets from the container's");
        } finally {
            stop(container);
            stop(host);
            DpdkRuntime.remove(containerPrefix);
            DpdkRuntime.remove(hostPrefix);
            Files.deleteIfExists(socket);
        }
    }

    /** The host's end as DPDK takes it: a memif master listens, which DPDK calls {@code role=server}. */
    static String dpdkVdev(Memif memif, Path socket) {
        return "--vdev=net_memif0,role=" + (memif.role() == MemifRole.MASTER ? "server" : "client") + ",id="
                + memif.id() + ",socket=" + socket + ",socket-abstract=no,rsize="
                + Integer.numberOfTrailingZeros(memif.ringSize()) + ",bsize=" + memif.bufferSize() + ",secret="
                + memif.secret();
    }

    static Process testpmd(String lcores, String filePrefix, String hugepages, String vdev, String forwardMode,
            Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of("dpdk-testpmd", "--lcores=" + lcores, "--in-memory",
                "--no-pci", "--single-file-segments", "--no-telemetry", "--huge-dir=" + hugepages,
                "--file-prefix=" + filePrefix));
        command.addAll(List.of(vdev.split(" ")));
        command.addAll(List.of("--", "--forward-mode=" + forwardMode, "--stats-period=1", "--total-num-mbufs=4096"));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** The largest RX-packets count testpmd printed so far. */
    static Optional<Long> rxPackets(String log) {
        Matcher matcher = RX_PACKETS.matcher(log);
        Optional<Long> largest = Optional.empty();
        while (matcher.find()) {
            long count = Long.parseLong(matcher.group(1));
            largest = Optional.of(Math.max(count, largest.orElse(0L)));
        }
        return largest;
    }

    /** SIGINT to the pid, as to testpmd at a terminal, so it closes its ports; then waits for it. */
    static void stop(Process testpmd) throws IOException, InterruptedException {
        if (testpmd == null || !testpmd.isAlive()) {
            return;
        }
        new ProcessBuilder("kill", "-INT", Long.toString(testpmd.pid())).inheritIO().start().waitFor();
        if (!testpmd.waitFor(30, TimeUnit.SECONDS)) {
            testpmd.destroyForcibly();
            testpmd.waitFor(30, TimeUnit.SECONDS);
        }
    }

    static boolean isSocket(Path path) {
        return VppContainerSideIT.isSocket(path);
    }

    static String read(Path log) {
        try {
            // testpmd's screen output: ASCII with terminal escapes, read byte for byte
            return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
