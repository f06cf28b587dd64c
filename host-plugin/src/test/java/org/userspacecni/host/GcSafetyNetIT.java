package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.host.HoldPoints.Step;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.HostState;

/**
 * GC as the safety net, against a private ovsdb-server and the real host-local (which predates GC, so leases
 * are released through its DEL): after healthy attachments (their sockets made as a container's DPDK
 * application makes them) and ADDs SIGKILLed at several steps, with nobody calling DEL, one GC keeping no
 * attachment of the network removes every port, socket, stored configuration, journal entry, device-info file
 * and lease of it, and nothing else: the operator's own bridge and ports, including one the operator put on the
 * plugin's bridge, and another network's attachment survive.
 */
@Tag(DaemonMode.KILLS_PLUGIN_PROCESS)
class GcSafetyNetIT {

    @TempDir
    Path root;
    OvsdbHost host;
    final List<ServerSocketChannel> sockets = new ArrayList<>();

    @BeforeEach
    void start() {
        host = new OvsdbHost(root);
    }

    @AfterEach
    void stop() throws IOException {
        for (ServerSocketChannel socket : sockets) {
            socket.close();
        }
        host.close();
    }

    @Test
    void oneGcRemovesEverythingOfTheNetworkAndNothingElse() throws IOException {
        host.ovs.vsctl("--no-wait", "add-br", "br-op", "--", "add-port", "br-op", "op0");
        HostState operatorOnly = host.state();

        for (String id : List.of("gcok00000001", "gcok00000002", "gcok00000003")) {
            CniInvocation.Outcome added = host.plugin(id).run("ADD", host.config(id));
            assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
            listen(Path.of(added.json().path("interfaces").path(0).path("socketPath").asText()));
        }
        host.ovs.vsctl("--no-wait", "add-port", OvsdbHost.BRIDGE, "op1");
        for (Step step : List.of(Step.JOURNALED, Step.IPAM_LEASED, Step.PORT_ADDED, Step.STORED,
                Step.DEVICE_INFO_WRITTEN)) {
            String id = "gckill" + step.ordinal() + "00000";
            CniInvocation.Running add = host.plugin(id).env(HoldPoints.VARIABLE, step.wireName())
                    .start("ADD", host.config(id));
            add.awaitStderrLine("holding at " + step.wireName(), Duration.ofSeconds(60));
            add.kill();
        }
        CniInvocation.Outcome other = host.plugin("gcother00001").run("ADD",
                host.config("other-net", "host-local", "gcother00001"));
        assertThat(other.exitCode()).as(other.stdout() + other.stderr()).isZero();
        HostState operatorAndOther = host.state();
        assertThat(host.ipam.leases()).hasSize(3 + 4 + 1);

        CniInvocation.Outcome gc = host.plugin("unused").run("GC", host.gcConfig("rel-net"));
        assertThat(gc.exitCode()).as(gc.stdout() + gc.stderr()).isZero();

        assertThat(host.ports()).containsExactlyInAnyOrder("op1", "gcother00001-net1");
        assertThat(host.ovs.vsctl("list-ports", "br-op").strip()).isEqualTo("op0");
        assertThat(host.ipam.leases()).hasSize(1);
        assertThat(host.state().files().get(host.dataDir())).containsExactlyInAnyOrder(
                "gcother00001/net1.json", AttachmentJournal.DIRECTORY + "/"
                        + AttachmentJournal.fileName("other-net", new AttachmentId("gcother00001", "net1")));
        assertThat(host.state().files().get(host.sharedDir())).isEmpty();
        assertThat(host.state().files().get(host.deviceInfoDir())).containsExactly("gcother00001.json");

        CniInvocation.Outcome deleted = host.plugin("gcother00001").run("DEL",
                host.config("other-net", "host-local", "gcother00001"));
        assertThat(deleted.exitCode()).isZero();
        HostState after = host.state();
        assertThat(after.files()).isEqualTo(operatorOnly.files());
        assertThat(after.leases()).isEmpty();
        assertThat(host.ports()).containsExactly("op1");
        assertThat(operatorAndOther.bridges()).contains("br-op", OvsdbHost.BRIDGE);
    }

    /** The socket a container's DPDK application makes at {@code path} in vhost-user client mode. */
    private void listen(Path path) throws IOException {
        ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        socket.bind(UnixDomainSocketAddress.of(path));
        sockets.add(socket);
    }
}
