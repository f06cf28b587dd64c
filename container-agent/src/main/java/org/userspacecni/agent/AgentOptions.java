package org.userspacecni.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.userspacecni.spi.LogLevel;

/**
 * The command line of {@code usrsp-agent}: where the container sees the config store (a data directory, or the
 * pod annotations file of a Downward API volume) and the shared directory, each only if given (the defaults are
 * chosen by {@link AttachmentSource}), its own OVS database and VPP API socket, the directory where it notes what it
 * applied ({@link AppliedAttachments}), the log level, the subcommand and its flags.
 */
record AgentOptions(Optional<Path> dataDir, Optional<Path> sharedDir, Optional<Path> podinfo, String ovsdb,
        Path vppApi, Path stateDir, LogLevel logLevel, String command, boolean once, Duration timeout, boolean json,
        long socketMemMb, boolean beforeStart, boolean inMemory, boolean noHugepages, boolean sockets) {

    static final Path DEFAULT_DATA_DIR = Path.of("/var/lib/cni/usrspcni/data");
    static final Path DEFAULT_SHARED_DIR = Path.of("/var/lib/cni/usrspcni/shared");
    /** Where the pod spec of docs/container-agent.md mounts its Downward API volume of the annotations. */
    static final Path DEFAULT_PODINFO = Path.of("/etc/podinfo/annotations");
    static final String DEFAULT_OVSDB = "unix:/var/run/openvswitch/db.sock";
    static final Path DEFAULT_VPP_API = Path.of("/run/vpp/api.sock");
    /** In the container's {@code /run}: what was applied lives as long as the container's datapath does. */
    static final Path DEFAULT_STATE_DIR = Path.of("/run/usrsp-agent");

    static final String USAGE = "usage: usrsp-agent [--data-dir DIR | --podinfo FILE] [--shared-dir DIR]"
            + " [--ovsdb unix:PATH] [--vpp-api PATH] [--state-dir DIR]"
            + " [--log-level LEVEL] run [--once] [--timeout SECONDS] | status [--sockets] | eal-args"
            + " | doctor [--json] [--socket-mem MB] [--before-start] [--in-memory] [--no-hugepages] | engines | help";

    /** Parses the arguments; an unknown or incomplete one is an {@link IllegalArgumentException}. */
    static AgentOptions parse(List<String> args) {
        Optional<Path> dataDir = Optional.empty();
        Optional<Path> sharedDir = Optional.empty();
        Optional<Path> podinfo = Optional.empty();
        String ovsdb = DEFAULT_OVSDB;
        Path vppApi = DEFAULT_VPP_API;
        Path stateDir = DEFAULT_STATE_DIR;
        LogLevel level = LogLevel.INFO;
        Optional<String> command = Optional.empty();
        boolean once = false;
        boolean json = false;
        Duration timeout = Duration.ofSeconds(60);
        long socketMemMb = 256;
        boolean beforeStart = false;
        boolean inMemory = false;
        boolean noHugepages = false;
        boolean sockets = false;
        List<String> rest = new ArrayList<>(args);
        while (!rest.isEmpty()) {
            String arg = rest.remove(0);
            switch (arg) {
                case "--data-dir":
                    dataDir = Optional.of(Path.of(value(arg, rest)));
                    break;
                case "--shared-dir":
                    sharedDir = Optional.of(Path.of(value(arg, rest)));
                    break;
                case "--podinfo":
                    podinfo = Optional.of(Path.of(value(arg, rest)));
                    break;
                case "--ovsdb":
                    ovsdb = value(arg, rest);
                    break;
                case "--vpp-api":
                    vppApi = Path.of(value(arg, rest));
                    break;
                case "--state-dir":
                    stateDir = Path.of(value(arg, rest));
                    break;
                case "--log-level":
                    level = LogLevel.of(value(arg, rest));
                    break;
                case "--once":
                    once = true;
                    break;
                case "--json":
                    json = true;
                    break;
                case "--before-start":
                    beforeStart = true;
                    break;
                case "--in-memory":
                    inMemory = true;
                    break;
                case "--no-hugepages":
                    noHugepages = true;
                    break;
                case "--sockets":
                    sockets = true;
                    break;
                case "--timeout":
                    timeout = Duration.ofSeconds(Long.parseLong(value(arg, rest)));
                    break;
                case "--socket-mem":
                    socketMemMb = Long.parseLong(value(arg, rest));
                    break;
                default:
                    if (arg.startsWith("-") || command.isPresent()) {
                        throw new IllegalArgumentException("unknown argument '" + arg + "'");
                    }
                    command = Optional.of(arg);
            }
        }
        if (!ovsdb.startsWith("unix:")) {
            throw new IllegalArgumentException("--ovsdb takes unix:PATH, not '" + ovsdb + "'");
        }
        if (dataDir.isPresent() && podinfo.isPresent()) {
            throw new IllegalArgumentException("--data-dir and --podinfo name two different config stores; give one");
        }
        return new AgentOptions(dataDir, sharedDir, podinfo, ovsdb, vppApi, stateDir, level, command.orElse("help"),
                once, timeout, json, socketMemMb, beforeStart, inMemory, noHugepages, sockets);
    }

    /** The path of the container's OVS database socket. */
    String ovsdbSocket() {
        return ovsdb.substring("unix:".length());
    }

    private static String value(String flag, List<String> rest) {
        if (rest.isEmpty()) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return rest.remove(0);
    }
}
