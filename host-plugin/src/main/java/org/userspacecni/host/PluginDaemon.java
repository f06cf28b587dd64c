package org.userspacecni.host;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.net.ExtendedSocketOptions;
import org.userspacecni.core.cni.CniErrors;
import org.userspacecni.core.cni.CniVersion;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;

/**
 * The thick-plugin mode: one long-lived JVM on the node runs the CNI commands that the launcher forwards to it
 * over a unix socket, so that an invocation costs a connection instead of a JVM start. Standalone stays the
 * default: the launcher forwards only while a daemon answers on its socket.
 *
 * <p>One request per connection: the invocation's environment as NUL-terminated {@code NAME=VALUE} entries,
 * an empty entry, then stdin until the client shuts down its side. The answer is {@code <exit code>
 * <stderr length>} and a newline, then the request's stderr, then exactly what the plugin would have printed
 * on stdout. A connection that sends nothing is answered with nothing. Only the socket's owner may connect (the
 * peer's credentials are checked, and the socket is 0600 in a 0700 directory). Backends named by a request's
 * {@code USERSPACE_CNI_BACKENDS} are loaded for it, as the standalone plugin would put them on its class path.
 */
final class PluginDaemon implements AutoCloseable {

    static final String COMMAND = "daemon";

    /** Environment and stdin together may not be larger than this; stdin alone is capped by the plugin. */
    private static final int MAX_REQUEST_BYTES = Main.MAX_CONFIG_BYTES + 1024 * 1024;

    private static final String BACKENDS_VARIABLE = "USERSPACE_CNI_BACKENDS";

    private final Path socket;
    private final Path pidFile;
    private final ServerSocketChannel server;
    private final UserPrincipal owner;
    private final PrintStream log;
    private final ExecutorService requests;
    private final ConcurrentMap<String, ClassLoader> backendLoaders = new ConcurrentHashMap<>();

    private PluginDaemon(Path socket, ServerSocketChannel server, PrintStream log) throws IOException {
        this.socket = socket;
        this.pidFile = pidFile(socket);
        this.server = server;
        this.owner = Files.getOwner(socket);
        this.log = log;
        AtomicInteger count = new AtomicInteger();
        this.requests = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "cni-request-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** {@code daemon --socket PATH}: serves until the process is stopped; the exit code on a start failure. */
    static int main(List<String> args, PrintStream stderr) {
        if (args.size() != 2 || !args.get(0).equals("--socket")) {
            stderr.println("usage: userspace daemon --socket PATH");
            return 2;
        }
        try {
            PluginDaemon daemon = bind(Path.of(args.get(1)), stderr);
            Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "daemon-stop"));
            stderr.println("userspace daemon: serving CNI requests on " + daemon.socket);
            daemon.serve();
            return 0;
        } catch (IOException e) {
            stderr.println("userspace daemon: cannot serve on " + args.get(1) + ": " + e.getMessage());
            return 1;
        }
    }

    /**
     * Listens on {@code socket}, replacing the socket of a daemon that is gone; refuses a live daemon's socket,
     * and anything there that is not a socket.
     */
    static PluginDaemon bind(Path socket, PrintStream log) throws IOException {
        Path directory = socket.toAbsolutePath().getParent();
        Files.createDirectories(directory,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            int type = (int) Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000;
            if (type != 0140000) {
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
            Path pidFile = pidFile(socket);
            Path written = Files.writeString(pidFile.resolveSibling(pidFile.getFileName() + ".new"),
                    ProcessHandle.current().pid() + "\n");
            Files.move(written, pidFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new PluginDaemon(socket, server, log);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** Accepts requests until {@link #close()}, each on a thread of its own. */
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
        try (connection) {
            UserPrincipal peer = connection.getOption(ExtendedSocketOptions.SO_PEERCRED).user();
            if (!peer.equals(owner)) {
                log.println("userspace daemon: refused a request from " + peer.getName());
                return;
            }
            InputStream in = Channels.newInputStream(connection);
            // Never more than the limit in memory: a larger stdin reaches the plugin cut short, and it refuses it.
            byte[] request = in.readNBytes(MAX_REQUEST_BYTES + 1);
            if (request.length == 0) {
                return;
            }
            ByteArrayOutputStream stdout = new ByteArrayOutputStream();
            ByteArrayOutputStream stderr = new ByteArrayOutputStream();
            int exitCode = run(request, new PrintStream(stdout, true, StandardCharsets.UTF_8),
                    new PrintStream(stderr, true, StandardCharsets.UTF_8));
            OutputStream out = Channels.newOutputStream(connection);
            out.write((exitCode + " " + stderr.size() + "\n").getBytes(StandardCharsets.US_ASCII));
            stderr.writeTo(out);
            stdout.writeTo(out);
            out.flush();
            connection.shutdownOutput();
            // The rest of an oversized stdin is read and dropped, so the client is not cut off before the answer.
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException | RuntimeException e) {
            log.println("userspace daemon: a request failed: " + e);
        }
    }

    private int run(byte[] request, PrintStream stdout, PrintStream stderr) {
        Map<String, String> variables = new HashMap<>();
        int at = 0;
        while (true) {
            int end = indexOf(request, (byte) 0, at);
            if (end < 0) {
                new CniOutput(stdout).print(CniErrors.render(new CniException(ErrorCode.INVALID_ENVIRONMENT_VARIABLES,
                        "the environment of a request must be NUL-terminated NAME=VALUE entries and an empty one,"
                        + " within " + MAX_REQUEST_BYTES + " bytes"), CniVersion.LATEST));
                return 1;
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
        InputStream stdin = new ByteArrayInputStream(request, at, request.length - at);
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(backends(variables.getOrDefault(BACKENDS_VARIABLE, "")));
        try {
            return Main.run(variables, stdin, new CniOutput(stdout), stderr);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** The class loader that adds a request's backends to the daemon's own class path, one per distinct list. */
    private ClassLoader backends(String path) {
        ClassLoader daemon = PluginDaemon.class.getClassLoader();
        if (path.isEmpty()) {
            return daemon;
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
            return new URLClassLoader("backends", urls.toArray(URL[]::new), daemon);
        });
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

    /** Stops accepting, and removes the socket so that launchers run the plugin themselves again. */
    @Override
    public void close() {
        try {
            server.close();
            Files.deleteIfExists(pidFile);
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            log.println("userspace daemon: cannot remove " + socket + ": " + e.getMessage());
        }
        requests.shutdown();
    }
}
