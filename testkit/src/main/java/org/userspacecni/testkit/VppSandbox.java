package org.userspacecni.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A private, real VPP for tests, in a directory of its own: its binary API on {@code dir/api.sock}, its CLI on
 * {@code dir/cli.sock}, its log in {@code dir/vpp.log}, no hugepages and no DPDK, only the plugins asked for.
 * The program is the one scripts/test found ({@value #PROGRAM_VARIABLE}: an installed VPP, or the one unpacked
 * from the project's VPP tarball), else an installed {@code /usr/bin/vpp}; with neither, starting one fails and
 * says so. Never the system's VPP. Stopped by its pid; {@link #close()} leaves nothing running.
 *
 * <p>VPP keeps no state across a restart: {@link #stop()} then {@link #start()} gives an empty VPP on the same
 * sockets, as a node's VPP restarted by systemd.
 */
public final class VppSandbox implements AutoCloseable {

    /** Set by scripts/test: the {@code vpp} program to run. */
    public static final String PROGRAM_VARIABLE = "USERSPACE_CNI_VPP";
    /** Where FD.io's packages install it. */
    public static final Path INSTALLED = Path.of("/usr/bin/vpp");
    /** The two plugins the engine and the agent use. */
    public static final Set<String> PLUGINS = Set.of("memif_plugin.so", "vhost_plugin.so");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final Set<String> plugins;
    /** The shared-memory prefix, unique to this sandbox: VPP names its /dev/shm segments after it. */
    private final String prefix;
    private Optional<Process> process = Optional.empty();

    private VppSandbox(Path dir, Set<String> plugins) {
        this.dir = dir;
        this.plugins = Set.copyOf(plugins);
        this.prefix = "usrsp-" + ProcessHandle.current().pid() + "-"
                + Integer.toHexString(dir.toAbsolutePath().toString().hashCode());
    }

    /** Starts a VPP with the memif and vhost-user plugins in {@code dir}. */
    public static VppSandbox start(Path dir) {
        return start(dir, PLUGINS);
    }

    /** Starts a VPP in {@code dir} loading only {@code plugins} (file names, {@code memif_plugin.so}). */
    public static VppSandbox start(Path dir, Set<String> plugins) {
        VppSandbox vpp = new VppSandbox(dir, plugins);
        vpp.start();
        return vpp;
    }

    /** The VPP program these tests run, or a failure saying how to get one. */
    public static Path program() {
        String configured = System.getenv(PROGRAM_VARIABLE);
        Path program = configured == null || configured.isBlank() ? INSTALLED : Path.of(configured);
        if (!Files.isExecutable(program)) {
            throw new IllegalStateException("no VPP to test with: " + program + " is not there. Run scripts/test, "
                    + "which takes an installed VPP or unpacks the project's VPP tarball, or set " + PROGRAM_VARIABLE
                    + " to a vpp program");
        }
        return program;
    }

    public Path dir() {
        return dir;
    }

    public Path apiSocket() {
        return dir.resolve("api.sock");
    }

    public Path cliSocket() {
        return dir.resolve("cli.sock");
    }

    /** The running VPP's pid. */
    public long pid() {
        return process.orElseThrow(() -> new IllegalStateException("VPP is not running")).pid();
    }

    /** Starts VPP (again, after {@link #stop()}) and waits until its API socket answers connections. */
    public void start() {
        if (process.isPresent()) {
            throw new IllegalStateException("VPP is already running in " + dir);
        }
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(apiSocket());
            Path conf = dir.resolve("startup.conf");
            Files.writeString(conf, startupConf());
            Process started = new ProcessBuilder(program().toString(), "-c", conf.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
            process = Optional.of(started);
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (!answers(apiSocket())) {
                if (!started.isAlive() || System.nanoTime() > deadline) {
                    stop();
                    throw new IllegalStateException("VPP did not come up in " + dir + ": " + log());
                }
                started.waitFor(20, TimeUnit.MILLISECONDS);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Stops VPP (SIGTERM, SIGKILL after 10 s) and waits until it is gone; its sockets and its shared-memory
     * segments ({@code /dev/shm/<prefix>-*}, which VPP leaves behind) go with it.
     */
    public void stop() {
        process.ifPresent(running -> {
            running.destroy();
            try {
                if (!running.waitFor(10, TimeUnit.SECONDS)) {
                    running.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        process = Optional.empty();
        removeLeftovers();
    }

    private void removeLeftovers() {
        try {
            for (String socket : List.of("api.sock", "cli.sock", "stats.sock")) {
                Files.deleteIfExists(dir.resolve(socket));
            }
            for (String segment : List.of("global_vm", "vpe-api")) {
                Files.deleteIfExists(Path.of("/dev/shm", prefix + "-" + segment));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills VPP at once (SIGKILL), as a crash: it says goodbye to nobody. */
    public void kill() {
        process.ifPresent(running -> {
            running.destroyForcibly();
            try {
                running.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        process = Optional.empty();
        removeLeftovers();
    }

    /** Runs a CLI command through {@code vppctl}, for tests to look at VPP independently of the code under test. */
    public String vppctl(String... command) {
        List<String> line = new ArrayList<>(List.of(program().resolveSibling("vppctl").toString(),
                "-s", cliSocket().toString()));
        line.addAll(List.of(command));
        return HostCommand.run(line);
    }

    @Override
    public void close() {
        stop();
    }

    private String startupConf() {
        String enabled = plugins.stream().sorted().map(plugin -> "  plugin " + plugin + " { enable }\n")
                .collect(Collectors.joining());
        return "unix {\n  nodaemon\n  cli-listen " + cliSocket() + "\n  runtime-dir " + dir + "\n  log "
                + dir.resolve("vpp.log") + "\n  poll-sleep-usec 100\n}\n"
                + "socksvr { socket-name " + apiSocket() + " }\n"
                + "api-segment { prefix " + prefix + " }\n"
                + "memory { main-heap-size 512M main-heap-page-size 4k }\n"
                + "buffers { buffers-per-numa 16384 page-size 4k }\n"
                + "statseg { socket-name " + dir.resolve("stats.sock") + " size 32M page-size 4k }\n"
                + "plugins {\n  plugin default { disable }\n" + enabled + "}\n";
    }

    private static boolean answers(Path socket) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            return false;
        }
    }

    private String log() {
        StringBuilder text = new StringBuilder();
        for (String name : List.of("stdout.log", "vpp.log")) {
            Path file = dir.resolve(name);
            try {
                if (Files.exists(file)) {
                    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                    text.append(name).append(": ")
                            .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())))
                            .append('\n');
                }
            } catch (IOException e) {
                text.append(name).append(" unreadable: ").append(e.getMessage());
            }
        }
        return text.toString();
    }
}
