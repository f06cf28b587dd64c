package org.userspacecni.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The plugin's daemon on the node ({@code userspace daemon}), on a socket in a directory of its own, as the
 * DaemonSet's daemon container runs it; ready once the launcher's own probe ({@code userspace daemon --check})
 * passes. {@link #clientEnvironment()} is what a runtime's environment needs for the launcher to forward to it
 * and never run the plugin itself.
 */
final class PluginDaemon implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path plugin;
    private final Path socket;
    private final Process process;

    private PluginDaemon(Path plugin, Path socket, Process process) {
        this.plugin = plugin;
        this.socket = socket;
        this.process = process;
    }

    static PluginDaemon start(Path plugin, Path dir) {
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                    "rwx------")));
            Path socket = dir.resolve("daemon.sock");
            ProcessBuilder builder = new ProcessBuilder(plugin.toString(), "daemon").redirectErrorStream(true)
                    .redirectOutput(dir.resolve("daemon.log").toFile());
            builder.environment().put("USERSPACE_CNI_DAEMON_SOCKET", socket.toString());
            PluginDaemon daemon = new PluginDaemon(plugin, socket, builder.start());
            daemon.awaitReady();
            return daemon;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The launcher forwards to this daemon; a Java runtime that does not exist makes running it here fail. */
    Map<String, String> clientEnvironment() {
        return Map.of("USERSPACE_CNI_DAEMON_SOCKET", socket.toString(), "USERSPACE_CNI_JAVA",
                socket.resolveSibling("no-java-here").toString());
    }

    private void awaitReady() throws IOException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (true) {
            ProcessBuilder check = new ProcessBuilder(List.of(plugin.toString(), "daemon", "--check"))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            check.environment().put("USERSPACE_CNI_DAEMON_SOCKET", socket.toString());
            try {
                if (check.start().waitFor() == 0) {
                    return;
                }
                if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("the plugin's daemon did not answer on " + socket + ": "
                            + Files.readString(socket.resolveSibling("daemon.log")));
                }
                process.waitFor(100, TimeUnit.MILLISECONDS); // returns at once if the daemon ended
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
