package org.userspacecni.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The container's end an engine derives by default, as the original plugin did: the host's engine and type with the
 * vhost mode and memif role turned around and the host's ring, the container section winning where it names a
 * setting, and bridge and options from the container section only.
 */
class ContainerEndTest {

    private static final HostSide DEFAULT = new HostSide() {
        @Override
        public HostPort add(Attachment attachment) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void delete(Attachment attachment) {
        }

        @Override
        public void check(Attachment attachment) {
        }

        @Override
        public void gc(Network network, Sockets sockets, Set<AttachmentId> valid) {
        }

        @Override
        public DatapathStatus status(Network network) {
            return DatapathStatus.up();
        }
    };

    @Test
    void theHostsVhostModeIsTurnedAroundAndItsBridgeAndOptionsStayOnTheHost() {
        Side host = new Side("ovs-dpdk", InterfaceType.VHOSTUSER, Optional.empty(),
                new VhostConfig(Optional.of(VhostMode.CLIENT), Optional.of("hugetlbfs"), Optional.empty()),
                MemifConfig.EMPTY, new BridgeConfig(Optional.of("br-host"), Optional.empty(), Optional.empty()),
                Map.of("ovsdbSocket", "/run/host.sock"));

        Side end = DEFAULT.containerEnd(new Network("n", host, Optional.empty(), Optional.empty()));

        assertThat(end.engine()).isEqualTo("ovs-dpdk");
        assertThat(end.iftype()).isEqualTo(InterfaceType.VHOSTUSER);
        assertThat(end.vhost().mode()).contains(VhostMode.SERVER);
        assertThat(end.vhost().group()).contains("hugetlbfs");
        assertThat(end.bridge()).isEqualTo(BridgeConfig.EMPTY);
        assertThat(end.options()).isEmpty();
        assertThat(end.memif().role()).isEmpty();
    }

    @Test
    void aMemifMasterOnTheHostMakesASlaveThatSharesItsRingUnlessTheSectionSays() {
        Side host = new Side("vpp", InterfaceType.MEMIF, Optional.empty(), VhostConfig.EMPTY,
                new MemifConfig(Optional.empty(), MemifConfig.DEFAULT_MODE, Optional.empty(), Optional.of(2),
                        Optional.of(1024), Optional.empty(), Optional.of("s3cret")), BridgeConfig.EMPTY, Map.of());
        Side section = new Side("vpp", InterfaceType.MEMIF, Optional.of(NetType.INTERFACE), VhostConfig.EMPTY,
                new MemifConfig(Optional.empty(), MemifConfig.DEFAULT_MODE, Optional.empty(), Optional.empty(),
                        Optional.of(2048), Optional.empty(), Optional.empty()), BridgeConfig.EMPTY,
                Map.of("apiSocket", "/run/vpp/api.sock"));

        Side end = DEFAULT.containerEnd(new Network("n", host, Optional.of(section), Optional.empty()));

        assertThat(end.memif().role()).contains(MemifConfig.DEFAULT_ROLE.opposite());
        assertThat(end.memif().queues()).contains(2);
        assertThat(end.memif().ringSize()).contains(2048);
        assertThat(end.memif().secret()).contains("s3cret");
        assertThat(end.netType()).contains(NetType.INTERFACE);
        assertThat(end.options()).containsEntry("apiSocket", "/run/vpp/api.sock");
    }
}
