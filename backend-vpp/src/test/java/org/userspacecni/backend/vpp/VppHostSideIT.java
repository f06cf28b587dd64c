package org.userspacecni.backend.vpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.backend.vpp.real.RealVpp;
import org.userspacecni.backend.vpp.sim.VppSimulator.BridgeDomain;
import org.userspacecni.backend.vpp.sim.VppSimulator.Interface;
import org.userspacecni.backend.vpp.sim.VppSimulator.L2Mode;
import org.userspacecni.backend.vpp.sim.VppSimulator.MemifMode;
import org.userspacecni.backend.vpp.sim.VppSimulator.MemifRole;
import org.userspacecni.backend.vpp.sim.VppSimulator.MemifSocket;
import org.userspacecni.core.CniLog;
import org.userspacecni.core.ProgramContext;
import org.userspacecni.core.cni.NetConfDecoder;
import org.userspacecni.spi.Attachment;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.DatapathStatus;
import org.userspacecni.spi.HostPort;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.Network;
import org.userspacecni.spi.SocketFile;
import org.userspacecni.testkit.PlacedSockets;

/**
 * The host side of the {@code vpp} engine against a real VPP: what ADD makes (memif master and slave, the modes,
 * queues, ring and buffer sizes and the secret, vhost-user server and client, bridge domains, cross-connects, tags),
 * CHECK naming what differs, DEL and GC removing only what is the attachment's, STATUS, VPP away, and a VPP lacking
 * a plugin. What VPP does not show (a memif's secret; its rings before it connects) is proven by connecting a peer:
 * a second real VPP, made by hand through its CLI or by the engine's container side.
 */
class VppHostSideIT {

    static final Duration LINK_DEADLINE = Duration.ofSeconds(20);
    static final Pattern RINGS = Pattern.compile("num-s2m-rings (\\d+) num-m2s-rings (\\d+) buffer-size (\\d+)");
    static final Pattern RING_SIZE = Pattern.compile("ring-size (\\d+)");

    @TempDir
    Path root;
    RealVpp vpp;
    VppHostSide host;

    @BeforeEach
    void start() {
        vpp = RealVpp.start(root.resolve("vpp"));
        host = new VppHostSide(new ProgramContext(Map.of(), new CniLog("vpp-host-it", System.err)));
    }

    @AfterEach
    void stop() {
        vpp.close();
    }

    Path shared() {
        return root.resolve("shared");
    }

    /** An attachment of network {@code network} whose host section holds {@code hostFields}. */
    Attachment attachment(String network, String containerId, String ifName, String hostFields) {
        NetConf conf = netConf(network, hostFields);
        return new Attachment(new AttachmentId(containerId, ifName), Optional.empty(), Network.of(conf), "02:00:00:00:00:01",
                PlacedSockets.in(conf.sharedDirPath()));
    }

    Attachment attachment(String containerId, String ifName, String hostFields) {
        return attachment("vpp-net", containerId, ifName, hostFields);
    }

    NetConf netConf(String network, String hostFields) {
        return netConf(network, hostFields, vpp.apiSocket(), "");
    }

    /** {@code options} is appended inside the host's options, after its {@code apiSocket}. */
    NetConf netConf(String network, String hostFields, Path apiSocket, String options) {
        String json = "{\"cniVersion\":\"1.1.0\",\"name\":\"" + network + "\",\"type\":\"userspace\",\"sharedDir\":\""
                + shared() + "\",\"host\":{\"engine\":\"vpp\"," + hostFields + ",\"options\":{\"apiSocket\":\""
                + apiSocket + "\"" + options + "}}}";
        return NetConfDecoder.netConf(NetConfDecoder.parseObject(json.getBytes(StandardCharsets.UTF_8)));
    }

    static String memifBridge(String bridgeDomain) {
        return "\"iftype\":\"memif\",\"netType\":\"bridge\",\"bridge\":{\"bridgeName\":\"" + bridgeDomain + "\"}";
    }

    List<Interface> ours() {
        return vpp.interfaces().stream().filter(iface -> iface.tag().startsWith(VppTag.PREFIX)).toList();
    }

    Interface ours(Attachment attachment) {
        VppTag tag = VppTag.of(attachment.network().name(), attachment.id());
        return vpp.interfaces().stream().filter(iface -> tag.marks(iface.tag())).findFirst().orElseThrow();
    }

    Optional<BridgeDomain> bridgeDomain(long id) {
        return vpp.bridgeDomains().stream().filter(bd -> bd.bdId() == id).findFirst();
    }

    void assertNothingLeft() throws IOException {
        assertThat(ours()).isEmpty();
        assertThat(vpp.memifSockets()).extracting(MemifSocket::socketId).containsExactly(0L);
        try (var files = Files.list(Files.createDirectories(shared()))) {
            assertThat(files).isEmpty();
        }
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + LINK_DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    /** The rings of a connected memif as its VPP shows them: s2m rings, m2s rings, buffer size, ring size. */
    static List<Integer> rings(RealVpp vpp, String name) {
        String shown = vpp.cli("show memif " + name);
        Matcher rings = RINGS.matcher(shown);
        Matcher ringSize = RING_SIZE.matcher(shown);
        assertThat(rings.find() && ringSize.find()).as(shown).isTrue();
        return List.of(Integer.parseInt(rings.group(1)), Integer.parseInt(rings.group(2)),
                Integer.parseInt(rings.group(3)), Integer.parseInt(ringSize.group(1)));
    }

    @Test
    void aMemifMasterInABridgeDomainOfOursWhichGoesWithItsLastMember() throws IOException {
        Attachment first = attachment("vppadd0123456789", "net1", memifBridge("7"));
        Attachment second = attachment("vppadd9876543210", "net1", memifBridge("7"));
        HostPort port = host.add(first);
        Path socket = shared().resolve("memif-vppadd012345-net1.sock");
        assertThat(port.socketPath()).isEqualTo(socket.toString());

        Interface memif = ours(first);
        assertThat(port.name()).isEqualTo(memif.name());
        assertThat(memif.tag()).isEqualTo(VppTag.of("vpp-net", first.id()).value())
                .contains(":vppadd012345~").endsWith(":net1");
        assertThat(memif.adminUp()).isTrue();
        assertThat(memif.memif().orElseThrow().role()).isEqualTo(MemifRole.MASTER);
        assertThat(memif.memif().orElseThrow().mode()).isEqualTo(MemifMode.ETHERNET);
        assertThat(memif.l2Mode()).isEqualTo(new L2Mode.Bridge(7, 0, 0));
        assertThat(vpp.memifSockets()).anyMatch(s -> s.filename().equals(socket.toString()) && s.listening());
        assertThat(SocketFile.isSocket(socket)).isTrue();
        assertThat(bridgeDomain(7)).hasValueSatisfying(bd -> {
            assertThat(bd.tag()).isEqualTo(VppTag.CREATED_BRIDGE_DOMAIN);
            assertThat(bd.flood() && bd.uuFlood() && bd.forward() && bd.learn()).isTrue();
        });
        assertThat(host.add(first)).isEqualTo(port); // ADD again finds it

        host.add(second);
        assertThat(bridgeDomain(7).orElseThrow().members()).hasSize(2);
        host.delete(first);
        assertThat(bridgeDomain(7).orElseThrow().members()).singleElement()
                .satisfies(member -> assertThat(member.swIfIndex()).isEqualTo(ours(second).swIfIndex()));
        assertThat(socket).doesNotExist();
        host.delete(second);
        assertThat(bridgeDomain(7)).isEmpty();
        assertNothingLeft();
        host.delete(first); // nothing there is success
    }

    @Test
    void theMasterConnectsOnlyAPeerWithItsSecretAndThePeerTakesThePlannedRings() throws IOException {
        String memif = "\"iftype\":\"memif\",\"memif\":{\"queues\":2,\"ringSize\":2048,\"bufferSize\":4096,"
                + "\"secret\":\"s3cret-1\"}";
        Attachment attachment = attachment("vppsecret01", "net1", memif);
        Path socket = Path.of(host.add(attachment).socketPath());
        String name = ours(attachment).name();
        try (RealVpp peer = RealVpp.start(root.resolve("peer"))) {
            // A slave with the wrong secret: the master refuses it, and says so to the slave.
            peer.sandbox().vppctl("create", "memif", "socket", "id", "1", "filename", socket.toString());
            peer.sandbox().vppctl("create", "interface", "memif", "id", "0", "socket-id", "1", "slave", "secret",
                    "wrong");
            peer.sandbox().vppctl("set", "interface", "state", "memif1/0", "up");
            await("the master to refuse the wrong secret",
                    () -> peer.cli("show memif memif1/0").contains("remote-disc-reason \"incorrect secret\""));
            assertThat(ours(attachment).linkUp()).isFalse();
            peer.sandbox().vppctl("delete", "interface", "memif", "memif1/0");

            // The engine's container side, in the peer, with the ring the attachment stores for its container.
            VppContainerSide container = new VppContainerSide(new ProgramContext(Map.of(),
                    new CniLog("vpp-container-it", System.err)));
            ContainerConfig config = new ContainerConfig(ContainerConfig.SCHEMA_VERSION, "vppsecret01", "net1",
                    "vpp-net", netConf("vpp-net", "\"iftype\":\"memif\",\"memif\":{\"role\":\"slave\",\"queues\":2,"
                            + "\"ringSize\":2048,\"bufferSize\":4096,\"secret\":\"s3cret-1\"}", peer.apiSocket(), "")
                            .host(),
                    Map.of(), socket.getFileName().toString(), "02:00:00:00:00:02", Optional.empty(),
                    Optional.empty());
            container.apply(config, socket); // returns once the link is up
            await("the master's link", () -> ours(attachment).linkUp());
            assertThat(container.linkState(config)).isEqualTo("up");
            assertThat(rings(vpp, name)).as("s2m, m2s, -, ring size").element(0).isEqualTo(2);
            assertThat(rings(vpp, name)).element(1).isEqualTo(2);
            assertThat(rings(vpp, name)).element(3).isEqualTo(2048);
            String peerName = peer.interfaces().stream().filter(i -> i.memif().isPresent()).findFirst().orElseThrow()
                    .name();
            assertThat(rings(peer, peerName)).containsExactly(2, 2, 4096, 2048);
            container.remove(config);
        }
        host.delete(attachment);
        assertNothingLeft();
    }

    @Test
    void aMemifSlaveConnectsToThePeersMasterWithItsRingAndLeavesThePeersSocket() throws IOException {
        Path socket = shared().resolve("peer-master.sock");
        Files.createDirectories(shared());
        try (RealVpp peer = RealVpp.start(root.resolve("peer"))) {
            Attachment attachment = attachment("vppslave01", "net1", "\"iftype\":\"memif\",\"memif\":{\"role\":"
                    + "\"slave\",\"socketfile\":\"peer-master.sock\",\"queues\":2,\"ringSize\":2048,"
                    + "\"bufferSize\":4096,\"secret\":\"s3cret-2\"}");
            // The slave first: the socket file must not be there when ADD picks it.
            host.add(attachment);
            Interface slave = ours(attachment);
            assertThat(slave.memif().orElseThrow().role()).isEqualTo(MemifRole.SLAVE);
            assertThat(vpp.memifSockets()).anyMatch(s -> s.filename().equals(socket.toString()) && !s.listening());

            peer.sandbox().vppctl("create", "memif", "socket", "id", "1", "filename", socket.toString());
            peer.sandbox().vppctl("create", "interface", "memif", "id", "0", "socket-id", "1", "master", "secret",
                    "s3cret-2", "rx-queues", "4", "tx-queues", "4", "ring-size", "8192");
            peer.sandbox().vppctl("set", "interface", "state", "memif1/0", "up");
            await("the slave's link", () -> ours(attachment).linkUp());
            // The slave asks for its rings; VPP's master takes what it is offered.
            assertThat(rings(vpp, slave.name())).containsExactly(2, 2, 4096, 2048);
            assertThat(rings(peer, "memif1/0")).element(3).isEqualTo(2048);

            host.delete(attachment);
            assertThat(SocketFile.isSocket(socket)).as("the peer's socket stays").isTrue();
            assertThat(peer.memifSockets()).anyMatch(s -> s.filename().equals(socket.toString()) && s.listening());
            assertThat(ours()).isEmpty();
            assertThat(vpp.memifSockets()).extracting(MemifSocket::socketId).containsExactly(0L);
        }
    }

    @Test
    void eachModeVppAccepts() throws IOException {
        for (String mode : List.of("ethernet", "ip")) {
            Attachment attachment = attachment("vppmode" + mode, "net1", "\"iftype\":\"memif\",\"memif\":{\"mode\":\""
                    + mode + "\"}");
            host.add(attachment);
            assertThat(ours(attachment).memif().orElseThrow().mode()).isEqualTo(MemifMode.valueOf(mode.toUpperCase()));
            host.check(attachment);
            host.delete(attachment);
        }
        assertNothingLeft();
    }

    /** VPP's memif plugin has no punt/inject mode: asked for one, VPP 26.10 dies (SIGSEGV). So the engine never asks. */
    @Test
    void injectPuntIsSevenAndVppIsNeverAsked() throws IOException {
        Attachment attachment = attachment("vppmodepunt", "net1", "\"iftype\":\"memif\",\"memif\":{\"mode\":"
                + "\"inject-punt\"}");
        assertThatThrownBy(() -> host.add(attachment)).isInstanceOfSatisfying(CniException.class, e -> {
            assertThat(e.code()).isEqualTo(7);
            assertThat(e.getMessage()).contains("memif.mode").contains("ethernet or ip, not inject-punt");
        });
        assertThat(host.status(attachment.network()).available()).as("VPP still answers").isTrue();
        assertNothingLeft();
    }

    @Test
    void vhostUserServerVppMakesTheSocketAndRemovesIt() throws IOException {
        Attachment attachment = attachment("vppvhost01", "net1", "\"iftype\":\"vhostuser\",\"vhost\":{\"mode\":"
                + "\"server\"}");
        HostPort port = host.add(attachment);
        Path socket = shared().resolve("vppvhost01-net1");
        assertThat(port.socketPath()).isEqualTo(socket.toString());
        assertThat(ours(attachment).vhostUser()).hasValueSatisfying(vhost -> {
            assertThat(vhost.server()).isTrue();
            assertThat(vhost.socketFile()).isEqualTo(socket.toString());
        });
        assertThat(ours(attachment).tag()).isEqualTo(VppTag.of("vpp-net", attachment.id()).value());
        try (SocketChannel guest = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            assertThat(guest.connect(UnixDomainSocketAddress.of(socket))).as("VPP listens").isTrue();
        }
        host.check(attachment);
        host.delete(attachment);
        assertNothingLeft();
    }

    @Test
    void vhostUserClientVppConnectsToTheContainersSocketAndLeavesIt() throws IOException {
        Attachment attachment = attachment("vppvhost02", "net1", "\"iftype\":\"vhostuser\"");
        HostPort port = host.add(attachment);
        Path socket = shared().resolve("vppvhost02-net1");
        assertThat(port.socketPath()).isEqualTo(socket.toString());
        assertThat(ours(attachment).vhostUser()).hasValueSatisfying(vhost -> assertThat(vhost.server()).isFalse());
        assertThat(socket).doesNotExist();
        try (ServerSocketChannel container = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            container.bind(UnixDomainSocketAddress.of(socket));
            container.configureBlocking(false);
            SocketChannel[] accepted = new SocketChannel[1];
            await("VPP to connect to the container's socket", () -> {
                try {
                    accepted[0] = container.accept();
                    return accepted[0] != null;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            accepted[0].close();
            host.check(attachment);
            host.delete(attachment);
            assertThat(SocketFile.isSocket(socket)).as("the container's socket stays").isTrue();
        }
        assertThat(ours()).isEmpty();
    }

    @Test
    void anOperatorsBridgeDomainIsUsedAndNeverDeleted() throws IOException {
        vpp.sandbox().vppctl("create", "bridge-domain", "9");
        Attachment attachment = attachment("vppbd1", "net1", memifBridge("9"));
        host.add(attachment);
        assertThat(ours(attachment).l2Mode()).isEqualTo(new L2Mode.Bridge(9, 0, 0));
        host.delete(attachment);
        assertThat(bridgeDomain(9)).hasValueSatisfying(bd -> {
            assertThat(bd.tag()).isEmpty();
            assertThat(bd.members()).isEmpty();
        });
        assertNothingLeft();
    }

    @Test
    void crossConnectJoinsTwoAttachmentsBothWays() throws IOException {
        Attachment first = attachment("vppxc01", "net1", "\"iftype\":\"memif\"");
        NetConf conf = netConf("vpp-net", "\"iftype\":\"memif\"", vpp.apiSocket(), ",\"xconnect\":\"net1\"");
        Attachment second = new Attachment(new AttachmentId("vppxc01", "net2"), Optional.empty(), Network.of(conf),
                "02:00:00:00:00:02", PlacedSockets.in(conf.sharedDirPath()));
        host.add(first);
        host.add(second);
        Interface one = ours(first);
        Interface two = ours(second);
        assertThat(one.l2Mode()).isEqualTo(new L2Mode.CrossConnect(two.swIfIndex()));
        assertThat(two.l2Mode()).isEqualTo(new L2Mode.CrossConnect(one.swIfIndex()));
        host.delete(second);
        assertThat(ours(first).l2Mode()).isEqualTo(new L2Mode.L3());
        host.delete(first);
        assertNothingLeft();
    }

    @Test
    void checkNamesWhatDiffers() {
        Attachment attachment = attachment("vppcheck01", "net1", memifBridge("3"));
        host.add(attachment);
        host.check(attachment);
        assertDiffers(attachment("vppcheck01", "net1", memifBridge("4")), "is not in bridge domain 4");
        assertDiffers(attachment("vppcheck01", "net1", "\"iftype\":\"memif\",\"memif\":{\"mode\":\"ip\"},"
                + "\"netType\":\"bridge\",\"bridge\":{\"bridgeName\":\"3\"}"), "in mode ETHERNET, not a MASTER in mode IP");
        assertDiffers(attachment("vppcheck01", "net1", "\"iftype\":\"vhostuser\""), "is not a vhost-user interface");
        vpp.sandbox().vppctl("set", "interface", "state", ours(attachment).name(), "down");
        assertDiffers(attachment, "is admin down");
        vpp.sandbox().vppctl("set", "interface", "l3", ours(attachment).name());
        assertDiffers(attachment, "is not in bridge domain 3");
        host.delete(attachment);
        assertDiffers(attachment, "no interface tagged " + VppTag.of("vpp-net", attachment.id()));
    }

    void assertDiffers(Attachment attachment, String difference) {
        assertThatThrownBy(() -> host.check(attachment)).isInstanceOfSatisfying(CniException.class, e -> {
            assertThat(e.code()).isEqualTo(100);
            assertThat(e.getMessage()).contains(difference);
        });
    }

    @Test
    void gcRemovesWhatIsNotValidAndKeepsTheRest() throws IOException {
        Attachment keep = attachment("vppkeep01", "net1", memifBridge("5"));
        Attachment stale = attachment("vppstale01", "net1", memifBridge("5"));
        Attachment otherNetwork = attachment("other-net", "vppstale01", "net1", memifBridge("5"));
        host.add(keep);
        host.add(stale);
        host.add(otherNetwork);
        vpp.sandbox().vppctl("create", "vhost-user", "socket", root.resolve("operator.sock").toString(), "server");
        host.gc(keep.network(), keep.sockets(), Set.of(keep.id()));
        assertThat(ours()).extracting(Interface::tag).containsExactlyInAnyOrder(
                VppTag.of("vpp-net", keep.id()).value(), VppTag.of("other-net", otherNetwork.id()).value());
        assertThat(vpp.interfaces()).anyMatch(iface -> iface.vhostUser().isPresent());
        assertThat(shared().resolve("memif-vppstale01-net1.sock")).doesNotExist();
        assertThat(bridgeDomain(5)).isPresent();
        host.delete(keep);
        host.delete(otherNetwork);
        assertThat(ours()).isEmpty();
        assertThat(bridgeDomain(5)).isEmpty();
    }

    @Test
    void statusIsUpAndAVppThatIsAwayIsElevenThenFifty() throws IOException {
        Attachment attachment = attachment("vppaway01", "net1", memifBridge("2"));
        assertThat(host.status(attachment.network()).available()).isTrue();
        vpp.stop();
        assertThatThrownBy(() -> host.add(attachment)).isInstanceOfSatisfying(CniException.class, e -> {
            assertThat(e.code()).isEqualTo(11);
            assertThat(e.getMessage()).contains("cannot reach VPP's API at " + vpp.apiSocket());
        });
        DatapathStatus away = host.status(attachment.network());
        assertThat(away.available()).isFalse();
        assertThat(away.code().code()).isEqualTo(50);
        vpp.start();
        host.add(attachment);
        host.delete(attachment);
        assertNothingLeft();
    }

    @Test
    void aVppWithoutTheVhostPluginIsFiftyForVhostUserAndServesMemif() throws IOException {
        vpp.close();
        vpp = RealVpp.start(root.resolve("vpp-memif-only"), Set.of("memif_plugin.so"));
        Attachment vhost = attachment("vpplack01", "net1", "\"iftype\":\"vhostuser\",\"netType\":\"bridge\"");
        assertThatThrownBy(() -> host.add(vhost)).isInstanceOfSatisfying(CniException.class, e -> {
            assertThat(e.code()).isEqualTo(50);
            assertThat(e.getMessage()).contains("create_vhost_user_if_v2_").contains("delete_vhost_user_if_")
                    .contains("sw_interface_vhost_user_dump_");
        });
        assertThat(host.status(vhost.network()).available()).isFalse();
        assertThat(bridgeDomain(1)).isEmpty();
        host.delete(vhost);

        Attachment memif = attachment("vpplack02", "net1", memifBridge("2"));
        assertThat(host.status(memif.network()).available()).isTrue();
        host.add(memif);
        host.check(memif);
        host.delete(memif);
        assertNothingLeft();
    }

    @Test
    void aVppWithoutTheMemifPluginIsFiftyForMemifNamingWhatItLacks() throws IOException {
        vpp.close();
        vpp = RealVpp.start(root.resolve("vpp-vhost-only"), Set.of("vhost_plugin.so"));
        Attachment memif = attachment("vpplack03", "net1", memifBridge("2"));
        assertThatThrownBy(() -> host.add(memif)).isInstanceOfSatisfying(CniException.class, e -> {
            assertThat(e.code()).isEqualTo(50);
            assertThat(e.getMessage()).contains("memif_create_v2_8c7de5f7").contains("memif_create_v2_reply_5383d31f")
                    .contains("memif_dump_51077d14");
        });
        assertThat(vpp.interfaces()).extracting(Interface::name).containsExactly("local0");
        assertThat(bridgeDomain(2)).isEmpty();
        host.delete(memif);
    }
}
