package org.userspacecni.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.userspacecni.core.Json;
import org.userspacecni.core.store.ConfigAnnotations;
import org.userspacecni.core.store.DownwardApiConfigStore;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.DatapathStatus;
import org.userspacecni.spi.InterfaceType;
import org.userspacecni.spi.MemifRole;
import org.userspacecni.spi.Side;
import org.userspacecni.spi.VhostMode;

/**
 * {@code usrsp-agent doctor}: the seed image's "EAL init panics because there is an issue with the
 * hugepages" turned into a diagnosis. Each check says what it found and, when it fails, what is wrong and the
 * command that fixes it: hugepages reserved and free for the DPDK socket memory, a hugetlbfs mount, the
 * shared directory, the data directory or pod annotations file, the stored sockets, and the container's datapath
 * as the container side of the engine its attachments use reports it (left out with {@code --before-start},
 * which an entrypoint runs before it starts its datapath); and where what DPDK asks does not fit the container's
 * cpuset, hugepage limit or the port's NUMA node ({@link EalPlacement#checks}). With {@code --in-memory} a
 * hugetlbfs mount is not required; with {@code --no-hugepages} (a VPP on ordinary pages) no hugepages are.
 */
final class Doctor {

    /** One check: its name, whether it passed, what was found, and how to fix it. */
    record Check(String name, boolean ok, String found, String fix) {
    }

    private final AgentOptions options;
    private final AttachmentSource source;
    private final Optional<String> engine;
    private final DatapathStatus datapath;
    private final String reach;
    private final ContainerResources resources;

    /**
     * {@code datapath} is the status of the container's {@code engine}, the one its attachments use (none while
     * nothing is stored and no engine was named); {@code reach} says how the agent is told where it is.
     */
    Doctor(AgentOptions options, AttachmentSource source, Optional<String> engine, DatapathStatus datapath,
            String reach, ContainerResources resources) {
        this.options = options;
        this.source = source;
        this.engine = engine;
        this.datapath = datapath;
        this.reach = reach;
        this.resources = resources;
    }

    List<Check> run() {
        List<Check> checks = new ArrayList<>();
        if (options.noHugepages()) {
            checks.add(new Check("hugepages", true, "not needed: the datapath takes ordinary pages", ""));
        } else {
            hugepages(checks);
        }
        List<ContainerConfig> stored = List.of();
        Optional<CniException> unreadable = Optional.empty();
        try {
            stored = source.store().list();
        } catch (CniException e) {
            unreadable = Optional.of(e);
        }
        checks.addAll(new EalPlacement(resources, options.eal().withRecordedNode(stored))
                .checks(!options.noHugepages()));
        storeAndSockets(checks, stored, unreadable);
        return checks;
    }

    private void hugepages(List<Check> checks) {
        long total = resources.hugepagesTotal();
        long sizeKb = resources.hugepageKb();
        long socketMemMb = options.eal().socketMemMb();
        boolean inMemory = options.eal().inMemory();
        checks.add(new Check("hugepages reserved", total > 0, total + " pages of " + sizeKb + " kB",
                "on the host: echo 1024 > /proc/sys/vm/nr_hugepages (DPDK's EAL fails with \"Cannot get hugepage"
                        + " information\" without them)"));
        long freeMb = resources.hugepagesFree() * sizeKb / 1024;
        checks.add(new Check("hugepages free for the socket memory", freeMb >= socketMemMb,
                resources.hugepagesFree() + " free pages = " + freeMb + " MB, socket memory " + socketMemMb + " MB",
                "reserve more pages on the host, or lower the DPDK socket memory"));
        List<String> mounts = resources.hugetlbfsMounts();
        checks.add(new Check("hugetlbfs mounted", !mounts.isEmpty() || inMemory,
                (mounts.isEmpty() ? "no hugetlbfs mount" : String.join(", ", mounts))
                        + (inMemory ? " (not needed: DPDK runs --in-memory)" : ""),
                "mount -t hugetlbfs -o pagesize=2M none /dev/hugepages (or run DPDK with --in-memory)"));
    }

    /**
     * The directories and each stored attachment's socket; {@code unreadable} is why the store could not be read,
     * and then the shared directory is the one given or the default.
     */
    private void storeAndSockets(List<Check> checks, List<ContainerConfig> stored,
            Optional<CniException> unreadable) {
        Path sharedDir = options.sharedDir().orElse(AgentOptions.DEFAULT_SHARED_DIR);
        if (unreadable.isEmpty()) {
            try {
                sharedDir = source.sharedDir();
            } catch (CniException e) {
                unreadable = Optional.of(e);
            }
        }
        checks.add(directory("shared directory", sharedDir));
        Optional<CniException> problem = unreadable;
        checks.add(source.podAnnotations().map(annotations -> podAnnotations(annotations, problem))
                .orElseGet(() -> directory("data directory", source.location())));
        for (ContainerConfig config : stored) {
            Path socket = sharedDir.resolve(config.socket());
            Side side = config.config();
            boolean serverHere;
            if (InterfaceType.MEMIF.equals(side.iftype())) {
                serverHere = side.memif().roleOrDefault() == MemifRole.MASTER;
            } else if (InterfaceType.VHOSTUSER.equals(side.iftype())) {
                serverHere = side.vhost().modeOrDefault() == VhostMode.SERVER;
            } else {
                continue; // an engine's own type: whether it has a socket at all is the engine's to say
            }
            checks.add(new Check("socket of " + config.ifName(), serverHere || Files.exists(socket),
                    socket + (Files.exists(socket) ? " exists" : " is missing"),
                    "the host switch makes it: check the host's switch and that the shared directory is mounted here"));
        }
        if (!options.beforeStart()) {
            checks.add(engine.map(name -> new Check("container datapath (" + name + ")", datapath.available(),
                    datapath.message(), "start the container's datapath, or tell the agent where it is: " + reach))
                    .orElseGet(() -> new Check("container datapath", true, "no attachment is stored yet, and no"
                            + " engine named with --engine-option: there is no engine to ask", "")));
        }
    }

    static boolean passed(List<Check> checks) {
        return checks.stream().allMatch(Check::ok);
    }

    static String text(List<Check> checks) {
        return checks.stream().map(check -> (check.ok() ? "ok    " : "FAIL  ") + check.name() + ": " + check.found()
                + (check.ok() ? "" : "\n      fix: " + check.fix())).collect(Collectors.joining("\n"));
    }

    static String json(List<Check> checks) {
        try {
            return Json.mapper().writeValueAsString(Map.of("ok", passed(checks), "checks", checks));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The annotations file is there, readable, with the host plugin's annotation. */
    private static Check podAnnotations(DownwardApiConfigStore annotations, Optional<CniException> unreadable) {
        Path file = annotations.file();
        if (!Files.isReadable(file)) {
            return new Check("pod annotations", false, file + " is missing or unreadable",
                    "mount a downwardAPI volume with the item path \"annotations\", fieldRef metadata.annotations at "
                            + file.getParent() + " (docs/container-agent.md), or pass --podinfo FILE");
        }
        Optional<CniException> problem = unreadable;
        boolean ok = false;
        if (problem.isEmpty()) {
            try {
                ok = annotations.hasConfigurationData();
            } catch (CniException e) {
                problem = Optional.of(e);
            }
        }
        if (problem.isPresent()) {
            return new Check("pod annotations", false, problem.get().getMessage(),
                    "the kubelet writes this file and the host plugin the annotation: check the plugin's log, and"
                            + " that nothing else writes either");
        }
        return new Check("pod annotations", ok, file + (ok ? " has " : " has no ")
                + ConfigAnnotations.CONFIGURATION_DATA, "the host plugin writes it on ADD with its kubeconfig,"
                + " and the kubelet projects it on its next sync of the pod: check the plugin's log");
    }

    private Check directory(String name, Path dir) {
        boolean ok = Files.isDirectory(dir) && Files.isReadable(dir);
        return new Check(name, ok, dir + (ok ? "" : " is missing or unreadable"),
                "mount it into the container (-v <host dir>:" + dir + ") or pass its path");
    }
}
