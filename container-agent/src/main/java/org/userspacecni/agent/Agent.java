package org.userspacecni.agent;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.userspacecni.core.BackendRegistry;
import org.userspacecni.core.store.ConfigReader;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.ContainerSide;
import org.userspacecni.spi.DatapathBackend;
import org.userspacecni.spi.DatapathBackendProvider;
import org.userspacecni.spi.DatapathStatus;

/**
 * Keeps the container's datapath in step with the config store: every stored attachment applied through
 * the container side of its engine, every one that went away removed. It reacts to changes of the store's
 * directory (the data directory, or the directory of the pod annotations file, where the kubelet swaps in each
 * new copy) as the kernel reports them (a {@link WatchService}), not by polling.
 *
 * <p>Its first pass starts from what an earlier run noted as applied ({@link AppliedAttachments}), so that an
 * agent killed and started again converges: what went from the store while it was down is removed from the
 * datapath, what is still there unchanged is left alone, and the rest is applied.
 *
 * <p>Between changes of the store it looks every {@link #DATAPATH_LOOK} whether the datapath still has what was
 * applied: a container VPP that restarted has lost it all, and it is applied again, so the container's ends come
 * back without the pod being recreated.
 */
final class Agent {

    private final AttachmentSource source;
    private final AppliedAttachments earlier;
    private final ConfigReader store;
    private final Path watchedDir;
    /** How often {@link #run} looks whether the datapath lost what was applied, between changes of the store. */
    static final Duration DATAPATH_LOOK = Duration.ofSeconds(1);

    private final BackendRegistry backends;
    private final BackendContext context;
    private final Clock clock;
    private final FilesystemRoot root;
    private final System.Logger log;
    private final Map<AttachmentId, ContainerConfig> applied = new HashMap<>();
    private boolean recovered;

    @Inject
    Agent(AttachmentSource source, AppliedAttachments earlier, BackendRegistry backends, BackendContext context,
            Clock clock, FilesystemRoot root) {
        this.source = source;
        this.earlier = earlier;
        this.store = source.store();
        this.watchedDir = source.watchedDir();
        this.backends = backends;
        this.context = context;
        this.clock = clock;
        this.root = root;
        this.log = context.logger();
    }

    /**
     * Applies what is stored, waiting up to {@code timeout} for at least one entry and for every link;
     * true when all stored attachments are up.
     */
    boolean runOnce(Duration timeout) throws IOException, InterruptedException {
        Instant deadline = clock.instant().plus(timeout);
        try (WatchService watcher = watch()) {
            while (true) {
                boolean allUp = reconcile();
                if (allUp && !applied.isEmpty()) {
                    return true;
                }
                Duration left = Duration.between(clock.instant(), deadline);
                if (left.isNegative() || left.isZero()) {
                    log.log(Level.ERROR, stored().isEmpty() ? "no attachment was stored within " + timeout.toSeconds()
                            + " s in " + source.describe()
                            : "not every attachment came up within " + timeout.toSeconds() + " s");
                    return false;
                }
                WatchKey key = watcher.poll(Math.min(left.toMillis(), 1000), TimeUnit.MILLISECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
        }
    }

    /** Applies what is stored, then follows the store until the process is stopped. */
    void run() throws IOException, InterruptedException {
        while (true) {
            try (WatchService watcher = watch()) {
                boolean settled = reconcile();
                log.log(Level.INFO, "following " + source.describe());
                // A key stops being valid when its directory is removed (DEL of the container's last
                // attachment), and watching the parent ends once the directory is there: watch anew.
                boolean watchingStoreDir = Files.isDirectory(watchedDir);
                while (true) {
                    WatchKey key = watcher.poll(DATAPATH_LOOK.toMillis(), TimeUnit.MILLISECONDS);
                    if (key == null) {
                        // What failed to apply (its datapath still starting, say) is tried again, and what the
                        // datapath lost is applied again.
                        if (reapplyLost() || !settled) {
                            settled = reconcile();
                        }
                        continue;
                    }
                    if (!key.reset()) {
                        break;
                    }
                    key.pollEvents();
                    if (watchingStoreDir != Files.isDirectory(watchedDir)) {
                        break;
                    }
                    settled = reconcile();
                }
            }
        }
    }

    /**
     * One pass: applies new and changed attachments, removes the ones no longer stored; true if all are up. A
     * store that cannot be read (a malformed annotations file) changes nothing: what is applied stays.
     */
    boolean reconcile() {
        Map<AttachmentId, ContainerConfig> wanted = new HashMap<>();
        Path sharedDir;
        try {
            store.list().forEach(config -> wanted.put(config.id(), config));
            sharedDir = source.sharedDir();
        } catch (CniException e) {
            log.log(Level.ERROR, "cannot read the attachments in " + source.describe() + ": " + e.getMessage()
                    + (e.details().isEmpty() ? "" : " (" + e.details() + ")"));
            return false;
        }
        if (!recovered) {
            recover(wanted);
            recovered = true;
        }
        for (ContainerConfig gone : List.copyOf(applied.values())) {
            if (!gone.equals(wanted.get(gone.id()))) {
                try {
                    side(gone).remove(gone);
                    applied.remove(gone.id());
                    earlier.removed(gone.id());
                    log.log(Level.INFO, "removed " + gone.id());
                } catch (CniException e) {
                    log.log(Level.ERROR, "cannot remove " + gone.id() + ": " + e.getMessage());
                }
            }
        }
        boolean allUp = true;
        for (ContainerConfig config : wanted.values()) {
            if (applied.containsKey(config.id())) {
                continue;
            }
            try {
                earlier.applying(config);
                side(config).apply(config, sharedDir.resolve(config.socket()));
                applied.put(config.id(), config);
                log.log(Level.INFO, "applied " + config.id() + " (" + config.config().engine() + ", "
                        + config.config().iftype() + ", socket " + config.socket() + ")");
            } catch (CniException e) {
                allUp = false;
                log.log(Level.ERROR, "cannot apply " + config.id() + ": " + e.getMessage()
                        + (e.details().isEmpty() ? "" : " (" + e.details() + ")"));
            }
        }
        return allUp;
    }

    /**
     * Finds what the datapath lost while the store stayed as it was (a container VPP that restarted has none of its
     * interfaces) and counts it as not applied any more; true if there was any, for {@link #reconcile} to apply it
     * again. A datapath that does not answer (still starting) is looked at again next time.
     */
    private boolean reapplyLost() {
        boolean lost = false;
        for (ContainerConfig config : List.copyOf(applied.values())) {
            try {
                if (side(config).linkState(config).equals("absent")) {
                    log.log(Level.WARNING, config.id() + " is gone from the datapath (restarted?): applying it again");
                    applied.remove(config.id());
                    lost = true;
                }
            } catch (CniException e) {
                log.log(Level.DEBUG, "cannot read the link of " + config.id() + ": " + e.getMessage());
            }
        }
        return lost;
    }

    /**
     * Takes over what an earlier run applied or began to apply. Still wanted unchanged and still in the
     * datapath: applied, left alone. Anything else counts as applied too, so that this pass removes it (gone
     * from the store, or changed) — except a wanted one the datapath does not have, which is applied again.
     */
    private void recover(Map<AttachmentId, ContainerConfig> wanted) {
        for (ContainerConfig config : earlier.list()) {
            boolean wantedAsItIs = config.equals(wanted.get(config.id()));
            if (wantedAsItIs && !inDatapath(config)) {
                continue;
            }
            applied.put(config.id(), config);
            if (wantedAsItIs) {
                log.log(Level.INFO, "kept " + config.id() + " as an earlier run of the agent left it");
            }
        }
    }

    private boolean inDatapath(ContainerConfig config) {
        try {
            return !side(config).linkState(config).equals("absent");
        } catch (CniException e) {
            log.log(Level.WARNING, "cannot read the link of " + config.id() + " (" + e.getMessage()
                    + "); applying it again");
            return false;
        }
    }

    /**
     * The diagnosis of this container's setup; the datapath checked is the first stored engine's, else that of the
     * first engine the options were given for.
     */
    Doctor doctor(AgentOptions options) {
        Optional<String> engine = stored().stream().map(config -> config.config().engine()).findFirst()
                .or(() -> options.engineOptions().keySet().stream().sorted()
                        .map(EngineOptions::engineOf).findFirst());
        DatapathStatus datapath = DatapathStatus.up();
        String reach = "";
        if (engine.isPresent()) {
            try {
                DatapathBackendProvider provider = backends.provider(engine.get());
                reach = EngineOptions.settable(engine.get(), provider.options());
                datapath = provider.create(context).container().status();
            } catch (CniException e) {
                datapath = DatapathStatus.unavailable(e.getMessage());
            }
        }
        return new Doctor(options, source, engine, datapath, reach, resources());
    }

    /**
     * The DPDK EAL arguments for an application that attaches itself: the cores and memory that fit the container
     * ({@link EalPlacement}), unless only the vdevs are asked for, then one vdev per stored attachment; with
     * {@code --app-args} the application's queue counts after them.
     */
    List<String> ealArgs(AgentOptions options) {
        List<ContainerConfig> stored = stored();
        List<String> vdevs = EalArgs.of(stored, sharedDir());
        List<String> args = new ArrayList<>();
        if (!options.vdevsOnly()) {
            args.addAll(new EalPlacement(resources(), options.eal().withRecordedNode(stored)).args());
        }
        args.addAll(vdevs);
        if (options.appArgs()) {
            args.addAll(EalArgs.queueArgs(stored));
        }
        return args;
    }

    /**
     * The CPUs and hugepages this container may use, as of now; the Downward API's files are looked for beside
     * the pod annotations file, else in the directory of its default place.
     */
    private ContainerResources resources() {
        Path podinfo = source.podAnnotations().map(annotations -> annotations.file().toAbsolutePath().getParent())
                .orElse(root.resolve(AgentOptions.DEFAULT_PODINFO).getParent());
        return ContainerResources.read(root.path(), podinfo);
    }

    /** What the store holds now. */
    List<ContainerConfig> stored() {
        return store.list();
    }

    /** The directory the stored sockets are relative to, as of now. */
    Path sharedDir() {
        return source.sharedDir();
    }

    /** The container side of the attachment's engine, which must take its interface type (else error 2). */
    ContainerSide side(ContainerConfig config) {
        DatapathBackend backend = backends.provider(config.config().engine()).create(context);
        backend.requireInterfaceType("container", config.config());
        return backend.container();
    }

    /**
     * Watches the store directory, or, while it does not exist (not created yet, or removed with the
     * container's last attachment), its parent, for it to appear.
     */
    private WatchService watch() throws IOException {
        Path watched = Files.isDirectory(watchedDir) ? watchedDir : watchedDir.toAbsolutePath().getParent();
        WatchService watcher = FileSystems.getDefault().newWatchService();
        watched.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                StandardWatchEventKinds.ENTRY_MODIFY);
        return watcher;
    }
}
