package org.userspacecni.backend.vpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.backend.vpp.real.RealVpp;
import org.userspacecni.backend.vpp.sim.VppSimulator.BridgeDomain;
import org.userspacecni.backend.vpp.sim.VppSimulator.Interface;
import org.userspacecni.backend.vpp.sim.VppSimulator.L2Mode;
import org.userspacecni.spi.Attachment;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.BridgeConfig;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.DatapathBackend;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.HostPort;
import org.userspacecni.spi.InterfaceType;
import org.userspacecni.spi.LogLevel;
import org.userspacecni.spi.MemifConfig;
import org.userspacecni.spi.MemifRole;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.NetType;
import org.userspacecni.spi.Network;
import org.userspacecni.spi.Side;
import org.userspacecni.spi.SocketFile;
import org.userspacecni.spi.VhostConfig;
import org.userspacecni.spi.VhostMode;
import org.userspacecni.testkit.PlacedSockets;

/**
 * A host VPP restarted (VPP keeps nothing) gets each attachment's interface back from {@code restore}: the same
 * name (memif socket id), socket file, tag, admin state, bridge domain (made again with our mark only if it had
 * it when ADD joined it, so an operator's is never deleted by our last DEL) and cross-connect, while a container
 * VPP's memif on the socket reconnects by itself; vhost-user interfaces come back on their sockets, serving them
 * again or connecting again to the container's; what is there is left alone,
 * as are the operator's interface and bridge domain; a socket the operator took meanwhile is refused. The instance
 * the engine reports changes with each start of VPP.
 */
class VppRestoreIT {

    private static final Duration LINK_DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path root;
    RealVpp host;
    RealVpp container;
    DatapathBackend backend;

    @BeforeEach
    void start() {
        host = RealVpp.start(root.resolve("host"));
        container = RealVpp.start(root.resolve("container"));
        BackendContext context = new BackendContext() {
            @Override
            public Optional<String> environment(String name) {
                return Optional.empty();
            }

            @Override
            public System.Logger logger() {
                return System.getLogger("vpp-restore-it");
            }
        };
        backend = new VppBackendProvider().create(context);
    }

    @AfterEach
    void stop() {
        backend.close();
        container.close();
        host.close();
    }

    @Test
    void aRestartedVppGetsEachInterfaceBackAsAddMadeItAndTheContainersEndReconnects() {
        Attachment bridged = attachment("restore-net", "c0ffee0000010000", "net1", bridge(7, Map.of()));
        Attachment other = attachment("restore-net", "c0ffee0000020000", "net1", bridge(7, Map.of()));
        Attachment left = attachment("xc-net", "c0ffee0000030000", "net1", l2(Map.of("xconnect", "net2")));
        Attachment right = attachment("xc-net", "c0ffee0000030000", "net2", l2(Map.of("xconnect", "net1")));
        HostPort bridgedPort = backend.host().add(bridged);
        HostPort otherPort = backend.host().add(other);
        HostPort leftPort = backend.host().add(left);
        HostPort rightPort = backend.host().add(right);
        ContainerConfig containerEnd = containerEnd(bridged, bridgedPort);
        backend.container().apply(containerEnd, Path.of(bridgedPort.socketPath()));
        Interface before = host.findInterface(bridgedPort.name()).orElseThrow();
        assertThat(before.linkUp()).isTrue();

        host.stop();
        host.start();
        assertThat(host.interfaces()).noneMatch(iface -> iface.tag().startsWith(VppTag.PREFIX));

        assertThat(backend.host().restore(bridged, bridgedPort)).isTrue();
        assertThat(backend.host().restore(other, otherPort)).isTrue();
        assertThat(backend.host().restore(left, leftPort)).isTrue();
        assertThat(backend.host().restore(right, rightPort)).isTrue();

        Interface restored = host.findInterface(bridgedPort.name()).orElseThrow();
        assertThat(restored.tag()).isEqualTo(before.tag());
        assertThat(restored.adminUp()).isTrue();
        // Found under its old name, memif<socket id>/0: the socket file is registered under the same id again.
        assertThat(host.memifSockets()).anyMatch(socket -> socket.filename().equals(bridgedPort.socketPath())
                && socket.listening());
        Interface otherRestored = host.findInterface(otherPort.name()).orElseThrow();
        BridgeDomain domain = host.bridgeDomains().stream().filter(bd -> bd.bdId() == 7).findFirst().orElseThrow();
        assertThat(domain.tag()).isEqualTo(VppTag.CREATED_BRIDGE_DOMAIN);
        assertThat(domain.members()).extracting(member -> member.swIfIndex())
                .containsExactlyInAnyOrder(restored.swIfIndex(), otherRestored.swIfIndex());
        Interface leftRestored = host.findInterface(leftPort.name()).orElseThrow();
        Interface rightRestored = host.findInterface(rightPort.name()).orElseThrow();
        assertThat(leftRestored.l2Mode()).isEqualTo(new L2Mode.CrossConnect(rightRestored.swIfIndex()));
        assertThat(rightRestored.l2Mode()).isEqualTo(new L2Mode.CrossConnect(leftRestored.swIfIndex()));
        backend.host().check(bridged);
        backend.host().check(left);

        await(() -> host.findInterface(bridgedPort.name()).orElseThrow().linkUp(), "the host's end of " + bridged.id());
        await(() -> backend.container().linkState(containerEnd).equals("up"), "the container's end of " + bridged.id());
    }

    @Test
    void whatIsThereIsLeftAloneAndNeitherTheOperatorsInterfaceNorBridgeDomainIsTouched() {
        Attachment mine = attachment("keep-net", "c0ffee0000040000", "net1", bridge(9, Map.of()));
        Attachment neighbour = attachment("keep-net", "c0ffee0000050000", "net1", bridge(9, Map.of()));
        HostPort minePort = backend.host().add(mine);
        HostPort neighbourPort = backend.host().add(neighbour);
        host.stop();
        host.start();
        host.cli("create bridge-domain 9");
        host.cli("create vhost-user socket " + root.resolve("operator.sock") + " server");
        Interface operators = host.interfaces().stream().filter(i -> i.name().startsWith("VirtualEthernet"))
                .findFirst().orElseThrow();
        host.cli("set interface l2 bridge " + operators.name() + " 9");
        assertThat(backend.host().restore(neighbour, neighbourPort)).isTrue();
        Interface neighbourBefore = host.findInterface(neighbourPort.name()).orElseThrow();

        assertThat(backend.host().restore(mine, minePort)).isTrue();
        assertThat(backend.host().restore(mine, minePort)).isFalse();
        assertThat(backend.host().restore(neighbour, neighbourPort)).isFalse();

        assertThat(host.findInterface(neighbourPort.name())).contains(neighbourBefore);
        assertThat(host.findInterface(operators.name()).orElseThrow().tag()).isEmpty();
        BridgeDomain domain = host.bridgeDomains().stream().filter(bd -> bd.bdId() == 9).findFirst().orElseThrow();
        assertThat(domain.tag()).isNotEqualTo(VppTag.CREATED_BRIDGE_DOMAIN);
        assertThat(domain.members()).hasSize(3);
    }

    @Test
    void aLostBridgeDomainIsMadeAgainWithOurMarkOnlyIfItHadItSoTheOperatorsOutlivesOurLastDel() {
        host.cli("create bridge-domain 13");
        Attachment inOperators = attachment("bd-net", "c0ffee0000080000", "net1", bridge(13, Map.of()));
        Attachment inOurs = attachment("bd-net", "c0ffee0000090000", "net1", bridge(15, Map.of()));
        Attachment joinedOurs = attachment("bd-net", "c0ffee00000a0000", "net1", bridge(15, Map.of()));
        Attachment recordedBefore = attachment("bd-net", "c0ffee00000b0000", "net1", bridge(17, Map.of()));
        HostPort operatorsPort = backend.host().add(inOperators);
        HostPort oursPort = backend.host().add(inOurs);
        HostPort joinedPort = backend.host().add(joinedOurs);
        HostPort recordedPort = backend.host().add(recordedBefore);
        assertThat(operatorsPort.notes()).containsEntry(VppHostSide.BRIDGE_DOMAIN_NOTE, VppHostSide.OPERATORS);
        assertThat(oursPort.notes()).containsEntry(VppHostSide.BRIDGE_DOMAIN_NOTE, VppHostSide.OURS);
        assertThat(joinedPort.notes()).containsEntry(VppHostSide.BRIDGE_DOMAIN_NOTE, VppHostSide.OURS);
        // A port recorded before the plugin kept notes: whose its bridge domain was is not known.
        HostPort withoutNotes = new HostPort(recordedPort.name(), recordedPort.socketPath(), recordedPort.mac(),
                recordedPort.mtu());

        host.stop();
        host.start();
        assertThat(host.bridgeDomains()).noneMatch(bd -> bd.bdId() != 0);
        // The one that joined ours comes back first: the bridge domain is still ours, though its ADD did not make it.
        assertThat(backend.host().restore(joinedOurs, joinedPort)).isTrue();
        assertThat(backend.host().restore(inOurs, oursPort)).isTrue();
        assertThat(backend.host().restore(inOperators, operatorsPort)).isTrue();
        assertThat(backend.host().restore(recordedBefore, withoutNotes)).isTrue();

        assertThat(bridgeDomain(15).tag()).isEqualTo(VppTag.CREATED_BRIDGE_DOMAIN);
        assertThat(bridgeDomain(13).tag()).isEmpty();
        assertThat(bridgeDomain(17).tag()).isEmpty();
        assertThat(bridgeDomain(13).members()).extracting(member -> member.swIfIndex())
                .containsExactly(host.findInterface(operatorsPort.name()).orElseThrow().swIfIndex());

        backend.host().delete(inOperators);
        backend.host().delete(recordedBefore);
        backend.host().delete(joinedOurs);
        backend.host().delete(inOurs);
        assertThat(host.bridgeDomains()).extracting(BridgeDomain::bdId).contains(13L, 17L).doesNotContain(15L);
        assertThat(bridgeDomain(13).members()).isEmpty();
    }

    private BridgeDomain bridgeDomain(long id) {
        return host.bridgeDomains().stream().filter(bd -> bd.bdId() == id).findFirst()
                .orElseThrow(() -> new AssertionError("no bridge domain " + id + " in " + host.bridgeDomains()));
    }

    @Test
    void aSocketTheOperatorTookMeanwhileIsRefusedAndLeftToThem() {
        Attachment mine = attachment("taken-net", "c0ffee0000060000", "net1", bridge(11, Map.of()));
        HostPort port = backend.host().add(mine);
        host.stop();
        host.start();
        host.cli("create vhost-user socket " + port.socketPath() + " server");
        Interface operators = host.interfaces().stream().filter(i -> i.name().startsWith("VirtualEthernet"))
                .findFirst().orElseThrow();

        assertThatThrownBy(() -> backend.host().restore(mine, port)).isInstanceOfSatisfying(CniException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_NETWORK_CONFIG.code()));

        assertThat(host.findInterface(operators.name())).isPresent();
        assertThat(host.interfaces()).noneMatch(iface -> iface.tag().startsWith(VppTag.PREFIX));
        assertThat(host.bridgeDomains()).noneMatch(bd -> bd.bdId() == 11);
    }

    @Test
    void vhostUserInterfacesComeBackOnTheirSocketsAndVppConnectsToTheContainersServerAgain() throws IOException {
        Attachment served = attachment("vhost-net", "c0ffee0000080000", "net1",
                vhost(VhostMode.SERVER, bridge(8, Map.of())));
        Attachment connecting = attachment("vhost-net", "c0ffee0000090000", "net1",
                vhost(VhostMode.CLIENT, bridge(8, Map.of())));
        HostPort servedPort = backend.host().add(served);
        HostPort connectingPort = backend.host().add(connecting);
        String servedTag = host.findInterface(servedPort.name()).orElseThrow().tag();
        String connectingTag = host.findInterface(connectingPort.name()).orElseThrow().tag();
        // The container's end of the client-mode attachment: a vhost-user server on the port's socket.
        try (ServerSocketChannel containerEnd = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            containerEnd.bind(UnixDomainSocketAddress.of(connectingPort.socketPath()));
            containerEnd.configureBlocking(false);
            awaitConnection(containerEnd, "VPP connecting to " + connectingPort.socketPath());

            host.stop();
            host.start();
            assertThat(SocketFile.isSocket(Path.of(servedPort.socketPath()))).isFalse();

            assertThat(backend.host().restore(served, servedPort)).isTrue();
            assertThat(backend.host().restore(connecting, connectingPort)).isTrue();

            Interface servedAgain = host.interfaces().stream().filter(i -> i.tag().equals(servedTag)).findFirst()
                    .orElseThrow();
            Interface connectingAgain = host.interfaces().stream().filter(i -> i.tag().equals(connectingTag))
                    .findFirst().orElseThrow();
            assertThat(servedAgain.vhostUser()).hasValueSatisfying(vhost -> {
                assertThat(vhost.socketFile()).isEqualTo(servedPort.socketPath());
                assertThat(vhost.server()).isTrue();
            });
            assertThat(connectingAgain.vhostUser()).hasValueSatisfying(vhost -> {
                assertThat(vhost.socketFile()).isEqualTo(connectingPort.socketPath());
                assertThat(vhost.server()).isFalse();
            });
            assertThat(List.of(servedAgain, connectingAgain)).allMatch(Interface::adminUp)
                    .allMatch(i -> i.l2Mode() instanceof L2Mode.Bridge bridge && bridge.bdId() == 8);
            // VPP serves its socket again, and connects again to the container's, which never went away.
            try (SocketChannel peer = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                peer.connect(UnixDomainSocketAddress.of(servedPort.socketPath()));
            }
            awaitConnection(containerEnd, "VPP connecting again to " + connectingPort.socketPath());
            backend.host().check(served);
            backend.host().check(connecting);
        } finally {
            Files.deleteIfExists(Path.of(connectingPort.socketPath()));
        }
    }

    @Test
    void theInstanceChangesWithEachStartOfVppAndIsEmptyWhileItIsAway() {
        Network conf = attachment("instance-net", "c0ffee0000070000", "net1", bridge(1, Map.of())).network();
        Optional<String> first = backend.host().instance(conf);
        assertThat(first).isPresent();
        assertThat(backend.host().instance(conf)).isEqualTo(first);

        host.stop();
        assertThat(backend.host().instance(conf)).isEmpty();
        host.start();

        assertThat(backend.host().instance(conf)).isPresent().isNotEqualTo(first);
    }

    private Attachment attachment(String network, String containerId, String ifName, Side host) {
        NetConf conf = new NetConf("1.1.0", network, "userspace", host, Optional.empty(), Optional.empty(),
                Optional.of(root.resolve("shared").toString()), Optional.of(root.resolve("data").toString()),
                Optional.empty(), Optional.empty(), LogLevel.INFO, Optional.empty());
        return new Attachment(new AttachmentId(containerId, ifName), Optional.empty(), Network.of(conf), "02:00:00:00:00:01",
                PlacedSockets.in(conf.sharedDirPath()));
    }

    private Side bridge(int bridgeDomain, Map<String, Object> options) {
        return side(Optional.of(NetType.BRIDGE), new BridgeConfig(Optional.of(String.valueOf(bridgeDomain)),
                Optional.empty(), Optional.empty()), options);
    }

    private Side l2(Map<String, Object> options) {
        return side(Optional.empty(), BridgeConfig.EMPTY, options);
    }

    private Side side(Optional<NetType> netType, BridgeConfig bridge, Map<String, Object> options) {
        Map<String, Object> all = new java.util.HashMap<>(options);
        all.put(VppSettings.API_SOCKET.name(), host.apiSocket().toString());
        return new Side("vpp", InterfaceType.MEMIF, netType, VhostConfig.EMPTY, MemifConfig.EMPTY, bridge, all);
    }

    /** The container's end of a memif attachment in the container VPP: a slave on the host's socket. */
    private ContainerConfig containerEnd(Attachment attachment, HostPort port) {
        MemifConfig slave = new MemifConfig(Optional.of(MemifRole.SLAVE), MemifConfig.DEFAULT_MODE, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        Side side = new Side("vpp", InterfaceType.MEMIF, Optional.empty(), VhostConfig.EMPTY, slave,
                BridgeConfig.EMPTY, Map.of(VppSettings.API_SOCKET.name(), container.apiSocket().toString()));
        return new ContainerConfig(ContainerConfig.SCHEMA_VERSION, attachment.id().containerId(),
                attachment.id().ifName(), attachment.network().name(), side, Map.of(),
                root.resolve("shared").relativize(Path.of(port.socketPath())).toString(), "02:00:00:00:00:02",
                Optional.empty(), Optional.empty());
    }

    private Side vhost(VhostMode mode, Side bridged) {
        return new Side("vpp", InterfaceType.VHOSTUSER, bridged.netType(), new VhostConfig(Optional.of(mode),
                Optional.empty(), Optional.empty()), MemifConfig.EMPTY, bridged.bridge(), bridged.options());
    }

    /** Waits until a connection reaches {@code listener} and closes it; the peer is VPP, which retries. */
    private static void awaitConnection(ServerSocketChannel listener, String what) {
        await(() -> {
            try (SocketChannel accepted = listener.accept()) {
                return accepted != null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, what);
    }

    private static void await(BooleanSupplier condition, String what) {
        Instant deadline = Instant.now().plus(LINK_DEADLINE);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as(what + " is up within " + LINK_DEADLINE.toSeconds() + " s")
                    .isBefore(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
