package org.userspacecni.host;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.MalformedURLException;
import java.net.StandardProtocolFamily;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.net.ExtendedSocketOptions;
import org.userspacecni.core.Json;
import org.userspacecni.core.ProviderLoader;
import org.userspacecni.core.cni.CniErrors;
import org.userspacecni.core.cni.CniVersion;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.SocketFile;

/**
 * The thick-plugin mode: one long-lived JVM on the node runs the CNI commands that the launcher forwards to it
 * over a unix socket, so that an invocation costs a connection instead of a JVM start. Standalone stays the
 * default: the launcher forwards only while a daemon answers on its socket.
 *
 * <p>One request per connection: the invocation's environment as NUL-terminated {@code NAME=VALUE} entries,
 * an empty entry, then stdin until the client shuts down its side. The answer is {@code <exit code>
 * <stderr length>} and a newline, then the request's stderr, then exactly what the plugin would have printed
 * on stdout: one line of JSON, or nothing, which the launcher ({@code cni/bin/userspace}) prints. A
 * connection that sends nothing is answered with nothing. Only the socket's owner may connect (the peer's
 * credentials are checked, and the socket is 0600 in a 0700 directory). Backends named by a request's
 * {@code USERSPACE_CNI_BACKENDS} are loaded for it, as the standalone plugin would put them on its class path.
 *
 * <p>A runtime that gives up on a command kills the launcher it executed and goes on with DEL; the daemon must
 * not go on with an ADD behind its back. So requests for one attachment run one at a time ({@link
 * AttachmentLocks}), and an ADD that succeeded for a launcher that is gone ({@link LauncherProcess}), or whose
 * answer cannot be delivered, is undone at once by a DEL of the same request, before the next request for the
 * attachment runs: nothing of it outlives the runtime's DEL.
 *
 * <p>A request runs only in one of a bounded number of slots ({@link RequestSlots}), taken after its environment is
 * read and before its stdin is: one that finds every slot taken and the line of waiting requests full, or that
 * waited too long, is answered with CNI error 11 (try again later) and not run. VERSION, the probe's question,
 * needs no slot.
 *
 * <p>While it serves, it watches the switches of the attachments it made ({@link SwitchWatch}) and restores their
 * host ends when a switch starts anew.
 */
final class PluginDaemon implements AutoCloseable {

    static final String COMMAND = "daemon";

    /**
     * How long a stopped daemon lets the requests under way finish: within the DaemonSet's grace period of 10 s
     * between SIGTERM and SIGKILL.
     */
    static final Duration DRAIN = Duration.ofSeconds(8);
    /** Environment and stdin together may not be larger than this; stdin alone is capped by the plugin. */
    private static final int MAX_REQUEST_BYTES = Main.MAX_CONFIG_BYTES + 1024 * 1024;

    private static final String BACKENDS_VARIABLE = "USERSPACE_CNI_BACKENDS";

    private final Path socket;
    private final Path pidFile;
    private final ServerSocketChannel server;
    private final UserPrincipal owner;
    private final PrintStream log;
    private final ExecutorService requests;
    private final RequestSlots slots;
    private final DaemonMetrics metrics;
    private final ProviderLoader ownProviders = ProviderLoader.of(PluginDaemon.class);
    private final ConcurrentMap<String, ProviderLoader> backendLoaders = new ConcurrentHashMap<>();
    private final AttachmentLocks attachments = new AttachmentLocks();
    private final SwitchWatch switches;

    private PluginDaemon(Path socket, ServerSocketChannel server, RequestSlots.Limits limits, PrintStream log)
            throws IOException {
        this.socket = socket;
        this.pidFile = pidFile(socket);
        this.server = server;
        this.owner = Files.getOwner(socket);
        this.log = log;
        this.slots = new RequestSlots(limits, log);
        this.switches = new SwitchWatch(attachments, log);
        this.metrics = new DaemonMetrics(slots, switches::portStates);
        AtomicInteger count = new AtomicInteger();
        this.requests = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "cni-request-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * {@code daemon --socket PATH}: serves, within {@code limits}, until the process is stopped, and its metrics on
     * {@code metricsAddress} if there is one; the exit code on a start failure.
     */
    static int serve(Path socket, RequestSlots.Limits limits, Optional<InetSocketAddress> metricsAddress,
            PrintStream stderr) {
        PluginDaemon daemon;
        try {
            daemon = bind(socket, limits, stderr);
        } catch (IOException e) {
            stderr.println("userspace daemon: cannot serve on " + socket + ": " + e.getMessage());
            return 1;
        }
        Optional<String> metricsUrl = Optional.empty();
        if (metricsAddress.isPresent()) {
            try {
                metricsUrl = Optional.of(daemon.metrics.serve(metricsAddress.get()));
            } catch (IOException e) {
                stderr.println("userspace daemon: cannot serve metrics on " + metricsAddress.get().getHostString()
                        + " port " + metricsAddress.get().getPort() + ": " + e.getMessage()
                        + "; choose another --metrics address");
                daemon.close();
                return 1;
            }
        }
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "daemon-stop"));
            stderr.println("userspace daemon: serving CNI requests on " + daemon.socket);
            metricsUrl.ifPresent(url -> stderr.println("userspace daemon: serving metrics on " + url));
            daemon.switches.start();
            daemon.serve();
            return 0;
        } catch (IOException e) {
            stderr.println("userspace daemon: stopped serving on " + socket + ": " + e.getMessage());
            return 1;
        }
    }

    /**
     * Listens on {@code socket}, replacing the socket of a daemon that is gone; refuses a live daemon's socket,
     * and anything there that is not a socket.
     */
    static PluginDaemon bind(Path socket, RequestSlots.Limits limits, PrintStream log) throws IOException {
        Path directory = socket.toAbsolutePath().getParent();
        Files.createDirectories(directory,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        requirePrivate(directory);
        if (SocketFile.exists(socket)) {
            if (!SocketFile.isSocket(socket)) {
                throw new IOException(socket + " is there and is not a socket");
            }
            try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                throw new IOException("another daemon answers on " + socket);
            } catch (ConnectException gone) {
                Files.delete(socket);
            }
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            writePid(pidFile(socket));
            return new PluginDaemon(socket, server, limits, log);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /**
     * Refuses a directory that someone other than root or the daemon's user owns or may write to: whatever is in
     * it could be theirs (the launcher does not trust such a socket either).
     */
    private static void requirePrivate(Path directory) throws IOException {
        int uid = (int) Files.getAttribute(directory, "unix:uid");
        int mode = (int) Files.getAttribute(directory, "unix:mode");
        int self = (int) Files.getAttribute(Path.of("/proc/self"), "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (uid != 0 && uid != self || (mode & 0022) != 0) {
            throw new IOException(directory + " may be written by others (owner " + uid + ", mode "
                    + Integer.toOctalString(mode & 07777) + "); the daemon's directory must be writable by root or "
                    + "its own user only");
        }
    }

    /**
     * Writes the pid file without following a link someone may have put at its path: a new file of a name of its
     * own (never an existing one), then renamed over the path, which replaces a link rather than its target.
     */
    private static void writePid(Path pidFile) throws IOException {
        Path written = Files.createTempFile(pidFile.getParent(), pidFile.getFileName() + ".", ".new");
        try {
            try (OutputStream out = Files.newOutputStream(written, LinkOption.NOFOLLOW_LINKS,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                out.write((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            Files.move(written, pidFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(written);
        }
    }

    /**
     * Accepts requests until {@link #close()}, each on a thread of its own: their number is bounded by the
     * slots, the line of those waiting for one, and the refused, which are answered at once.
     */
    void serve() throws IOException {
        while (true) {
            SocketChannel connection;
            try {
                connection = server.accept();
            } catch (ClosedChannelException stopped) {
                return;
            }
            requests.execute(() -> answer(connection));
        }
    }

    private void answer(SocketChannel connection) {
        long arrived = System.nanoTime();
        try (connection) {
            UserPrincipal peer = connection.getOption(ExtendedSocketOptions.SO_PEERCRED).user();
            if (!peer.equals(owner)) {
                log.println("userspace daemon: refused a request from " + peer.getName());
                return;
            }
            InputStream in = new BufferedInputStream(Channels.newInputStream(connection));
            OutputStream out = Channels.newOutputStream(connection);
            // The environment alone first (small, and bounded like the whole request): VERSION, the daemon pod's
            // probe among others, costs nothing to answer and never waits in line, so that a busy daemon is not
            // taken for a dead one and restarted.
            byte[] environment = readEnvironment(in);
            if (environment.length == 0) {
                return;
            }
            Optional<Request> parsed = Request.parse(environment);
            boolean version = parsed.filter(request -> request.command().equals(CniCommand.VERSION.name()))
                    .isPresent();
            String command = parsed.map(Request::command).orElse("");
            RequestSlots.Slot slot;
            try {
                slot = version ? () -> { } : slots.take();
            } catch (RequestSlots.Refused refused) {
                metrics.refused(command);
                log.println("userspace daemon: answered a request with 11, not run: " + refused.getMessage());
                Answer.error(new CniException(ErrorCode.TRY_AGAIN_LATER, refused.getMessage())).writeTo(out);
                connection.shutdownOutput();
                in.transferTo(OutputStream.nullOutputStream());
                return;
            }
            try (slot) {
                // Never more than the limit in memory: a larger stdin reaches the plugin cut short, and it refuses it.
                byte[] stdin = in.readNBytes(MAX_REQUEST_BYTES + 1 - environment.length);
                String code;
                if (parsed.isPresent()) {
                    code = serve(parsed.get().withStdin(stdin), peer, out);
                } else {
                    Answer malformed = Answer.error(new CniException(ErrorCode.INVALID_ENVIRONMENT_VARIABLES,
                            "the environment of a request must be NUL-terminated NAME=VALUE entries and an empty"
                            + " one, within " + MAX_REQUEST_BYTES + " bytes"));
                    malformed.writeTo(out);
                    code = malformed.code();
                }
                metrics.answered(command, code, Duration.ofNanos(System.nanoTime() - arrived));
            }
            connection.shutdownOutput();
            // The rest of an oversized stdin is read and dropped, so the client is not cut off before the answer.
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException | RuntimeException e) {
            log.println("userspace daemon: a request failed: " + e);
        }
    }

    /**
     * Runs the request, after any earlier one for the same attachment, and answers it. An ADD whose launcher is
     * gone before it runs is not run; one whose launcher is gone by the time it succeeded, or whose answer cannot
     * be written, is undone. Returns the code the metrics count the request under ({@link DaemonMetrics}).
     */
    private String serve(Request request, UserPrincipal peer, OutputStream out) throws IOException {
        // A launcher that named itself but is not a live process of the peer's is taken for gone.
        Optional<LauncherProcess> launcher = request.launcherPid().flatMap(pid -> LauncherProcess.claimedBy(pid, peer));
        boolean add = request.command().equals(CniCommand.ADD.name());
        Optional<AttachmentLocks.Key> attachment = request.attachment();
        String what = attachment.map(PluginDaemon::describe).orElse("an attachment");
        try (AttachmentLocks.Held held = attachment.isPresent()
                ? attachments.hold(attachment.get(), () -> log.println("userspace daemon: " + request.command()
                        + " of " + what + " waits for the request before it"))
                : () -> { }) {
            Optional<String> gone = gone(request, launcher);
            if (add && gone.isPresent()) {
                log.println("userspace daemon: ADD of " + what + " not run: " + gone.get());
                return DaemonMetrics.ABANDONED;
            }
            Answer answer = run(request);
            boolean added = add && answer.exitCode() == 0;
            if (added) {
                switches.learn(request.dataDir(), request.variables(),
                        backends(request.variables().getOrDefault(BACKENDS_VARIABLE, "")).classLoader());
            }
            gone = gone(request, launcher);
            if (added && gone.isPresent()) {
                undo(request, what, gone.get());
                return DaemonMetrics.ABANDONED;
            }
            try {
                answer.writeTo(out);
            } catch (IOException e) {
                if (added) {
                    undo(request, what, "its answer could not be written (" + e.getMessage() + ")");
                }
                throw e;
            }
            return answer.code();
        }
    }

    /** Why no one waits for the request's answer any more, if its launcher named itself and is gone. */
    private static Optional<String> gone(Request request, Optional<LauncherProcess> launcher) {
        return request.launcherPid().filter(pid -> launcher.map(process -> !process.alive()).orElse(true))
                .map(pid -> "its launcher (pid " + pid + ") is gone");
    }

    /** Undoes an ADD that succeeded for a runtime that did not get the result: DEL with the same request. */
    private void undo(Request add, String what, String reason) {
        log.println("userspace daemon: ADD of " + what + " succeeded, but " + reason + ": undoing it with DEL");
        Answer undone = run(add.as(CniCommand.DEL));
        String stderr = new String(undone.stderr(), StandardCharsets.UTF_8).strip();
        if (!stderr.isEmpty()) {
            log.println(stderr);
        }
        if (undone.exitCode() == 0) {
            log.println("userspace daemon: undid ADD of " + what);
        } else {
            log.println("userspace daemon: undoing ADD of " + what + " failed (exit " + undone.exitCode() + "): "
                    + new String(undone.stdout(), StandardCharsets.UTF_8).strip()
                    + "; the runtime's DEL removes what is left");
        }
    }

    private static String describe(AttachmentLocks.Key attachment) {
        return "network " + attachment.network() + ", container " + attachment.containerId() + ", interface "
                + attachment.ifName();
    }

    private Answer run(Request request) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int exitCode = Main.run(request.variables(), new ByteArrayInputStream(request.stdin()),
                new CniOutput(new PrintStream(stdout, true, StandardCharsets.UTF_8)),
                new PrintStream(stderr, true, StandardCharsets.UTF_8),
                backends(request.variables().getOrDefault(BACKENDS_VARIABLE, "")));
        return new Answer(exitCode, stderr.toByteArray(), stdout.toByteArray());
    }

    /** What the plugin did for a request: {@code <exit code> <stderr length>}, a newline, stderr, stdout. */
    private record Answer(int exitCode, byte[] stderr, byte[] stdout) {

        /** The daemon's own error for a request it does not run, as the plugin would print it. */
        static Answer error(CniException error) {
            ByteArrayOutputStream stdout = new ByteArrayOutputStream();
            new CniOutput(new PrintStream(stdout, true, StandardCharsets.UTF_8)).print(
                    CniErrors.render(error, CniVersion.LATEST));
            return new Answer(1, new byte[0], stdout.toByteArray());
        }

        /** The CNI code of the answer: 0 when it succeeded, else its error's, for the metrics. */
        String code() {
            if (exitCode == 0) {
                return "0";
            }
            try {
                JsonNode code = Json.readTree(stdout).path("code");
                return code.isInt() ? code.asText() : "unknown";
            } catch (IOException e) {
                return "unknown";
            }
        }

        void writeTo(OutputStream out) throws IOException {
            out.write((exitCode + " " + stderr.length + "\n").getBytes(StandardCharsets.US_ASCII));
            out.write(stderr);
            out.write(stdout);
            out.flush();
        }
    }

    /**
     * A request as it came: the invocation's environment (without the launcher's own entry, which only the
     * daemon reads) and its stdin.
     */
    private record Request(Map<String, String> variables, byte[] stdin, Optional<String> launcherPid) {

        /** The request's environment and stdin; empty if its environment is not NUL-terminated entries. */
        static Optional<Request> parse(byte[] request) {
            Map<String, String> variables = new HashMap<>();
            int at = 0;
            while (true) {
                int end = indexOf(request, (byte) 0, at);
                if (end < 0) {
                    return Optional.empty();
                }
                String entry = new String(request, at, end - at, StandardCharsets.UTF_8);
                at = end + 1;
                if (entry.isEmpty()) {
                    break;
                }
                int equals = entry.indexOf('=');
                if (equals > 0) {
                    variables.put(entry.substring(0, equals), entry.substring(equals + 1));
                }
            }
            Optional<String> launcher = Optional.ofNullable(variables.remove(LauncherProcess.VARIABLE));
            return Optional.of(new Request(Map.copyOf(variables), Arrays.copyOfRange(request, at, request.length),
                    launcher));
        }

        String command() {
            return variables.getOrDefault(CniCommand.Env.COMMAND, "");
        }

        /** The same request with {@code stdin}, read after its environment. */
        Request withStdin(byte[] stdin) {
            return new Request(variables, stdin, launcherPid);
        }

        /** The same request as {@code command}. */
        Request as(CniCommand command) {
            Map<String, String> changed = new HashMap<>(variables);
            changed.put(CniCommand.Env.COMMAND, command.name());
            return new Request(Map.copyOf(changed), stdin, launcherPid);
        }

        /** The data directory the request's configuration names; the default if it names none. */
        Path dataDir() {
            try {
                String dir = Json.readTree(stdin).path("dataDir").asText("");
                return dir.isEmpty() ? NetConf.DEFAULT_DATA_DIR : Path.of(dir);
            } catch (IOException | RuntimeException e) {
                return NetConf.DEFAULT_DATA_DIR;
            }
        }

        /** The attachment an ADD, CHECK or DEL is about; the network's name as the configuration gives it. */
        Optional<AttachmentLocks.Key> attachment() {
            if (!Set.of(CniCommand.ADD.name(), CniCommand.CHECK.name(), CniCommand.DEL.name()).contains(command())) {
                return Optional.empty();
            }
            String network;
            try {
                network = Json.readTree(stdin).path("name").asText("");
            } catch (IOException | RuntimeException e) {
                network = "";  // the plugin refuses the configuration itself
            }
            return Optional.of(new AttachmentLocks.Key(network,
                    variables.getOrDefault(CniCommand.Env.CONTAINER_ID, ""),
                    variables.getOrDefault(CniCommand.Env.IFNAME, "")));
        }
    }

    /**
     * The providers of the daemon's own class path and, where a request names backends, of those after it: one
     * loader per distinct list, which finds each kind of provider once.
     */
    private ProviderLoader backends(String path) {
        if (path.isEmpty()) {
            return ownProviders;
        }
        return backendLoaders.computeIfAbsent(path, key -> {
            List<URL> urls = new ArrayList<>();
            for (String entry : key.split(":")) {
                if (!entry.isEmpty()) {
                    try {
                        urls.add(Path.of(entry).toUri().toURL());
                    } catch (MalformedURLException | RuntimeException e) {
                        log.println("userspace daemon: ignoring backend path entry " + entry + ": " + e);
                    }
                }
            }
            return new ProviderLoader(new URLClassLoader("backends", urls.toArray(URL[]::new),
                    PluginDaemon.class.getClassLoader()));
        });
    }

    /**
     * The request's environment: its bytes up to and including the empty entry that ends it; all there is if the
     * connection ends first, at most {@link #MAX_REQUEST_BYTES} bytes.
     */
    private static byte[] readEnvironment(InputStream in) throws IOException {
        ByteArrayOutputStream environment = new ByteArrayOutputStream();
        int previous = 0;
        for (int next = in.read(); next >= 0; next = in.read()) {
            environment.write(next);
            if (next == 0 && previous == 0 || environment.size() > MAX_REQUEST_BYTES) {
                break;
            }
            previous = next;
        }
        return environment.toByteArray();
    }

    private static int indexOf(byte[] bytes, byte value, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        return -1;
    }

    /**
     * {@code <socket>.pid}: the daemon's process id, which the launcher checks before forwarding (a look at
     * {@code /proc} costs it nothing, a trial connection a process), so that a killed daemon's socket is passed by.
     */
    static Path pidFile(Path socket) {
        return socket.resolveSibling(socket.getFileName() + ".pid");
    }

    /**
     * Stops accepting, and removes the socket so that launchers run the plugin themselves again; then lets the
     * requests under way finish and answer, for at most {@link #DRAIN}: a daemon stopped by a rolling update or
     * a restart does not cut an ADD off half-way. One that takes longer is cut off when the process exits, and
     * the runtime's retry or DEL completes it, as after a crash. Requests still waiting for a slot are answered
     * with error 11 at once, not run: the runtime's retry runs standalone.
     */
    @Override
    public void close() {
        switches.close();
        try {
            server.close();
            Files.deleteIfExists(pidFile);
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            log.println("userspace daemon: cannot remove " + socket + ": " + e.getMessage());
        }
        slots.close();
        metrics.close();
        requests.shutdown();
        log.println("userspace daemon: stopped accepting requests; finishing those under way");
        try {
            if (!requests.awaitTermination(DRAIN.toMillis(), TimeUnit.MILLISECONDS)) {
                log.println("userspace daemon: requests still under way after " + DRAIN.toSeconds()
                        + " s are cut off; the runtime's retry or DEL completes them");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
