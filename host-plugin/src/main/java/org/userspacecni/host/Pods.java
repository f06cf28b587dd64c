package org.userspacecni.host;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.userspacecni.core.Providers;
import org.userspacecni.core.SocketPlacement;
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
 * {@code <sharedDir>/<first 12 chars of the container id>/}. A directory too long for a socket's name is reached
 * through a short link, {@code <link dir>/<pod uid>}, instead of the original's bind mount ({@link
 * SocketPlacement} decides and makes it), so there is no mount to leave behind. Without a platform the sockets
 * go in the shared directory.
 */
final class Pods implements AutoCloseable {

    /** Where the short links live unless {@code USERSPACE_CNI_SOCKET_LINK_DIR} says otherwise. */
    static final Path DEFAULT_LINK_DIR = Path.of("/var/lib/vhost_sockets");

    private final Optional<PodStore> store;
    private final Path linkDir;
    private final System.Logger log;

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

    /**
     * Where the attachment's sockets go: the shared directory without a platform; else the pod's volume or
     * {@code <sharedDir>/<short id>}, through {@code <link dir>/<pod uid>} for a name too long there.
     */
    SocketPlacement sockets(NetConf conf, AttachmentId id) {
        if (store.isEmpty()) {
            return SocketPlacement.in(conf.sharedDirPath());
        }
        Optional<Path> volume = store.get().sharedDir();
        return SocketPlacement.inPod(volume.orElse(conf.sharedDirPath().resolve(id.shortContainerId())),
                volume.isEmpty(), linkDir.resolve(store.get().podUid()), log);
    }

    void put(ContainerConfig config) {
        store.ifPresent(pod -> pod.put(config));
    }

    void delete(AttachmentId id) {
        store.ifPresent(pod -> pod.delete(id));
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
}
