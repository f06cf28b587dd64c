package org.userspacecni.core;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Objects;
import java.util.Optional;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.SocketRequest;
import org.userspacecni.spi.Sockets;

/**
 * Where one attachment's sockets go, and the only place that knows a unix socket's limits: a plain file name
 * in one directory, the whole path at most 107 bytes ({@code sun_path} holds 108 with its NUL). A pod's
 * directory too long for a name is reached through its short link instead, which the kernel follows when the
 * socket is bound and connected, so both ends see one directory; a path too long even there is 7, naming the
 * fields that make it.
 *
 * <p>Placing a socket prepares its directory: the shared directory (or the directory a recorded socket was in)
 * is made {@code 0700}, or {@code 0770} and the request's group's, so that QEMU or a non-root DPDK application in
 * that group can reach the socket and nobody else can; a pod's directory below the shared directory is ours and
 * made one element at a time, refused where a link stands in its place (it would put the sockets, and their
 * removal, elsewhere); a pod's own volume is the kubelet's, and made only if missing. What this placement made
 * (the pod's directory, its link) is all {@link #removeMade} removes after a failed ADD.
 */
public final class SocketPlacement implements Sockets {

    /** {@code sun_path} holds 108 bytes, the terminating NUL included. */
    static final int MAX_SOCKET_PATH_BYTES = 107;

    /** How the directory comes to be. */
    private enum Directory {
        /** The shared directory, or one a socket was placed in before: made with its parents if missing. */
        SHARED,
        /** {@code <sharedDir>/<short container id>}: ours, made privately, never through a link. */
        POD_OWN,
        /** The pod's own volume: the kubelet's, made only if missing. */
        POD_VOLUME
    }

    private final Path dir;
    private final Directory kind;
    private final Optional<Path> link;
    /** The program's logger, for a pod's link and its removal; a directory as it is has nothing to report. */
    private final Optional<System.Logger> log;
    private boolean madeDir;
    private boolean madeLink;

    private SocketPlacement(Path dir, Directory kind, Optional<Path> link, Optional<System.Logger> log) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.kind = kind;
        this.link = link;
        this.log = log;
    }

    /** Sockets straight in {@code dir}: the shared directory, or the directory a recorded socket is in. */
    public static SocketPlacement in(Path dir) {
        return new SocketPlacement(dir, Directory.SHARED, Optional.empty(), Optional.empty());
    }

    /**
     * Sockets in a pod's directory: its own volume, or {@code dir} below the shared directory when {@code
     * belowSharedDir}; through {@code link} for a name whose path in {@code dir} would be too long.
     */
    public static SocketPlacement inPod(Path dir, boolean belowSharedDir, Path link, System.Logger log) {
        return new SocketPlacement(dir, belowSharedDir ? Directory.POD_OWN : Directory.POD_VOLUME,
                Optional.of(link), Optional.of(log));
    }

    /** The directory the sockets are in (the link leads there too). */
    public Path directory() {
        return dir;
    }

    @Override
    public Path locate(String name) {
        SocketRequest.plainName(name);
        Path direct = dir.resolve(name);
        if (fits(direct)) {
            return direct;
        }
        Path linked = link.map(l -> l.resolve(name)).filter(SocketPlacement::fits).orElseThrow(() -> {
            Path shortest = link.orElse(dir).resolve(name);
            return new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "the socket path " + shortest + " is "
                    + bytes(shortest) + " bytes, longer than the " + MAX_SOCKET_PATH_BYTES + " a unix socket allows:"
                    + " shorten sharedDir or the socketfile");
        });
        return linked;
    }

    @Override
    public Path place(SocketRequest request) {
        Path socket = locate(request.name());
        Optional<GroupPrincipal> group = group(request.group());
        makeDirectory(request.group().isPresent());
        if (!socket.getParent().equals(dir)) {
            makeLink(socket.getParent());
        }
        group.ifPresent(this::share);
        return socket;
    }

    /** Whether this placement made the pod's directory or its link (a failed ADD removes only those). */
    public boolean madeAnything() {
        return madeDir || madeLink;
    }

    /**
     * After a failed ADD: the link and the pod's directory this placement made, once nothing is in the directory
     * (another attachment's socket may be there by now); anything it found in place stays.
     */
    public void removeMade() {
        try {
            if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) && !isEmpty(dir)) {
                return;
            }
            if (madeLink && Files.isSymbolicLink(link.get()) && Files.readSymbolicLink(link.get()).equals(dir)) {
                Files.delete(link.get());
            }
            if (madeDir) {
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            log.ifPresent(l -> l.log(Level.WARNING, "cannot tidy the socket directory " + dir + ": " + e.getMessage()));
        }
    }

    private void makeDirectory(boolean forGroup) {
        try {
            switch (kind) {
                case SHARED -> {
                    if (!Files.isDirectory(dir)) {
                        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                                PosixFilePermissions.fromString(forGroup ? "rwxrwx---" : "rwx------")));
                    }
                }
                case POD_VOLUME -> Files.createDirectories(dir);
                case POD_OWN -> makeOwnDirectory();
            }
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot create the socket directory " + dir, e);
        }
    }

    private void makeOwnDirectory() throws IOException {
        Files.createDirectories(dir.getParent());
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                    "rwx------")));
            madeDir = true;
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new CniException(ErrorCode.IO_FAILURE, "the socket directory " + dir + " is "
                        + (Files.isSymbolicLink(dir) ? "a symbolic link" : "not a directory")
                        + ": links below the shared directory are not followed");
            }
        }
    }

    /** The short link to the directory; one that leads elsewhere is another's, and 5. */
    private void makeLink(Path shortLink) {
        try {
            Files.createDirectories(shortLink.getParent());
            if (!Files.isSymbolicLink(shortLink)) {
                Files.createSymbolicLink(shortLink, dir);
                madeLink = true;
                log.ifPresent(l -> l.log(Level.INFO, "sockets in {0} through {1}: the directory is too long for a"
                        + " unix socket", dir, shortLink));
            } else if (!Files.readSymbolicLink(shortLink).equals(dir)) {
                throw new CniException(ErrorCode.IO_FAILURE, shortLink + " links to "
                        + Files.readSymbolicLink(shortLink) + ", not to the pod's socket directory " + dir);
            }
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot link " + shortLink + " to " + dir, e);
        }
    }

    private Optional<GroupPrincipal> group(Optional<String> name) {
        if (name.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(dir.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByGroupName(name.get()));
        } catch (UserPrincipalNotFoundException e) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "host.vhost.group: no group named '"
                    + name.get() + "'");
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot look up group '" + name.get() + "'", e);
        }
    }

    /** The directory becomes the group's, {@code 0770}: its members reach the sockets, nobody else does. */
    private void share(GroupPrincipal group) {
        try {
            Files.getFileAttributeView(dir, PosixFileAttributeView.class).setGroup(group);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwx---"));
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot prepare the socket directory " + dir, e);
        }
    }

    private static boolean fits(Path path) {
        return bytes(path) <= MAX_SOCKET_PATH_BYTES;
    }

    private static int bytes(Path path) {
        return path.toString().getBytes(StandardCharsets.UTF_8).length;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }
}
