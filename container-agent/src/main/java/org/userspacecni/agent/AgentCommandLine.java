package org.userspacecni.agent;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.userspacecni.core.CommandLines;
import org.userspacecni.spi.LogLevel;
import org.userspacecni.spi.SpiVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The command line of {@code usrsp-agent} as picocli reads it: the options every subcommand shares (given before
 * or after the subcommand), and one class per subcommand with its own flags. {@link AgentOptions#of} turns what
 * was given into the options the agent runs with.
 */
@Command(name = "usrsp-agent", mixinStandardHelpOptions = true, versionProvider = AgentCommandLine.Version.class,
        description = "The userspace CNI agent inside a data-plane container: applies the attachments the CNI"
                + " plugin stored for this container to its own datapath.",
        subcommands = {AgentCommandLine.Run.class, AgentCommandLine.Status.class, AgentCommandLine.EalArgs.class,
                AgentCommandLine.Doctor.class, AgentCommandLine.Engines.class, HelpCommand.class},
        footer = {"", "Exit status: 0 done (all up), 1 not all up or failed (said on stderr), 2 bad usage."})
final class AgentCommandLine {

    @Option(names = "--data-dir", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "the config store's directory for this container (default: /etc/podinfo/annotations"
                    + " when it holds the plugin's annotation, else /var/lib/cni/usrspcni/data)")
    Path dataDir;

    @Option(names = "--podinfo", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "the pod's annotations file (a Downward API volume) to read the attachments from")
    Path podinfo;

    @Option(names = "--shared-dir", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "where the container sees the shared socket directory (default: the pod's mapped"
                    + " directory, else /var/lib/cni/usrspcni/shared)")
    Path sharedDir;

    @Option(names = "--engine-option", paramLabel = "ENGINE.NAME=VALUE", scope = ScopeType.INHERIT,
            description = "an option an engine declares, for the container's datapath, e.g."
                    + " ovs-dpdk.ovsdbSocket=/run/openvswitch/db.sock or vpp.apiSocket=/run/vpp/api.sock; repeatable"
                    + " (the configuration reference lists each engine's options)")
    Map<String, String> engineOptions = new LinkedHashMap<>();

    @Option(names = "--state-dir", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "where the agent notes what it applied (default: ${DEFAULT-VALUE})")
    Path stateDir = AgentOptions.DEFAULT_STATE_DIR;

    @Option(names = "--log-level", paramLabel = "LEVEL", scope = ScopeType.INHERIT, converter = LevelConverter.class,
            description = "panic, error, warning, info (default), debug, verbose")
    LogLevel logLevel = LogLevel.INFO;

    /** The command line over this model, writing help and version to {@code out} and usage errors to {@code err}. */
    static CommandLine of(PrintWriter out, PrintWriter err) {
        return CommandLines.of(new AgentCommandLine(), out, err);
    }

    @Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = {"Applies every stored attachment through the container side of its engine, then follows"
                    + " the store: applies new attachments, removes those that go away, and applies again what the"
                    + " datapath lost."})
    static final class Run {
        @Option(names = "--once", description = "apply what is there, wait for the links, exit 0 when all are up")
        boolean once;

        @Option(names = "--timeout", paramLabel = "SECONDS",
                description = "with --once: how long to wait (default: ${DEFAULT-VALUE})")
        long timeoutSeconds = 60;
    }

    @Command(name = "status", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "Each attachment with its network, engine, socket and link (up, down, absent or unknown),"
                    + " in the words of the node's 'userspace status'; exit 0 when all are up.")
    static final class Status {
        @Option(names = "--sockets", description = "whether each socket is there instead of the link (a container"
                + " whose DPDK application is the datapath)")
        boolean sockets;

        @Option(names = "--json", description = "one JSON document instead of a table")
        boolean json;
    }

    @Command(name = "eal-args", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = {"The DPDK EAL arguments for an application that attaches itself: its cores (-l or"
                    + " --lcores, in the container's cpuset), its memory (--socket-mem on the port's NUMA node, else"
                    + " -m; within the container's hugepage limit), --file-prefix, --in-memory when no hugetlbfs is"
                    + " mounted, then one --vdev per attachment. Exit 1, saying why, when the cpuset or the hugepage"
                    + " limit cannot hold what is asked."})
    static final class EalArgs {
        @Mixin
        Placement placement = new Placement();

        @Option(names = "--vdevs-only", description = "only the --vdev arguments, as before the core and memory ones"
                + " (for a caller that gives its own -l, -m and --file-prefix)")
        boolean vdevsOnly;

        @Option(names = "--app-args", description = "also the application's queue arguments after the EAL's:"
                + " -- --rxq=N --txq=N, N the most queues an attachment has (for testpmd and applications like it)")
        boolean appArgs;
    }

    @Command(name = "doctor", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "Checks hugepages, the cpuset and hugepage limit against what DPDK asks, the port's NUMA"
                    + " node, directories, sockets and the container's switch; each failed check says how to fix it."
                    + " Exit 0 when all pass.")
    static final class Doctor {
        @Mixin
        Placement placement = new Placement();

        @Option(names = "--json", description = "the checks as JSON")
        boolean json;

        @Option(names = "--before-start", description = "leave out the container's switch (not started yet)")
        boolean beforeStart;

        @Option(names = "--no-hugepages", description = "leave out all hugepage checks (a VPP on ordinary pages)")
        boolean noHugepages;
    }

    /** What a DPDK application asks of the container ({@link EalRequest}): the flags of eal-args and doctor. */
    static final class Placement {
        @Option(names = "--cores", paramLabel = "N",
                description = "lcores: a main one and forwarding ones, on the lowest CPUs of the cpuset (default:"
                        + " ${DEFAULT-VALUE})")
        int cores = EalRequest.DEFAULT_CORES;

        @Option(names = "--cpus", paramLabel = "LIST", converter = KernelListConverter.class,
                description = "the CPUs the application runs on instead (its -l, e.g. 0-1,4), which must be in the"
                        + " cpuset")
        KernelList cpus;

        @Option(names = "--socket-mem", paramLabel = "MB",
                description = "the hugepage memory DPDK takes, which the hugepages and the container's hugepage"
                        + " limit must hold (default: ${DEFAULT-VALUE})")
        long socketMemMb = EalRequest.DEFAULT_SOCKET_MEM_MB;

        @Option(names = "--numa-node", paramLabel = "N", defaultValue = "${env:" + EalRequest.NUMA_NODE_VARIABLE + "}",
                description = "the NUMA node of the host port's memory, where the socket memory goes (default: $"
                        + EalRequest.NUMA_NODE_VARIABLE + " when set, else unknown: memory from any node)")
        Integer numaNode;

        @Option(names = "--in-memory", description = "DPDK runs --in-memory: no hugetlbfs mount is needed (eal-args"
                + " gives --in-memory anyway when none is mounted)")
        boolean inMemory;

        /** The request; a value out of its range is an {@link IllegalArgumentException} naming the option. */
        EalRequest request() {
            return new EalRequest(cores, Optional.ofNullable(cpus), socketMemMb, Optional.ofNullable(numaNode),
                    inMemory);
        }
    }

    @Command(name = "engines", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "The engines on the class path, each with the SPI version it was built for.")
    static final class Engines {
    }

    /** {@code usrsp-agent VERSION (SPI x.y)}. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"usrsp-agent " + CommandLines.version(Main.class) + " (SPI " + SpiVersion.CURRENT
                    + ")"};
        }
    }

    /** {@link KernelList#parse}, whose refusal shows the format. */
    static final class KernelListConverter implements CommandLine.ITypeConverter<KernelList> {
        @Override
        public KernelList convert(String value) {
            try {
                return KernelList.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@link LogLevel#of}, whose refusal names the levels. */
    static final class LevelConverter implements CommandLine.ITypeConverter<LogLevel> {
        @Override
        public LogLevel convert(String value) {
            try {
                return LogLevel.of(value);
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
