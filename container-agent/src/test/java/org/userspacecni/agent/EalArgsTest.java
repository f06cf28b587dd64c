package org.userspacecni.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.userspacecni.spi.BridgeConfig;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.InterfaceType;
import org.userspacecni.spi.MemifConfig;
import org.userspacecni.spi.MemifMode;
import org.userspacecni.spi.MemifRole;
import org.userspacecni.spi.Side;
import org.userspacecni.spi.VhostConfig;

/**
 * The DPDK arguments for memif attachments (a socket file, the role, and the ring both ends share) and vhost-user
 * ones (the frontend's queue pairs), and the application's queue arguments that match them.
 */
class EalArgsTest {

    static ContainerConfig memif(MemifConfig memif) {
        Side side = new Side("vpp", InterfaceType.MEMIF, Optional.empty(), VhostConfig.EMPTY, memif,
                BridgeConfig.EMPTY, Map.of());
        return new ContainerConfig(ContainerConfig.SCHEMA_VERSION, "c0ffee0123456789", "net1", "memif-net", side,
                Map.of(), "memif-c0ffee012345-net1.sock", "02:00:00:00:00:01", Optional.empty(), Optional.empty());
    }

    @Test
    void aSlaveIsAClientOnTheSocketFileWithTheSharedRing() {
        MemifConfig slave = new MemifConfig(Optional.of(MemifRole.SLAVE), MemifMode.ETHERNET, Optional.empty(),
                Optional.of(2), Optional.of(2048), Optional.of(4096), Optional.of("s3cret"));
        assertThat(EalArgs.of(List.of(memif(slave)), Path.of("/shared"))).containsExactly(
                "--vdev=net_memif0,role=client,id=0,socket=/shared/memif-c0ffee012345-net1.sock,socket-abstract=no,"
                        + "mac=02:00:00:00:00:01,rsize=11,bsize=4096,secret=s3cret");
    }

    @Test
    void aMasterServesTheSocket() {
        MemifConfig master = new MemifConfig(Optional.of(MemifRole.MASTER), MemifMode.ETHERNET, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        assertThat(EalArgs.of(List.of(memif(master)), Path.of("/shared")).get(0)).startsWith(
                "--vdev=net_memif0,role=server,id=0,");
    }

    @Test
    void aModeDpdkLacksIsRefused() {
        MemifConfig ip = new MemifConfig(Optional.of(MemifRole.SLAVE), MemifMode.IP, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        assertThatThrownBy(() -> EalArgs.of(List.of(memif(ip)), Path.of("/shared")))
                .hasMessageContaining("only memif mode ethernet, not ip");
    }

    @Test
    void aVhostUserFrontendAsksForTheQueuePairsAndTheApplicationPollsAsMany() {
        Side side = new Side("ovs-dpdk", InterfaceType.VHOSTUSER, Optional.empty(), new VhostConfig(Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(4)), MemifConfig.EMPTY, BridgeConfig.EMPTY, Map.of());
        ContainerConfig vhost = new ContainerConfig(ContainerConfig.SCHEMA_VERSION, "c0ffee0123456789", "net2",
                "vhost-net", side, Map.of(), "c0ffee012345-net2", "02:00:00:00:00:02", Optional.empty(),
                Optional.empty());
        MemifConfig twoQueues = new MemifConfig(Optional.of(MemifRole.SLAVE), MemifMode.ETHERNET, Optional.empty(),
                Optional.of(2), Optional.empty(), Optional.empty(), Optional.empty());
        assertThat(EalArgs.of(List.of(vhost), Path.of("/shared")).get(0)).contains(",queues=4,");
        assertThat(EalArgs.queueArgs(List.of(memif(twoQueues), vhost))).containsExactly("--", "--rxq=4", "--txq=4");
        assertThat(EalArgs.queueArgs(List.of(memif(twoQueues)))).containsExactly("--", "--rxq=2", "--txq=2");
        assertThat(EalArgs.queueArgs(List.of())).containsExactly("--", "--rxq=1", "--txq=1");
    }
}
