package org.userspacecni.host;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.userspacecni.core.BackendRegistry;
import org.userspacecni.core.ProviderLoader;
import org.userspacecni.core.CniLog;
import org.userspacecni.core.ProgramContext;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.DatapathBackend;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.Network;

/**
 * The daemon's watch for a switch that started anew and lost the host ends it served (a VPP restarted keeps
 * nothing). Every {@link #INTERVAL} it asks, for each attachment the journals of the data directories it knows
 * record with a host end, its engine's {@link org.userspacecni.spi.HostSide#instance} (for vpp, a look at the API
 * socket file, asking VPP nothing); where that differs from the run of the switch the journal says the host end was
 * made on, it restores the attachment ({@link HostPortRestore}, which notes the new run) under the daemon's
 * {@link AttachmentLocks}, so never beside an ADD or DEL of it. A restore that fails is tried again at the next look.
 *
 * <p>The data directories are the default one and each one an ADD the daemon ran named, with that request's
 * environment and backends. Since the journal keeps the run, a switch that restarted while no daemon ran is noticed
 * at the daemon's first look too.
 */
final class SwitchWatch implements AutoCloseable {

    static final Duration INTERVAL = Duration.ofMillis(500);

    /** Where a data directory was learnt: the environment and the backends its engines run with. */
    private record Origin(Map<String, String> variables, ClassLoader backends) {
    }

    private final ConcurrentMap<Path, Origin> dataDirs = new ConcurrentHashMap<>();
    /** Read by the watch and by the metrics' scrapes. */
    private final ConcurrentMap<ClassLoader, BackendRegistry> registries = new ConcurrentHashMap<>();
    /** The last failure told for each attachment, so that one that keeps failing is told once. */
    private final Map<String, String> failing = new HashMap<>();
    private final AttachmentLocks locks;
    private final PrintStream log;
    private final CniLog engineLog;
    private final Thread thread;
    private volatile boolean stopped;

    SwitchWatch(AttachmentLocks locks, PrintStream log) {
        this.locks = locks;
        this.log = log;
        this.engineLog = new CniLog("userspace", log);
        this.thread = new Thread(this::watch, "switch-watch");
        thread.setDaemon(true);
    }

    /** Starts watching the default data directory, with the daemon's environment and class path. */
    void start() {
        dataDirs.put(NetConf.DEFAULT_DATA_DIR, new Origin(System.getenv(), SwitchWatch.class.getClassLoader()));
        thread.start();
    }

    /** Watches {@code dataDir} too, with the engines a request that named it ran with. */
    void learn(Path dataDir, Map<String, String> variables, ClassLoader backends) {
        dataDirs.put(dataDir, new Origin(Map.copyOf(variables), backends));
    }

    /** What the switches show now of the attachments of every data directory watched ({@link PortStates}). */
    PortStates.Report portStates() {
        List<PortStates.Report> reports = new ArrayList<>();
        dataDirs.forEach((dataDir, origin) -> reports.add(PortStates.read(registry(origin),
                new ProgramContext(origin.variables(), engineLog), dataDir)));
        return PortStates.Report.merge(reports);
    }

    private BackendRegistry registry(Origin origin) {
        return registries.computeIfAbsent(origin.backends(), loader -> BackendRegistry.load(new ProviderLoader(loader),
                engineLog));
    }

    private void watch() {
        while (!stopped) {
            try {
                dataDirs.forEach(this::look);
            } catch (RuntimeException e) {
                log.println("userspace daemon: watching the switches failed: " + e);
            }
            try {
                Thread.sleep(INTERVAL.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One look at the attachments of {@code dataDir}: restores those whose switch started anew. */
    private void look(Path dataDir, Origin origin) {
        try {
            BackendRegistry registry = registry(origin);
            ProgramContext context = new ProgramContext(origin.variables(), engineLog);
            HostPortRestore restore = new HostPortRestore(registry, context, dataDir);
            Set<String> changed = new HashSet<>();
            for (AttachmentJournal.Entry entry : restore.journaled()) {
                Optional<AttachmentJournal.HostEnd> end = entry.host();
                Optional<String> now = end.flatMap(made -> instance(registry, context, made));
                if (now.isPresent() && !now.equals(end.get().instance())) {
                    changed.add(key(dataDir, entry));
                }
            }
            if (changed.isEmpty()) {
                return;
            }
            restore.restore(entry -> changed.contains(key(dataDir, entry)), key -> locks.hold(key, () -> { }),
                    result -> {
                        String key = key(dataDir, result.entry());
                        String told = result.describe();
                        if (result.outcome() != HostPortRestore.Outcome.FAILED) {
                            failing.remove(key);
                            log.println("userspace daemon: its switch started anew; " + told);
                        } else if (!told.equals(failing.put(key, told))) {
                            log.println("userspace daemon: its switch started anew; " + told + "; trying again");
                        }
                    });
        } catch (CniException e) {
            log.println("userspace daemon: cannot look at the attachments in " + dataDir + ": " + e.getMessage());
        }
    }

    private static Optional<String> instance(BackendRegistry registry, ProgramContext context,
            AttachmentJournal.HostEnd end) {
        Network network = end.attachment().network();
        try (DatapathBackend backend = registry.provider(network.host().engine()).create(context)) {
            return backend.host().instance(network);
        } catch (CniException e) {
            return Optional.empty(); // an engine that is not installed restores nothing
        }
    }

    private static String key(Path dataDir, AttachmentJournal.Entry entry) {
        return dataDir + "/" + AttachmentJournal.fileName(entry.network(), entry.id());
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
    }
}
