package org.userspacecni.host;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.userspacecni.core.CommandLines;
import org.userspacecni.spi.LogLevel;
import org.userspacecni.spi.NetConf;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The commands an operator types, {@code userspace daemon}, {@code userspace reconcile}, {@code --help} and
 * {@code --version}, as picocli reads them. Only a process started with arguments comes here: a CNI command
 * (no arguments, {@code CNI_COMMAND} in the environment) never loads this class or picocli, so the runtime's
 * path starts as fast as before. Help, version and everything else go to stderr: the plugin's stdout is the
 * CNI protocol's.
 */
@Command(name = "userspace", mixinStandardHelpOptions = true, versionProvider = PluginCommandLine.Version.class,
        description = {"The userspace CNI plugin. Without arguments it is a CNI plugin, run by a container runtime"
                + " with CNI_COMMAND and the other CNI_ variables in its environment and the network configuration"
                + " on stdin; its answer is on stdout, its log on stderr. With a command it is a tool for the"
                + " node's operator: the reports of metrics and status go to stdout, everything else to stderr."},
        subcommands = {PluginCommandLine.Daemon.class, PluginCommandLine.Reconcile.class,
                PluginCommandLine.Status.class, PluginCommandLine.Metrics.class, HelpCommand.class},
        footer = {"", "Exit status of the commands: 0 done, 1 failed (said on stderr), 2 bad usage."})
final class PluginCommandLine implements Callable<Integer> {

    /** Where the launcher and the daemon meet unless {@code USERSPACE_CNI_DAEMON_SOCKET} says otherwise. */
    static final String DEFAULT_DAEMON_SOCKET = "/run/userspace-cni/daemon.sock";

    private final Map<String, String> environment;
    private final PrintStream stdout;
    private final PrintStream stderr;

    private PluginCommandLine(Map<String, String> environment, PrintStream stdout, PrintStream stderr) {
        this.environment = environment;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Runs the command {@code args} names; its exit code. */
    static int run(List<String> args, Map<String, String> environment, PrintStream stdout, PrintStream stderr) {
        PrintWriter err = new PrintWriter(stderr, true);
        CommandLine commandLine = CommandLines.of(new PluginCommandLine(environment, stdout, stderr), err, err);
        return commandLine.execute(args.toArray(String[]::new));
    }

    @Spec
    private CommandSpec spec;

    /** {@code userspace} with no command: not reached from {@link Main}, which runs a CNI command then. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a command is missing");
    }

    /** {@code userspace daemon}: the thick-plugin mode, described in the daemon docs. */
    @Command(name = PluginDaemon.COMMAND, mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = {"Serves CNI commands from one JVM on a unix socket: while it runs, the launcher forwards"
                    + " each CNI command to it instead of starting a JVM. A request beyond its limits (below) is"
                    + " answered with CNI error 11 (try again later) and not run; runtimes retry it, a DEL until it"
                    + " succeeds."},
            footer = {"", "Exit status: 0 stopped, 1 cannot serve (said on stderr), 2 bad usage."})
    static final class Daemon implements Callable<Integer> {
        @ParentCommand
        private PluginCommandLine plugin;

        @Option(names = "--socket", paramLabel = "PATH",
                description = "the socket to serve on (default: USERSPACE_CNI_DAEMON_SOCKET, else "
                        + DEFAULT_DAEMON_SOCKET + ")")
        private Path socket;

        @Spec
        private CommandSpec spec;

        @Option(names = "--check", description = "exit 0 if a daemon the launcher would forward to answers a VERSION"
                + " request; the daemon pod's probe. The launcher answers it without a JVM: run it as"
                + " 'userspace daemon --check' through the launcher.")
        private boolean check;

        @Option(names = "--max-requests", paramLabel = "N", description = "requests run at once at most; more wait"
                + " for a slot (default: ${DEFAULT-VALUE})")
        private int maxRequests = RequestSlots.Limits.DEFAULT.running();

        @Option(names = "--queue", paramLabel = "N", description = "requests that may wait for a slot; one more is"
                + " answered at once with CNI error 11 (try again later), not run (default: ${DEFAULT-VALUE})")
        private int queue = RequestSlots.Limits.DEFAULT.waiting();

        @Option(names = "--queue-timeout", paramLabel = "SECONDS", description = "how long a request may wait for a"
                + " slot; then it is answered with CNI error 11, not run (default: ${DEFAULT-VALUE})")
        private int queueTimeout = (int) RequestSlots.Limits.DEFAULT.maxWait().toSeconds();

        @Option(names = "--metrics", paramLabel = "[HOST:]PORT", description = "serve the daemon's metrics in"
                + " Prometheus' text format on http://HOST:PORT/metrics (HOST: 127.0.0.1 unless given; an IPv6"
                + " address in brackets; 0.0.0.0 for every address of the node); none unless given")
        private String metrics;

        @Override
        public Integer call() {
            // The launcher answers 'daemon --check' itself (the trust checks on the socket, its directory and the
            // daemon's pid are its own); a JVM that gets it was started some other way, or with more arguments.
            if (check && socket != null) {
                throw new ParameterException(spec.commandLine(),
                        "--check takes no --socket: it checks the socket the launcher forwards to");
            }
            if (check) {
                plugin.stderr.println("userspace daemon: --check is answered by the launcher (cni/bin/userspace)"
                        + " without a Java runtime; run 'userspace daemon --check' through it");
                return 1;
            }
            Path path = socket != null ? socket : Path.of(plugin.environment.getOrDefault(
                    "USERSPACE_CNI_DAEMON_SOCKET", DEFAULT_DAEMON_SOCKET));
            return PluginDaemon.serve(path, limits(), Optional.ofNullable(metrics).map(this::metricsAddress),
                    plugin.stderr);
        }

        /** {@code [HOST:]PORT} as an address: 127.0.0.1 when no host is given, brackets around an IPv6 one. */
        private InetSocketAddress metricsAddress(String address) {
            int colon = address.lastIndexOf(':');
            String host = colon < 0 ? "127.0.0.1" : address.substring(0, colon);
            boolean bracketed = host.startsWith("[") && host.endsWith("]");
            boolean bareIpv6 = host.contains(":") && !bracketed;
            if (bracketed) {
                host = host.substring(1, host.length() - 1);
            }
            try {
                int port = Integer.parseInt(address.substring(colon + 1));
                if (host.isEmpty() || bareIpv6 || port < 0 || port > 65535) {
                    throw new NumberFormatException(address);
                }
                return new InetSocketAddress(host, port);
            } catch (NumberFormatException e) {
                throw new ParameterException(spec.commandLine(), "--metrics takes [HOST:]PORT (a port up to 65535,"
                        + " an IPv6 host in brackets), not '" + address + "'");
            }
        }

        private RequestSlots.Limits limits() {
            requirePositive("--max-requests", maxRequests);
            requirePositive("--queue", queue);
            requirePositive("--queue-timeout", queueTimeout);
            return new RequestSlots.Limits(maxRequests, queue, Duration.ofSeconds(queueTimeout));
        }

        private void requirePositive(String option, int value) {
            if (value < 1) {
                throw new ParameterException(spec.commandLine(), option + " must be a positive number, not " + value);
            }
        }
    }

    /** {@code userspace reconcile}: {@link ReconcileCommand}. */
    @Command(name = ReconcileCommand.COMMAND, mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = {"Restores the host end of every attachment the plugin made that its switch lost when it"
                    + " restarted; what is there is left as it is. Engine settings from the environment apply as"
                    + " for CNI commands."},
            footer = {"", "Exit status: 0 all there, 1 one could not be restored, 2 bad usage."})
    static final class Reconcile implements Callable<Integer> {
        @ParentCommand
        private PluginCommandLine plugin;

        @Mixin
        private DataDir dataDir;

        @Option(names = "--network", paramLabel = "NAME", description = "only the attachments of this network")
        private String network;

        @Option(names = "--verbose", description = "log what each engine does")
        private boolean verbose;

        @Override
        public Integer call() {
            return ReconcileCommand.run(dataDir.path, Optional.ofNullable(network),
                    verbose ? LogLevel.INFO : LogLevel.WARNING, plugin.environment, plugin.stderr);
        }
    }

    /** {@code userspace status}: {@link StatusCommand}. */
    @Command(name = StatusCommand.COMMAND, mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = {"Shows every attachment the plugin made on this node and has not removed: network, pod,"
                    + " interface, engine, port, socket, and what its switch shows now (link up, down, or absent:"
                    + " in the journal but no longer on the switch) with its packet counters, then the stray ports:"
                    + " the plugin's on the switch, but no attachment's. Engine settings from the environment apply"
                    + " as for CNI commands."},
            footer = {"", "Exit status: 0 every port there and up and none stray, 1 otherwise, 2 bad usage."})
    static final class Status implements Callable<Integer> {
        @ParentCommand
        private PluginCommandLine plugin;

        @Mixin
        private DataDir dataDir;

        @Option(names = "--json", description = "one JSON document instead of a table")
        private boolean json;

        @Override
        public Integer call() {
            return StatusCommand.run(dataDir.path, json, plugin.environment, plugin.stdout, plugin.stderr);
        }
    }

    /** {@code userspace metrics}: the attachments' series once, for a node exporter's textfile collector. */
    @Command(name = "metrics", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = {"Prints the series of every attachment the plugin made on this node (link, counters) once,"
                    + " in Prometheus' text format, as the daemon serves them: for nodes without the daemon, through"
                    + " a node exporter's textfile collector (userspace metrics > FILE.prom.tmp, then rename)."},
            footer = {"", "Exit status: 0 printed, 1 failed (said on stderr), 2 bad usage."})
    static final class Metrics implements Callable<Integer> {
        @ParentCommand
        private PluginCommandLine plugin;

        @Mixin
        private DataDir dataDir;

        @Override
        public Integer call() {
            return StatusCommand.metrics(dataDir.path, plugin.environment, plugin.stdout, plugin.stderr);
        }
    }

    /** {@code --data-dir}, of the commands that read the plugin's journal. */
    static final class DataDir {
        @Option(names = "--data-dir", paramLabel = "DIR",
                description = "the plugin's data directory, holding its journal (default: ${DEFAULT-VALUE})")
        private Path path = NetConf.DEFAULT_DATA_DIR;
    }

    /** The about line: the version and what the plugin speaks. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {Main.about()};
        }
    }
}
