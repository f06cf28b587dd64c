package org.userspacecni.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userspacecni.agent.InProcessAgent.agent;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.spi.BridgeConfig;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.InterfaceType;
import org.userspacecni.spi.MemifConfig;
import org.userspacecni.spi.Side;
import org.userspacecni.spi.VhostConfig;
import org.userspacecni.spi.VhostMode;

/**
 * Under Kubernetes the commands read the attachments from the pod's annotations ({@code --podinfo}, a Downward
 * API volume's file) and find the sockets in the pod's {@code userspace/mapped-dir} unless {@code --shared-dir}
 * says otherwise.
 */
class PodAnnotationsCommandsTest {

    static final String CONTAINER_ID = "0123456789abcdef";

    @TempDir
    Path dir;
    PodInfoVolume podinfo;
    Path mapped;

    static ContainerConfig vhostUser(String ifName, VhostMode mode, String mac) {
        Side side = new Side("ovs-dpdk", InterfaceType.VHOSTUSER, Optional.empty(),
                new VhostConfig(Optional.of(mode), Optional.empty(), Optional.of("0123456789ab-" + ifName)),
                MemifConfig.EMPTY, BridgeConfig.EMPTY, Map.of());
        return new ContainerConfig(ContainerConfig.SCHEMA_VERSION, CONTAINER_ID, ifName, "userspace-net", side,
                Map.of(), "0123456789ab-" + ifName, mac, Optional.empty(), Optional.empty());
    }

    @BeforeEach
    void projectTwoAttachments() throws Exception {
        mapped = Files.createDirectories(dir.resolve("usrspcni"));
        podinfo = new PodInfoVolume(dir.resolve("podinfo"));
        podinfo.project(Optional.of(mapped), vhostUser("net1", VhostMode.SERVER, "02:00:00:00:00:01"),
                vhostUser("net2", VhostMode.CLIENT, "02:00:00:00:00:02"));
    }

    @Test
    void ealArgsPointAtTheSocketsInTheMappedDirectory() {
        InProcessAgent.Outcome eal = agent("--podinfo", podinfo.file().toString(), "eal-args", "--vdevs-only");
        assertThat(eal.exitCode()).as(eal.stderr()).isZero();
        assertThat(eal.stdout().strip()).isEqualTo("--vdev=net_virtio_user0,path=" + mapped.resolve("0123456789ab-net1")
                + ",server=1,queues=1,queue_size=1024,mac=02:00:00:00:00:01 --vdev=net_virtio_user1,path="
                + mapped.resolve("0123456789ab-net2") + ",server=0,queues=1,queue_size=1024,mac=02:00:00:00:00:02");
    }

    @Test
    void anExplicitSharedDirectoryWinsOverTheMappedOne() {
        InProcessAgent.Outcome eal = agent("--podinfo", podinfo.file().toString(), "--shared-dir", "/sockets", "eal-args",
                "--vdevs-only");
        assertThat(eal.stdout()).contains("path=/sockets/0123456789ab-net1,")
                .contains("path=/sockets/0123456789ab-net2,");
    }

    @Test
    void statusSocketsLooksInTheMappedDirectory() throws Exception {
        try (ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            socket.bind(UnixDomainSocketAddress.of(mapped.resolve("0123456789ab-net1")));
            InProcessAgent.Outcome status = agent("--podinfo", podinfo.file().toString(), "status", "--sockets");
            assertThat(status.stdout()).containsPattern("(?m)^\\S+ +net1 +ovs-dpdk +up +0123456789ab-net1$")
                    .containsPattern("(?m)^\\S+ +net2 +ovs-dpdk +absent +0123456789ab-net2$")
                    .contains("2 attachments, 1 up, 0 down, 1 absent, 0 unknown");
            assertThat(status.exitCode()).isEqualTo(1);
        }
    }

    @Test
    void withoutTheAnnotationThereIsNothingToAttach() {
        podinfo.project(Optional.empty());
        InProcessAgent.Outcome eal = agent("--podinfo", podinfo.file().toString(), "eal-args", "--vdevs-only");
        assertThat(eal.exitCode()).isZero();
        assertThat(eal.stdout()).isEqualTo("\n");
    }

    @Test
    void aMalformedAnnotationsFileIsNamedWithItsLine() {
        podinfo.write("kubernetes.io/config.seen=\"2025-03-14T09:26:53Z\"\nuserspace/mapped-dir=/var/lib/cni/usrspcni");
        InProcessAgent.Outcome status = agent("--podinfo", podinfo.file().toString(), "status", "--sockets");
        assertThat(status.exitCode()).isEqualTo(1);
        assertThat(status.stderr()).contains(podinfo.file() + " line 2: the value of 'userspace/mapped-dir' does not"
                + " start with a double quote");
    }

    @Test
    void aDataDirectoryAndPodAnnotationsAreTwoStoresToChooseFrom() {
        InProcessAgent.Outcome both = agent("--podinfo", podinfo.file().toString(), "--data-dir", dir.toString(), "eal-args");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.stderr()).contains("--data-dir and --podinfo name two different config stores; give one");
    }

    @Test
    void withoutOptionsTheAnnotationsFileIsUsedWhenItHoldsTheAttachments() throws Exception {
        Path dataDir = dir.resolve("data");
        assertThat(chosen(List.of(), dataDir).podAnnotations()).isPresent();
        assertThat(chosen(List.of(), dataDir).sharedDir()).isEqualTo(mapped);
        assertThat(chosen(List.of("--data-dir", dataDir.toString()), dataDir).podAnnotations()).isEmpty();

        // Not projected yet: only where there is no data directory to read instead.
        podinfo.project(Optional.empty());
        assertThat(chosen(List.of(), dataDir).podAnnotations()).isPresent();
        assertThat(chosen(List.of(), dataDir).sharedDir()).isEqualTo(AgentOptions.DEFAULT_SHARED_DIR);
        Files.createDirectories(dataDir);
        assertThat(chosen(List.of(), dataDir).podAnnotations()).isEmpty();
        assertThat(chosen(List.of(), dataDir).location()).isEqualTo(dataDir);
    }

    AttachmentSource chosen(List<String> options, Path defaultDataDir) {
        List<String> args = new ArrayList<>(options);
        args.add("status");
        return AttachmentSource.of(AgentOptions.parse(args), podinfo.file(), defaultDataDir,
                new org.userspacecni.core.CniLog("test", System.err));
    }
}
