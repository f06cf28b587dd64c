package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The socket a container's DPDK application binds at the result's socketPath in vhost-user client mode (the
 * switch connects to it): a listening unix socket whose file's device and inode are known, so that a test can
 * tell that the very same socket is still there and still accepting. Connections that are not a probe's (the
 * switch's own) are accepted and held open, as the application would.
 */
final class ContainerSocket implements AutoCloseable {

    /** Which file a socket is: its device and inode. */
    record FileKey(Path path, Object device, Object inode) {
    }

    private final Path path;
    private final ServerSocketChannel server;
    private final FileKey key;
    private final List<SocketChannel> held = new ArrayList<>();

    private ContainerSocket(Path path, ServerSocketChannel server) {
        this.path = path;
        this.server = server;
        this.key = keyOf(path);
    }

    static ContainerSocket listen(Path path) {
        try {
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                server.bind(UnixDomainSocketAddress.of(path));
                return new ContainerSocket(path, server);
            } catch (IOException | RuntimeException e) {
                server.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind a socket at " + path, e);
        }
    }

    Path path() {
        return path;
    }

    FileKey key() {
        return key;
    }

    /** The file at the path is still this socket (same device and inode, not replaced), and it accepts. */
    void assertStillAccepting() {
        assertThat(Files.exists(path, LinkOption.NOFOLLOW_LINKS)).as("the socket file " + path + " is still there")
                .isTrue();
        assertThat(keyOf(path)).as("the socket file at " + path).isEqualTo(key);
        byte[] nonce = UUID.randomUUID().toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            probe.write(ByteBuffer.wrap(nonce));
            // The probe is in this socket's backlog, written to before it is accepted: accept until it comes.
            while (true) {
                SocketChannel accepted = server.accept();
                accepted.configureBlocking(false);
                ByteBuffer read = ByteBuffer.allocate(nonce.length);
                accepted.read(read);
                if (read.position() == nonce.length && java.util.Arrays.equals(read.array(), nonce)) {
                    accepted.close();
                    return;
                }
                held.add(accepted);
            }
        } catch (IOException e) {
            throw new AssertionError("the socket at " + path + " does not accept", e);
        }
    }

    private static FileKey keyOf(Path path) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            assertThat(attributes.isOther()).as(path + " is a socket").isTrue();
            return new FileKey(path, Files.getAttribute(path, "unix:dev", LinkOption.NOFOLLOW_LINKS),
                    Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS));
        } catch (IOException e) {
            throw new AssertionError("cannot look at " + path, e);
        }
    }

    @Override
    public void close() throws IOException {
        for (SocketChannel channel : held) {
            channel.close();
        }
        server.close();
    }
}
