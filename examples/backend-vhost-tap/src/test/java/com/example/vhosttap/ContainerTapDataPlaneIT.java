package com.example.vhosttap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.spi.Attachment;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.BridgeConfig;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.DatapathBackend;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.HostPort;
import org.userspacecni.spi.MemifConfig;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.Network;
import org.userspacecni.spi.Side;
import org.userspacecni.spi.VhostConfig;
import org.userspacecni.testkit.NetworkNamespace;
import org.userspacecni.testkit.PlacedSockets;

/**
 * The engine's own interface type, {@code tap}, end to end: ADD moves a marked TAP device into the container's
 * network namespace (no socket); the container's DPDK application, testpmd with the EAL arguments the container
 * side writes (DPDK's {@code net_tap} on that device), answers ARP and ICMP echo, and the container's kernel
 * pings it through the device. CHECK passes, then names the missing device; DEL leaves nothing. GC and DEL remove
 * only devices marked as their attachments'.
 */
@Timeout(120)
class ContainerTapDataPlaneIT {

    private static final String NETWORK = "vt-container-tap";
    private static final String APP_PREFIX = "vtapp-container-tap";

    @Test
    void theContainersKernelPingsItsDpdkApplicationThroughTheTapDeviceAndDelLeavesNothing(@TempDir Path root)
            throws Exception {
        Path ealDir = Files.createDirectories(root.resolve("eal"));
        try (NetworkNamespace netns = NetworkNamespace.create();
                DatapathBackend backend = Engine.backend(Map.of(EalArgsFiles.EAL_DIR.variable().orElseThrow(), ealDir.toString()))) {
            NetConf net = Engine.network(NETWORK, root.resolve("shared"), Engine.tapSection(""));
            Attachment attachment = new Attachment(new AttachmentId("7a9c0417e" + "0".repeat(55), "net1"),
                    Optional.of(netns.path().toString()), Network.of(net), "02:00:00:00:7a:01",
                    PlacedSockets.in(net.sharedDirPath()));
            HostPort port = backend.host().add(attachment);
            assertThat(port.hasSocket()).as("a tap port has no socket").isFalse();
            assertThat(backend.host().add(attachment)).as("a second ADD returns the same port").isEqualTo(port);
            assertThat(Path.of("/sys/class/net", port.name())).as("the TAP device left the host's namespace")
                    .doesNotExist();
            assertThat(ContainerTaps.devices(Optional.of(netns.path().toString())).get(port.name()))
                    .isEqualTo(ContainerTaps.mark(NETWORK, attachment.id()));
            assertThatCode(() -> backend.host().check(attachment)).doesNotThrowAnyException();

            Side container = new Side(VhostTapBackendProvider.ENGINE, ContainerTaps.TAP, Optional.empty(),
                    VhostConfig.EMPTY, MemifConfig.EMPTY, BridgeConfig.EMPTY, Map.of());
            ContainerConfig config = new ContainerConfig(ContainerConfig.SCHEMA_VERSION,
                    attachment.id().containerId(), "net1", NETWORK, container, Map.of(), "", attachment.mac(),
                    Optional.empty(), Optional.empty());
            List<String> eal = List.of(EalArgsFiles.vdev(config, root.resolve("shared")));
            assertThat(eal).containsExactly("--vdev=net_tap_net1,iface=" + port.name());

            ip(netns, "addr", "add", "10.77.0.1/24", "dev", port.name());
            ip(netns, "link", "set", "dev", port.name(), "up");
            Process app = application(netns, eal, root.resolve("app.log"));
            try {
                assertThat(awaitPing(netns, "10.77.0.2")).as("the container's kernel pings testpmd through "
                        + port.name() + "; the application's log: " + root.resolve("app.log")).isTrue();
            } finally {
                app.destroy();
                assertThat(app.waitFor(30, TimeUnit.SECONDS)).as("the application ends on SIGTERM").isTrue();
                removeRuntimeDir();
            }

            backend.host().delete(attachment);
            assertThat(ContainerTaps.devices(Optional.of(netns.path().toString()))).doesNotContainKey(port.name());
            CniException differs = catchThrowableOfType(CniException.class, () -> backend.host().check(attachment));
            assertThat(differs.code()).isEqualTo(ErrorCode.ATTACHMENT_DIFFERS.code());
            assertThat(differs.getMessage()).contains(port.name());
            assertThatCode(() -> backend.host().delete(attachment)).as("DEL of what is gone")
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void aBridgeIsRefusedWithTwoBeforeAnythingIsMade(@TempDir Path root) {
        try (NetworkNamespace netns = NetworkNamespace.create(); DatapathBackend backend = Engine.backend(Map.of())) {
            NetConf net = Engine.network(NETWORK, root.resolve("shared"),
                    Engine.tapSection(",\"bridge\":{\"bridgeName\":\"br-x\"}"));
            Attachment attachment = new Attachment(new AttachmentId("7a9c0417f" + "0".repeat(55), "net1"),
                    Optional.of(netns.path().toString()), Network.of(net), "02:00:00:00:7a:02",
                    PlacedSockets.in(net.sharedDirPath()));
            CniException refused = catchThrowableOfType(CniException.class, () -> backend.host().add(attachment));
            assertThat(refused.code()).isEqualTo(ErrorCode.UNSUPPORTED_FIELD.code());
            assertThat(Path.of("/sys/class/net", ContainerTaps.name(attachment))).doesNotExist();
            assertThat(ContainerTaps.devices(Optional.of(netns.path().toString())))
                    .doesNotContainKey(ContainerTaps.name(attachment));
        }
    }

    @Test
    void gcRemovesOnlyTheNetworksInvalidMarkedDevicesAndDelOnlyItsOwn(@TempDir Path root) {
        // Devices "moved" into this process's namespace stay in the host's: what an ADD that failed before the
        // move leaves, which GC is for.
        try (DatapathBackend backend = Engine.backend(Map.of())) {
            NetConf net = Engine.network(NETWORK + "-gc", root.resolve("shared"), Engine.tapSection(""));
            NetConf other = Engine.network(NETWORK + "-other", root.resolve("shared"), Engine.tapSection(""));
            Attachment kept = hostNamespaced(net, "7a9c0417a" + "0".repeat(55));
            Attachment collected = hostNamespaced(net, "7a9c0417a" + "0".repeat(54) + "1");
            Attachment othersOwn = hostNamespaced(other, "7a9c0417a" + "0".repeat(55));
            String operators = "vtoperator0";
            TapDevice.run(List.of("ip", "tuntap", "add", "dev", operators, "mode", "tap"));
            try {
                String keptTap = backend.host().add(kept).name();
                String collectedTap = backend.host().add(collected).name();
                String othersTap = backend.host().add(othersOwn).name();

                backend.host().delete(hostNamespaced(net, "7a9c0417a" + "0".repeat(54) + "2"));
                backend.host().gc(Network.of(net), PlacedSockets.in(net.sharedDirPath()), Set.of(kept.id()));

                Map<String, String> devices = ContainerTaps.devices(Optional.empty());
                assertThat(devices).containsKeys(keptTap, othersTap, operators).doesNotContainKey(collectedTap);
                backend.host().delete(kept);
                backend.host().delete(othersOwn);
                assertThat(ContainerTaps.devices(Optional.empty())).doesNotContainKeys(keptTap, othersTap)
                        .containsKey(operators);
            } finally {
                TapDevice.run(List.of("ip", "link", "del", "dev", operators));
            }
        }
    }

    private static Attachment hostNamespaced(NetConf net, String containerId) {
        return new Attachment(new AttachmentId(containerId, "net1"), Optional.of("/proc/self/ns/net"), Network.of(net),
                "02:00:00:00:7a:03", PlacedSockets.in(net.sharedDirPath()));
    }

    /** testpmd as the container's DPDK application would run it, answering ARP and ICMP echo requests. */
    private static Process application(NetworkNamespace netns, List<String> eal, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", netns.name(),
                HostSettings.DEFAULT_TESTPMD.toString(), "--file-prefix=" + APP_PREFIX, "--no-huge", "-m", "512",
                "--no-pci", "--no-telemetry", "--lcores=(0,1)@(0-1)"));
        command.addAll(eal);
        command.addAll(List.of("--", "--forward-mode=icmpecho", "--nb-cores=1", "--total-num-mbufs=2048",
                "--stats-period=86400"));
        return new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(log.toFile()).redirectErrorStream(true).start();
    }

    /** Whether a ping from the namespace is answered before 30 s pass (testpmd takes a while to start). */
    private static boolean awaitPing(NetworkNamespace netns, String address) throws IOException,
            InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Process ping = new ProcessBuilder("ip", "netns", "exec", netns.name(), "ping", "-c", "1", "-W", "1",
                    address).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (ping.waitFor() == 0) {
                return true;
            }
        }
        return false;
    }

    private static void ip(NetworkNamespace netns, String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "-n", netns.name()));
        command.addAll(List.of(args));
        TapDevice.run(command);
    }

    /** The application's DPDK runtime directory. */
    private static void removeRuntimeDir() throws IOException {
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
