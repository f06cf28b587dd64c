package com.example.vhosttap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.spi.Attachment;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.BridgeConfig;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.DatapathBackend;
import org.userspacecni.spi.HostPort;
import org.userspacecni.spi.InterfaceType;
import org.userspacecni.spi.MemifConfig;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.Network;
import org.userspacecni.spi.Side;
import org.userspacecni.spi.VhostConfig;
import org.userspacecni.testkit.NetworkNamespace;
import org.userspacecni.testkit.PlacedSockets;

/**
 * The data plane end to end: a "container" (a network namespace) runs DPDK testpmd in txonly mode with the
 * EAL arguments the container side wrote, a virtio-user client on the attachment's socket; its packets cross
 * the host's forwarder and arrive on the host's TAP device. DEL then leaves nothing of the forwarder.
 */
@Timeout(120)
class TapDataPlaneIT {

    private static final String NETWORK = "vt-dataplane";
    private static final String APP_PREFIX = "vtapp-dataplane";

    @Test
    void packetsTheContainersApplicationSendsArriveOnTheHostsTapAndDelLeavesNothing(@TempDir Path root)
            throws Exception {
        Path state = root.resolve("state");
        Path ealDir = Files.createDirectories(root.resolve("eal"));
        try (Hugepages hugepages = Hugepages.mount(root.resolve("huge"));
                NetworkNamespace netns = NetworkNamespace.create();
                DatapathBackend backend = Engine.backend(Map.of(EalArgsFiles.EAL_DIR.variable().orElseThrow(), ealDir.toString()))) {
            NetConf net = Engine.network(NETWORK, root.resolve("shared"), Engine.hostSection(hugepages.dir(), state,
                    ",\"vhost\":{\"mode\":\"server\"}"));
            Attachment attachment = new Attachment(new AttachmentId("da7a91a4e" + "0".repeat(55), "net1"),
                    Optional.of(netns.path().toString()), Network.of(net), "02:00:00:00:da:01",
                    PlacedSockets.in(net.sharedDirPath()));
            HostPort port = backend.host().add(attachment);
            Path socket = Path.of(port.socketPath());
            Side container = new Side(VhostTapBackendProvider.ENGINE, InterfaceType.VHOSTUSER, Optional.empty(),
                    VhostConfig.EMPTY, MemifConfig.EMPTY, BridgeConfig.EMPTY, Map.of());
            ContainerConfig config = new ContainerConfig(ContainerConfig.SCHEMA_VERSION,
                    attachment.id().containerId(), "net1", NETWORK, container, Map.of(),
                    socket.getFileName().toString(), attachment.mac(), Optional.empty(), Optional.empty());
            backend.container().apply(config, socket);
            assertThat(backend.container().linkState(config)).isEqualTo("up");

            Process app = application(netns, hugepages, Files.readAllLines(ealDir.resolve(NETWORK).resolve("net1.args")),
                    root.resolve("app.log"));
            try {
                assertThat(awaitRxPackets(port.name())).as("packets received on the TAP device " + port.name()
                        + "; the application's log: " + root.resolve("app.log")).isPositive();
            } finally {
                app.destroy();
                assertThat(app.waitFor(30, TimeUnit.SECONDS)).as("the application ends on SIGTERM").isTrue();
                removeApplicationFiles(hugepages);
            }

            backend.container().remove(config);
            backend.host().delete(attachment);

            assertThat(hugepages.processes()).as("forwarders left").isEmpty();
            assertThat(Path.of("/sys/class/net", port.name())).doesNotExist();
            assertThat(socket).doesNotExist();
            assertThat(state.resolve(NETWORK)).doesNotExist();
            assertThat(hugepages.files()).as("hugepage files left").isEmpty();
            assertThat(Forwarder.DPDK_RUNTIME_DIR.resolve(port.name())).doesNotExist();
            assertThat(ealDir.resolve(NETWORK)).doesNotExist();
        }
    }

    /** testpmd as a container's DPDK application would run it: the written arguments, sending all it can. */
    private static Process application(NetworkNamespace netns, Hugepages hugepages, List<String> eal, Path log)
            throws IOException {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", netns.name(),
                HostSettings.DEFAULT_TESTPMD.toString(), "--file-prefix=" + APP_PREFIX,
                "--huge-dir=" + hugepages.dir(), "--single-file-segments", "--socket-limit=64", "--no-pci",
                "--no-telemetry", "--lcores=(0,1)@(0-1)"));
        command.addAll(eal);
        command.addAll(List.of("--", "--forward-mode=txonly", "--nb-cores=1", "--total-num-mbufs=2048",
                "--disable-link-check", "--stats-period=86400"));
        return new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(log.toFile()).redirectErrorStream(true).start();
    }

    /** The TAP device's received packets, once there are some or 30 s have passed. */
    private static long awaitRxPackets(String tap) throws IOException, InterruptedException {
        Path counter = Path.of("/sys/class/net", tap, "statistics", "rx_packets");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long received = 0;
        while (received == 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            received = Long.parseLong(Files.readString(counter).strip());
        }
        return received;
    }

    /** The application's own hugepage files and DPDK runtime directory, which --single-file-segments keeps. */
    private static void removeApplicationFiles(Hugepages hugepages) throws IOException {
        for (Path file : hugepages.files()) {
            if (file.getFileName().toString().startsWith(APP_PREFIX + "map_")) {
                Files.delete(file);
            }
        }
        Path runtime = Forwarder.DPDK_RUNTIME_DIR.resolve(APP_PREFIX);
        if (Files.isDirectory(runtime)) {
            try (var files = Files.list(runtime)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(runtime);
        }
    }
}
