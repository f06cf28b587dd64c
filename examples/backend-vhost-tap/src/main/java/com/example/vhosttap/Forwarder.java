package com.example.vhosttap;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.userspacecni.spi.Attachment;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.PortName;

/**
 * One attachment's forwarder: a {@code dpdk-testpmd} in io mode, detached from the plugin, between the
 * attachment's vhost-user socket (it is the server; the container's DPDK application connects with virtio-user)
 * and a TAP device of the host. Its mark is its pid file, {@code <stateDir>/<network>/<name>.pid}, holding the
 * pid and the socket; the process is this forwarder only while its command line still names its file prefix,
 * since pids are reused. Its socket is its own while its {@link SocketClaim} names it. Besides the pid file it
 * leaves its log, its socket, and, when killed, its TAP device, its DPDK runtime directory and hugepage files:
 * {@link #removeLeftovers()} removes them all but the socket, which its claim removes.
 */
record Forwarder(ForwarderName name, String network, Path socket, HostSettings settings) {

    /** Where DPDK keeps a process's runtime files when it runs as root (it ignores XDG_RUNTIME_DIR then). */
    static final Path DPDK_RUNTIME_DIR = Path.of("/var/run/dpdk");

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(20);
    /** How long a live process's empty command line is taken for an {@code execve} still under way. */
    private static final Duration EXEC_WINDOW = Duration.ofSeconds(2);

    /**
     * Runs as the forwarder's process before it becomes testpmd, in a session of its own: writes the pid file
     * (its pid, then the socket) whole, so that there is no moment in which the forwarder runs unmarked.
     */
    private static final String MARK_THEN_EXEC =
            "printf '%s\\n%s\\n' \"$$\" \"$2\" >\"$1.new\" && mv -f \"$1.new\" \"$1\" && shift 2 && exec \"$@\"";

    Forwarder {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(settings, "settings");
    }

    /**
     * The attachment's forwarder with the socket its configuration names first: {@code vhost.socketfile}, else
     * the original {@code <first 12 of container id>-<ifname>}, where the program places it.
     */
    static Forwarder of(Attachment attachment, HostSettings settings) {
        String network = attachment.network().name();
        Path socket = attachment.sockets().locate(attachment.host().vhost().socketfile()
                .orElse(PortName.original(attachment.id())));
        return new Forwarder(ForwarderName.of(network, attachment.id()), network, socket, settings);
    }

    /** The forwarder a pid file of {@code network} marks, if the file is one. */
    static Optional<Forwarder> recorded(Path pidFile, String network, HostSettings settings) {
        String file = pidFile.getFileName().toString();
        if (!file.matches("vt[0-9a-f]{12}\\.pid")) {
            return Optional.empty();
        }
        ForwarderName name = new ForwarderName(file.substring(0, file.length() - ".pid".length()));
        return lines(pidFile).filter(lines -> lines.size() >= 2)
                .map(lines -> new Forwarder(name, network, Path.of(lines.get(1)), settings));
    }

    Path pidFile() {
        return settings.networkDir(network).resolve(name + ".pid");
    }

    Path log() {
        return settings.networkDir(network).resolve(name + ".log");
    }

    TapDevice tap() {
        return new TapDevice(name.value());
    }

    /** The claim that makes {@link #socket} this forwarder's. */
    SocketClaim claim() {
        return SocketClaim.of(settings, socket, name);
    }

    /** This forwarder on another socket. */
    Forwarder on(Path otherSocket) {
        return new Forwarder(name, network, otherSocket, settings);
    }

    /**
     * Starts the forwarder and returns once it serves its socket and its TAP device is there; fails with code 11
     * if it ends first or is not ready within {@code timeout}, and the caller then stops it and removes the rest.
     */
    void start(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Process process = launch();
        while (pid().isEmpty()) {
            if (!process.isAlive()) {
                throw failure("ended before it wrote its pid file");
            }
            pause(deadline, timeout);
        }
        awaitReady(deadline, timeout);
    }

    /** Waits until a running forwarder serves its socket and has its TAP device. */
    void awaitReady(Duration timeout) {
        awaitReady(System.nanoTime() + timeout.toNanos(), timeout);
    }

    private void awaitReady(long deadline, Duration timeout) {
        while (!(Files.exists(socket) && tap().exists())) {
            if (!running()) {
                throw failure("ended while starting");
            }
            pause(deadline, timeout);
        }
    }

    /** Whether the pid file names a live process that is this forwarder. */
    boolean running() {
        return pid().stream().anyMatch(this::isThisForwarder);
    }

    /** Ends the forwarder: SIGTERM (testpmd closes its ports and exits), then SIGKILL if it does not. */
    void stop() {
        OptionalLong pid = pid();
        if (pid.isEmpty() || !isThisForwarder(pid.getAsLong())) {
            return;
        }
        ProcessHandle.of(pid.getAsLong()).ifPresent(ProcessHandle::destroy);
        if (!awaitEnd(pid.getAsLong())) {
            ProcessHandle.of(pid.getAsLong()).ifPresent(ProcessHandle::destroyForcibly);
            if (!awaitEnd(pid.getAsLong())) {
                throw new CniException(ErrorCode.TRY_AGAIN_LATER, "vhost-tap: the forwarder " + name + " (pid "
                        + pid.getAsLong() + ") did not end after SIGTERM and SIGKILL");
            }
        }
    }

    /**
     * Removes what a forwarder that no longer runs may have left, all named by the forwarder's name: its TAP
     * device, hugepage files, DPDK runtime directory, log and pid file, and the network's directory once it is
     * empty. Its socket is {@link #claim}'s to remove.
     */
    void removeLeftovers() {
        try {
            tap().remove();
            try (Stream<Path> files = Files.list(settings.hugepageDir())) {
                for (Path file : files.filter(f -> f.getFileName().toString().startsWith(name + "map_")).toList()) {
                    Files.deleteIfExists(file);
                }
            } catch (NoSuchFileException e) {
                // No hugepage directory, no hugepage files.
            }
            deleteTree(DPDK_RUNTIME_DIR.resolve(name.value()));
            Files.deleteIfExists(log());
            Files.deleteIfExists(Path.of(pidFile() + ".new"));
            Files.deleteIfExists(pidFile());
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "vhost-tap: cannot remove what the forwarder " + name
                    + " left", e);
        }
        try {
            Files.deleteIfExists(settings.networkDir(network));
        } catch (IOException e) {
            // Other forwarders of the network are there (DirectoryNotEmptyException), or it is not ours to remove.
        }
    }

    /** The command that runs the forwarder; see the README for each option. */
    List<String> command() {
        return List.of("setsid", "sh", "-c", MARK_THEN_EXEC, "vhost-tap", pidFile().toString(), socket.toString(),
                settings.testpmd().toString(),
                "--file-prefix=" + name, "--huge-dir=" + settings.hugepageDir(), "--huge-unlink", "--socket-limit=32",
                "--no-pci", "--no-telemetry", "--lcores=(0,1)@(" + settings.cpus() + ")",
                "--vdev=net_vhost0,iface=" + socket + ",queues=1", "--vdev=net_tap0,iface=" + name,
                "--",
                "--forward-mode=io", "--nb-cores=1", "--total-num-mbufs=2048", "--disable-link-check",
                // Without a stats period, non-interactive testpmd ends when stdin (here /dev/null) reaches EOF.
                "--stats-period=86400");
    }

    /**
     * Starts the process, its output appended to the log. The network's directory is made first; should the DEL
     * of the network's last other forwarder remove it in between, starting fails on the log and is tried again.
     */
    private Process launch() {
        Path dir = settings.networkDir(network);
        ProcessBuilder builder = new ProcessBuilder(command())
                .redirectInput(new File("/dev/null"))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
                .redirectErrorStream(true);
        for (int attempt = 1; ; attempt++) {
            try {
                Files.createDirectories(dir);
                return builder.start();
            } catch (IOException e) {
                if (Files.isDirectory(dir) || attempt == 3) {
                    throw new CniException(ErrorCode.IO_FAILURE, "vhost-tap: cannot start the forwarder " + name, e);
                }
            }
        }
    }

    private OptionalLong pid() {
        return lines(pidFile()).filter(lines -> !lines.isEmpty() && lines.get(0).matches("[0-9]{1,10}"))
                .map(lines -> OptionalLong.of(Long.parseLong(lines.get(0)))).orElse(OptionalLong.empty());
    }

    /**
     * Whether process {@code pid} is this forwarder, by its command line. A live process shows an empty one while
     * it is inside {@code execve} (the forwarder's shell becoming testpmd), so an empty one is read again until it
     * is filled in or the process ends.
     */
    private boolean isThisForwarder(long pid) {
        Path process = Path.of("/proc", Long.toString(pid));
        for (long deadline = System.nanoTime() + EXEC_WINDOW.toNanos(); ; sleep()) {
            try {
                byte[] cmdline = Files.readAllBytes(process.resolve("cmdline"));
                if (cmdline.length > 0 || !alive(process) || System.nanoTime() > deadline) {
                    return Arrays.asList(new String(cmdline, StandardCharsets.UTF_8).split("\0"))
                            .contains("--file-prefix=" + name);
                }
            } catch (IOException e) {
                return false;
            }
        }
    }

    /** Whether the process is there and not a zombie, whose command line is empty for good. */
    private static boolean alive(Path process) {
        String stat = lines(process.resolve("stat")).map(lines -> String.join(" ", lines)).orElse("");
        int end = stat.lastIndexOf(')');
        return end > 0 && stat.length() > end + 2 && stat.charAt(end + 2) != 'Z';
    }

    private boolean awaitEnd(long pid) {
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        while (isThisForwarder(pid)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep();
        }
        return true;
    }

    private void pause(long deadline, Duration timeout) {
        if (System.nanoTime() > deadline) {
            throw failure("was not ready within " + timeout.toSeconds() + " s");
        }
        sleep();
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CniException(ErrorCode.TRY_AGAIN_LATER, "vhost-tap: interrupted", e);
        }
    }

    /**
     * A start that failed: code 11, as the usual causes (hugepages used up, CPUs busy) pass; the log's last line
     * in the message, its end in the details.
     */
    private CniException failure(String what) {
        List<String> log = lines(log()).orElse(List.of()).stream().filter(line -> !line.isBlank()).toList();
        String last = log.isEmpty() ? "" : ": " + log.get(log.size() - 1);
        return new CniException(ErrorCode.TRY_AGAIN_LATER, "vhost-tap: the forwarder " + name + " of " + socket + " "
                + what + last, String.join("\n", log.subList(Math.max(0, log.size() - 15), log.size())));
    }

    private static Optional<List<String>> lines(Path file) {
        try {
            return Optional.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
