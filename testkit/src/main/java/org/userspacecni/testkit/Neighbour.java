package org.userspacecni.testkit;

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
import java.util.Objects;
import java.util.Optional;
import org.userspacecni.spi.SocketFile;

/**
 * The live socket of a neighbour attachment, the one thing a test of a destructive path must find unharmed
 * afterwards. {@link #listenAt} binds and listens where the container side of an attachment would (a client-mode
 * vhost-user host, a memif slave on the host: the container is the server); {@link #at} takes a socket the engine
 * itself listens on (a server-mode vhost-user host, a memif master). Either remembers the file's identity (device
 * and inode, by {@code lstat}), and {@link #assertUnchanged} fails unless the same file is still there, still a
 * socket, and still takes a connection (or, for a sequenced-packet socket, still listens). {@link #close} stops listening and removes the file only if it is still the
 * one this neighbour bound.
 *
 * <pre>{@code
 * try (Neighbour pod1 = Neighbour.listenAt(sharedDir.resolve("vhost0"))) {
 *     // ... DEL of another attachment, GC, a failed ADD ...
 *     pod1.assertUnchanged();
 * }
 * }</pre>
 */
public final class Neighbour implements AutoCloseable {

    /** Room for every connection {@link #assertUnchanged} makes; a peer's (a vhost-user client) stays unaccepted. */
    private static final int BACKLOG = 64;

    private final Path socket;
    private final Object identity;
    private final Optional<ServerSocketChannel> listener;

    private Neighbour(Path socket, Object identity, Optional<ServerSocketChannel> listener) {
        this.socket = socket;
        this.identity = identity;
        this.listener = listener;
    }

    /** Binds a unix socket at {@code socket} and listens on it; fails if any file is there already. */
    public static Neighbour listenAt(Path socket) {
        Objects.requireNonNull(socket, "socket");
        try {
            Files.createDirectories(socket.toAbsolutePath().getParent());
            ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.bind(UnixDomainSocketAddress.of(socket), BACKLOG);
                channel.configureBlocking(false);
                return new Neighbour(socket, identity(socket), Optional.of(channel));
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen at " + socket, e);
        }
    }

    /** The socket someone else listens on at {@code socket} now; fails unless a socket is there. */
    public static Neighbour at(Path socket) {
        Objects.requireNonNull(socket, "socket");
        if (!SocketFile.isSocket(socket)) {
            throw new AssertionError("there is no socket at " + socket);
        }
        return new Neighbour(socket, identity(socket), Optional.empty());
    }

    public Path socket() {
        return socket;
    }

    /** Fails unless the same file (device and inode) is at the path, a socket, and a connection to it succeeds. */
    public void assertUnchanged() {
        if (!SocketFile.isSocket(socket)) {
            throw new AssertionError("the neighbour's socket " + socket + " is gone or no longer a socket");
        }
        Object now = identity(socket);
        if (!identity.equals(now)) {
            throw new AssertionError("the neighbour's socket " + socket + " was replaced: " + identity + " is now "
                    + now);
        }
        try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            client.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            if (!listensForPackets(socket)) {
                throw new AssertionError("the neighbour's socket " + socket + " takes no connection: " + e, e);
            }
        }
    }

    /**
     * Whether a sequenced-packet socket (VPP's memif sockets are; Java cannot connect to one) listens at
     * {@code socket}: a row of {@code /proc/net/unix} of type 5 with the listening flag ({@code __SO_ACCEPTCON})
     * bound at that path.
     */
    private static boolean listensForPackets(Path socket) {
        try {
            return Files.readAllLines(Path.of("/proc/net/unix")).stream().skip(1)
                    .map(line -> line.trim().split("\\s+"))
                    .filter(row -> row.length >= 8 && row[7].equals(socket.toAbsolutePath().toString()))
                    .anyMatch(row -> row[4].equals("0005") && (Integer.parseInt(row[3], 16) & 0x10000) != 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/net/unix", e);
        }
    }

    /** Stops listening, and removes the file if it is still the one bound here; a socket taken by {@link #at} stays. */
    @Override
    public void close() {
        if (listener.isEmpty()) {
            return;
        }
        try {
            listener.get().close();
            if (SocketFile.isSocket(socket) && identity.equals(identity(socket))) {
                Files.delete(socket);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the neighbour at " + socket, e);
        }
    }

    @Override
    public String toString() {
        return "neighbour socket " + socket + " " + identity;
    }

    private static Object identity(Path socket) {
        try {
            return Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + socket, e);
        }
    }
}
