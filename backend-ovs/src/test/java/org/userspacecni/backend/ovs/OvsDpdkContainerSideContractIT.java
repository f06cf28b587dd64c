package org.userspacecni.backend.ovs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.DatapathBackend;
import org.userspacecni.testkit.OvsSandbox;
import org.userspacecni.testkit.tck.ContainerDatapath;
import org.userspacecni.testkit.tck.ContainerSideContract;

/**
 * The backend TCK's container-side contract: the container's own OVS-DPDK (its own database, file prefix and
 * network namespace) joined by virtio-user to a host OVS-DPDK's {@code dpdkvhostuserclient} port, both on the
 * hugepages scripts/test reserved. "Unreachable" is the container's ovsdb-server stopped.
 */
class OvsDpdkContainerSideContractIT extends ContainerSideContract {

    private OvsDatapaths switches;

    @Override
    protected ContainerDatapath start(Path root) {
        OvsSandbox host = OvsSandbox.start(root.resolve("host"));
        OvsSandbox container = null;
        try {
            host.startVswitchd("usrsp-tck-h");
            container = OvsSandbox.start(root.resolve("container"));
            container.startVswitchd("usrsp-tck-c", "--single-file-segments");
        } catch (RuntimeException e) {
            try (OvsSandbox started = container; OvsSandbox hostOvs = host) {
                throw e;
            }
        }
        switches = new OvsDatapaths(host, container);
        return switches;
    }

    @Test
    void aSecondApplyKeepsTheJoinedPortAndItsSocket() {
        ContainerConfig config = config();
        switches.openHostEnd(config.name(), config.id(), socket(config));
        try (DatapathBackend backend = backend()) {
            backend.container().apply(config, socket(config));
            String joined = switches.container().vsctl("get", "Interface", config.ifName(), "_uuid");
            Object listening = socketInode(socket(config));

            backend.container().apply(config, socket(config));

            assertThat(switches.container().vsctl("get", "Interface", config.ifName(), "_uuid")).isEqualTo(joined);
            assertThat(socketInode(socket(config))).as("the frontend's socket").isEqualTo(listening);
            assertThat(backend.container().linkState(config)).isEqualTo("up");
            backend.container().remove(config);
        } finally {
            switches.closeHostEnd(config.name(), config.id());
        }
    }

    /**
     * The replacement removes this attachment's old port only: a live neighbour of another network with the same
     * 12-character container id prefix, on the same bridge, keeps its port, its socket and its link.
     */
    @Test
    void anApplyWithOtherArgumentsReplacesThePortAndComesUpAndLeavesTheNeighbour() {
        ContainerConfig config = config();
        ContainerConfig larger = new ContainerConfig(config.schemaVersion(), config.containerId(), config.ifName(),
                config.name(), config.config(), config.ipResult(), config.socket(), config.mac(), Optional.of(2000),
                config.vlan());
        String prefix = config.containerId().substring(0, 12);
        ContainerConfig neighbour = new ContainerConfig(config.schemaVersion(), prefix + "f".repeat(52), "net2",
                config.name() + "-other", config.config(), config.ipResult(), prefix + "-net2", "02:00:00:ff:00:02",
                Optional.empty(), Optional.empty());
        switches.openHostEnd(config.name(), config.id(), socket(config));
        switches.openHostEnd(neighbour.name(), neighbour.id(), socket(neighbour));
        try (DatapathBackend backend = backend()) {
            backend.container().apply(neighbour, socket(neighbour));
            backend.container().apply(config, socket(config));
            String neighbourPort = switches.container().vsctl("get", "Interface", neighbour.ifName(), "_uuid");
            Object neighbourSocket = socketInode(socket(neighbour));

            backend.container().apply(larger, socket(config));

            assertThat(switches.container().vsctl("get", "Interface", config.ifName(), "mtu_request").strip())
                    .isEqualTo("2000");
            assertThat(backend.container().linkState(larger)).isEqualTo("up");
            assertThat(switches.applied(config.name())).isEqualTo(1);
            assertThat(switches.container().vsctl("get", "Interface", neighbour.ifName(), "_uuid"))
                    .as("the neighbour's port").isEqualTo(neighbourPort);
            assertThat(socketInode(socket(neighbour))).as("the neighbour's socket").isEqualTo(neighbourSocket);
            assertThat(backend.container().linkState(neighbour)).isEqualTo("up");
            assertThat(switches.applied(neighbour.name())).isEqualTo(1);
            backend.container().remove(larger);
            backend.container().remove(neighbour);
        } finally {
            switches.closeHostEnd(config.name(), config.id());
            switches.closeHostEnd(neighbour.name(), neighbour.id());
        }
    }

    private static Object socketInode(Path socket) {
        try {
            return Files.readAttributes(socket, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The host's switch, where the host ends are, and the container's, which the contract checks. */
    private record OvsDatapaths(OvsSandbox host, OvsSandbox container) implements ContainerDatapath {

        @Override
        public String containerSection() {
            // The host's port is a vhost-user client, so the container's frontend serves the socket.
            return "{\"engine\":\"ovs-dpdk\",\"iftype\":\"vhostuser\",\"vhost\":{\"mode\":\"server\"},"
                    + "\"options\":{\"ovsdbSocket\":\"" + container.dbSocket() + "\"}}";
        }

        @Override
        public Map<String, String> environment() {
            return Map.of("USERSPACE_CNI_OVSDB_SOCKET", container.dbSocket().toString());
        }

        @Override
        public void openHostEnd(String network, AttachmentId id, Path socket) {
            String port = portName(id);
            host.vsctl("--may-exist", "add-br", "br-host", "--", "set", "Bridge", "br-host", "datapath_type=netdev",
                    "--", "add-port", "br-host", port, "--", "set", "Interface", port, "type=dpdkvhostuserclient",
                    "options:vhost-server-path=" + socket);
        }

        @Override
        public void closeHostEnd(String network, AttachmentId id) {
            host.vsctl("--if-exists", "del-port", "br-host", portName(id));
        }

        private static String portName(AttachmentId id) {
            return id.shortContainerId() + "-" + id.ifName();
        }

        @Override
        public int applied(String network) {
            return OvsdbMarks.interfaces(container, network);
        }

        @Override
        public boolean holds(String network, AttachmentId id) {
            return OvsdbMarks.holds(container, network, id);
        }

        @Override
        public void stop() {
            container.stopDatabase(false);
        }

        @Override
        public void restart() {
            container.startDatabase();
        }

        @Override
        public void close() {
            try (OvsSandbox hostOvs = host; OvsSandbox containerOvs = container) {
                // Closes both, even when one fails to.
            }
        }
    }
}
