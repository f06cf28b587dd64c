package org.userspacecni.backend.ovs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userspacecni.backend.ovs.VhostUserPortTest.assertCode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.spi.Attachment;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.HostPort;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.Network;
import org.userspacecni.spi.PortName;

/**
 * The ovs-dpdk host side never harms a neighbour: a live attachment whose socket is bound and accepting, that
 * shares each name this engine derives (the first 12 characters of the container id, a fixed socket file, the
 * bridge), keeps its port row and its socket (same inode, still accepting) through every ADD, DEL and GC of
 * another attachment, on a private ovsdb-server.
 */
class VhostUserPortNeighbourTest {

    @TempDir
    Path root;
    OvsFixture fixture;
    NetConf conf;
    Attachment neighbour;
    Live live;

    /** The neighbour's port row and socket as they were. */
    private final class Live implements AutoCloseable {
        final HostPort port;
        final String row;
        final ServerSocketChannel socket;
        final Object inode;

        Live(Attachment attachment) throws IOException {
            port = fixture.host.add(attachment);
            socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            socket.bind(UnixDomainSocketAddress.of(port.socketPath()));
            inode = inode(Path.of(port.socketPath()));
            row = fixture.list("list", "Port", port.name());
        }

        void assertUnchanged() throws IOException {
            assertThat(fixture.list("list", "Port", port.name())).isEqualTo(row);
            assertThat(inode(Path.of(port.socketPath()))).isEqualTo(inode);
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(port.socketPath()))) {
                assertThat(client.isConnected()).isTrue();
            }
            fixture.host.check(neighbour);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @BeforeEach
    void start() throws IOException {
        fixture = new OvsFixture(root);
        conf = fixture.netConf("net-n", "\"bridge\":{\"bridgeName\":\"br-n\"}");
        neighbour = fixture.attachment("testcontainer1", "net1", conf);
        live = new Live(neighbour);
    }

    @AfterEach
    void stop() throws IOException {
        live.close();
        fixture.close();
    }

    @Test
    void delOfAnAttachmentThatWasNeverAddedButSharesEveryName() throws IOException {
        fixture.host.delete(fixture.attachment("testcontainer2", "net1", conf));
        fixture.host.delete(fixture.attachment("testcontainer1", "net1", fixture.netConf("net-other",
                "\"bridge\":{\"bridgeName\":\"br-n\"}")));
        live.assertUnchanged();
    }

    @Test
    void containerIdsSharingTwelveCharactersGetDistinctNamesAndEachDelLeavesTheOther() throws IOException {
        Attachment second = fixture.attachment("testcontainer2", "net1", conf);
        HostPort port = fixture.host.add(second);

        assertThat(live.port.name()).isEqualTo(PortName.original(neighbour.id()));
        assertThat(port.name()).isEqualTo(PortName.distinct("net-n", second.id()));
        assertThat(port.socketPath()).isNotEqualTo(live.port.socketPath());
        fixture.host.check(second);
        fixture.host.delete(second);
        fixture.host.delete(second);
        live.assertUnchanged();
    }

    @Test
    void aFileInPlaceOfTheOriginalNameIsLeftAloneAndTheDistinctNameTaken() throws IOException {
        Attachment other = fixture.attachment("c0ffee0000000001", "net1", conf);
        Path file = conf.sharedDirPath().resolve(PortName.original(other.id()));
        Files.writeString(file, "the operator's");

        HostPort port = fixture.host.add(other);
        assertThat(port.name()).isEqualTo(PortName.distinct("net-n", other.id()));
        fixture.host.delete(other);
        assertThat(file).hasContent("the operator's");
        live.assertUnchanged();
    }

    @Test
    void aFixedSocketFileOfTheNeighbourIsRefusedWithSevenAndNothingTouched() throws IOException {
        NetConf fixed = fixture.netConf("net-f", "\"bridge\":{\"bridgeName\":\"br-n\"},\"vhost\":{\"socketfile\":\""
                + live.port.name() + "\"}");
        Attachment other = fixture.attachment("testcontainer2", "net1", fixed);

        assertCode(() -> fixture.host.add(other), 7, "is another attachment's");
        fixture.host.delete(other);
        live.assertUnchanged();
    }

    @Test
    void gcOfTheNetworkWithTheNeighbourValidAndGcOfAnotherNetworkOnTheSameBridge() throws IOException {
        Attachment stale = fixture.attachment("testcontainer3", "net1", conf);
        HostPort stalePort = fixture.host.add(stale);

        fixture.host.gc(Network.of(conf), fixture.sockets(conf), Set.of(neighbour.id()));
        NetConf other = fixture.netConf("net-other", "\"bridge\":{\"bridgeName\":\"br-n\"}");
        fixture.host.gc(Network.of(other), fixture.sockets(other), Set.of());

        assertThat(fixture.list("list-ports", "br-n").lines()).containsExactly(live.port.name());
        assertThat(Path.of(stalePort.socketPath())).doesNotExist();
        live.assertUnchanged();
    }

    @Test
    void theOperatorsPortOnTheBridgeIsNeverTaken() throws IOException {
        Attachment other = fixture.attachment("operator0001", "net1", conf);
        fixture.ovs.vsctl("--no-wait", "add-port", "br-n", PortName.original(other.id()));

        HostPort port = fixture.host.add(other);
        assertThat(port.name()).isEqualTo(PortName.distinct("net-n", other.id()));
        fixture.host.delete(other);
        fixture.host.gc(Network.of(conf), fixture.sockets(conf), Set.of(neighbour.id()));
        assertThat(fixture.list("list-ports", "br-n").lines())
                .containsExactlyInAnyOrder(live.port.name(), PortName.original(other.id()));
        live.assertUnchanged();
    }

    private static Object inode(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
