package org.userspacecni.host;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.userspacecni.core.Providers;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.PodStore;
import org.userspacecni.spi.PodStoreProvider;

/**
 * The pod an attachment belongs to, when a platform ({@link PodStoreProvider}, e.g. Kubernetes) serves it:
 * where its sockets go, and its store, which carries the container configuration to the pod beside the file
 * store. Sockets go where the original put them: the pod's own {@code shared-dir} volume, else
 * {@code <sharedDir>/<first 12 chars of the container id>/}. A directory whose sockets would not fit a unix
 * socket's 107 bytes is reached through a short link, {@code <link dir>/<pod uid>}, instead of the original's
 * bind mount: the kernel follows the link when the socket is bound and connected, so the switch and the pod see
 * one directory, and there is no mount to leave behind. Without a platform everything is as configured.
 */
final class Pods implements AutoCloseable {

    /** Where the short links live unless {@code USERSPACE_CNI_SOCKET_LINK_DIR} says otherwise. */
    static final Path DEFAULT_LINK_DIR = Path.of("/var/lib/vhost_sockets");
    /** The longest default socket name, {@code memif-<12>-<15>.sock}, and a unix socket path's limit. */
    static final int LONGEST_SOCKET_NAME = 39;
    static final int MAX_SOCKET_PATH_BYTES = 107;

    private final Optional<PodStore> store;
    private final Path linkDir;
    private final System.Logger log;
    /** Whether this command made the pod's socket directory or its link (a failed ADD removes only those). */
    private boolean made;

    private Pods(Optional<PodStore> store, Path linkDir, System.Logger log) {
        this.store = store;
        this.linkDir = linkDir;
        this.log = log;
    }

    /**
     * The first of the pod stores installed that serves this attachment's pod, if any does. One that was refused
     * fails the command ({@link Providers#all}): it cannot be asked whether the pod is its, and going on without it
     * would leave the pod without its configuration.
     */
    static Pods open(Providers<PodStoreProvider> installed, NetConf conf, Map<String, String> cniArgs,
            BackendContext context) {
        List<PodStoreProvider> providers = installed.all();
        Path linkDir = context.environment("USERSPACE_CNI_SOCKET_LINK_DIR").map(Path::of).orElse(DEFAULT_LINK_DIR);
        for (PodStoreProvider provider : providers) {
            Optional<PodStore> store = provider.open(conf, cniArgs, context);
            if (store.isPresent()) {
                context.logger().log(Level.DEBUG, "pod store: {0}", provider.name());
                return new Pods(store, linkDir, context.logger());
            }
        }
        return new Pods(Optional.empty(), linkDir, context.logger());
    }

    /** No platform: the configuration as it is. */
    static Pods none(BackendContext context) {
        return new Pods(Optional.empty(), DEFAULT_LINK_DIR, context.logger());
    }

    /** The configuration with the pod's socket directory; {@code create} makes the directory and its link. */
    NetConf attachmentConf(NetConf conf, AttachmentId id, boolean create) {
        if (store.isEmpty()) {
            return conf;
        }
        Optional<Path> volume = store.get().sharedDir();
        Path dir = volume.orElse(conf.sharedDirPath().resolve(id.shortContainerId()));
        if (bytes(dir) + 1 + LONGEST_SOCKET_NAME <= MAX_SOCKET_PATH_BYTES) {
            if (create) {
                made = createSocketDirectory(dir, volume.isEmpty());
            }
            return conf.withSharedDir(dir);
        }
        Path link = linkDir.resolve(store.get().podUid());
        if (create) {
            made = createSocketDirectory(dir, volume.isEmpty());
            createDirectories(linkDir);
            try {
                if (!Files.isSymbolicLink(link)) {
                    Files.createSymbolicLink(link, dir);
                    made = true;
                } else if (!Files.readSymbolicLink(link).equals(dir)) {
                    throw new CniException(ErrorCode.IO_FAILURE, link + " links to " + Files.readSymbolicLink(link)
                            + ", not to the pod's socket directory " + dir);
                }
            } catch (IOException e) {
                throw new CniException(ErrorCode.IO_FAILURE, "cannot link " + link + " to " + dir, e);
            }
            log.log(Level.INFO, "sockets in {0} through {1}: the directory is too long for a unix socket", dir, link);
        }
        return conf.withSharedDir(link);
    }

    void put(ContainerConfig config) {
        store.ifPresent(pod -> pod.put(config));
    }

    void delete(AttachmentId id) {
        store.ifPresent(pod -> pod.delete(id));
    }

    /** After a failed ADD: what {@link #release} removes, if this ADD made the directory or its link. */
    void releaseMade(NetConf conf, AttachmentId id) {
        if (made) {
            release(conf, id, false);
        }
    }

    /**
     * After DEL: the link and the per-container directory go once nothing is left in the directory (a pod's
     * own volume is the kubelet's to remove); a per-container directory that {@code directoryShared} says another
     * attachment's container id names too stays, empty or not.
     */
    void release(NetConf conf, AttachmentId id, boolean directoryShared) {
        if (store.isEmpty()) {
            return;
        }
        Path perContainer = conf.sharedDirPath().resolve(id.shortContainerId());
        Path dir;
        String podUid;
        try {
            dir = store.get().sharedDir().orElse(perContainer);
            podUid = store.get().podUid();
        } catch (CniException e) {
            log.log(Level.DEBUG, "the pod is gone: " + e.getMessage());
            dir = perContainer; // its volume went with it; a link, if any, names its uid, which is lost
            podUid = null;
        }
        try {
            if (Files.isDirectory(dir) && !isEmpty(dir)) {
                return;
            }
            if (podUid != null) {
                Files.deleteIfExists(linkDir.resolve(podUid));
            }
            if (dir.equals(perContainer) && !directoryShared) {
                Files.deleteIfExists(perContainer);
            }
        } catch (IOException e) {
            log.log(Level.WARNING, "cannot tidy the socket directory " + dir + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        store.ifPresent(PodStore::close);
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static int bytes(Path path) {
        return path.toString().getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * The pod's socket directory: a volume as the pod spec names it, or {@code <sharedDir>/<short id>}, which is
     * below the shared directory and so ours: made {@code 0700} one element at a time, and refused where a
     * symbolic link stands in its place (it would put the sockets, and their removal, elsewhere).
     */
    private static boolean createSocketDirectory(Path dir, boolean belowSharedDir) {
        if (!belowSharedDir) {
            createDirectories(dir);
            return false;
        }
        createDirectories(dir.getParent());
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                    "rwx------")));
            return true;
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new CniException(ErrorCode.IO_FAILURE, "the socket directory " + dir + " is "
                        + (Files.isSymbolicLink(dir) ? "a symbolic link" : "not a directory")
                        + ": links below the shared directory are not followed");
            }
            return false;
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot create the socket directory " + dir, e);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot create the socket directory " + dir, e);
        }
    }
}
