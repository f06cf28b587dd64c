package org.userspacecni.agent;

import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.userspacecni.core.store.ConfigReader;
import org.userspacecni.core.store.DownwardApiConfigStore;
import org.userspacecni.core.store.FileConfigStore;
import org.userspacecni.spi.CniException;

/**
 * Where this container's attachments come from: the files of the config store in the data directory, or the
 * pod's annotations in the file of a Downward API volume ({@code --podinfo}). Without either option the
 * annotations file at {@link AgentOptions#DEFAULT_PODINFO} is used when it holds the host plugin's annotation,
 * or when there is no data directory to read instead (the kubelet may project the annotation only after the
 * container started); else the default data directory.
 *
 * <p>It also says which directory changes when the attachments do, and where the shared directory is:
 * {@code --shared-dir}, else, for pod annotations, their {@code userspace/mapped-dir}, else the default.
 */
final class AttachmentSource {

    private final ConfigReader store;
    private final Path location;
    private final Optional<DownwardApiConfigStore> podAnnotations;
    private final Optional<Path> sharedDir;

    private AttachmentSource(ConfigReader store, Path location, Optional<DownwardApiConfigStore> podAnnotations,
            Optional<Path> sharedDir) {
        this.store = store;
        this.location = location;
        this.podAnnotations = podAnnotations;
        this.sharedDir = sharedDir;
    }

    static AttachmentSource of(AgentOptions options, System.Logger log) {
        return of(options, AgentOptions.DEFAULT_PODINFO, AgentOptions.DEFAULT_DATA_DIR, log);
    }

    /** As {@link #of(AgentOptions, System.Logger)}, with other places for the defaults. */
    static AttachmentSource of(AgentOptions options, Path defaultPodinfo, Path defaultDataDir, System.Logger log) {
        Optional<Path> podinfo = options.podinfo();
        if (podinfo.isEmpty() && options.dataDir().isEmpty() && Files.exists(defaultPodinfo)
                && (!Files.isDirectory(defaultDataDir) || holdsAttachments(defaultPodinfo, log))) {
            podinfo = Optional.of(defaultPodinfo);
        }
        if (podinfo.isPresent()) {
            log.log(Level.DEBUG, "reading the attachments from the pod annotations in " + podinfo.get());
            DownwardApiConfigStore annotations = new DownwardApiConfigStore(podinfo.get(), log);
            return new AttachmentSource(annotations, podinfo.get(), Optional.of(annotations), options.sharedDir());
        }
        Path dataDir = options.dataDir().orElse(defaultDataDir);
        return new AttachmentSource(FileConfigStore.containerView(dataDir, log), dataDir, Optional.empty(),
                options.sharedDir());
    }

    ConfigReader store() {
        return store;
    }

    /** The data directory, or the annotations file. */
    Path location() {
        return location;
    }

    /** The pod annotations' store, when the attachments come from there. */
    Optional<DownwardApiConfigStore> podAnnotations() {
        return podAnnotations;
    }

    /**
     * The directory whose entries change when the attachments do: the data directory, or the annotations file's
     * directory, where the kubelet swaps its {@code ..data} symlink to a new copy of the file.
     */
    Path watchedDir() {
        return podAnnotations.isPresent() ? location.toAbsolutePath().getParent() : location;
    }

    /** The shared directory as of now: the pod's {@code userspace/mapped-dir} may be projected after the start. */
    Path sharedDir() {
        return sharedDir.or(() -> podAnnotations.flatMap(DownwardApiConfigStore::mappedDir))
                .orElse(AgentOptions.DEFAULT_SHARED_DIR);
    }

    /** Where the attachments are looked for, for messages. */
    String describe() {
        return (podAnnotations.isPresent() ? "the pod annotations " : "") + location;
    }

    /** A file that cannot be parsed is the kubelet's all the same: reading it then says what is wrong. */
    private static boolean holdsAttachments(Path podinfo, System.Logger log) {
        try {
            return new DownwardApiConfigStore(podinfo, log).hasConfigurationData();
        } catch (CniException e) {
            return true;
        }
    }
}
