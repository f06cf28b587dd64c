package org.userspacecni.host;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The built plugin's daemon ({@code userspace daemon}) started as an operator starts it, with the test's
 * backends on its class path; ready once it says it serves, stopped with SIGTERM. Its stderr follows the tests',
 * and a test can wait for a line of it.
 */
final class DaemonProcess implements AutoCloseable {

    final Path socket;
    private final Process process;
    private final List<String> said = new ArrayList<>();

    private DaemonProcess(Path socket, Process process) {
        this.socket = socket;
        this.process = process;
    }

    /** {@code userspace daemon OPTIONS...} on {@code socket}, not yet started. */
    static ProcessBuilder command(Path socket, String... options) {
        List<String> command = new ArrayList<>(List.of(PluginFixture.plugin().toString(), PluginDaemon.COMMAND));
        command.addAll(List.of(options));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("USERSPACE_CNI_DAEMON_SOCKET", socket.toString());
        return builder;
    }

    static DaemonProcess start(Path socket, Map<String, String> environment, String... options) {
        ProcessBuilder builder = command(socket, options).redirectOutput(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(environment);
        builder.environment().put("USERSPACE_CNI_BACKENDS", PluginFixture.testkitJar().toString());
        try {
            Process process = builder.start();
            BufferedReader stderr = new BufferedReader(
                    new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
            String first = stderr.readLine();
            if (first == null || !first.contains("serving CNI requests on " + socket)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException("the daemon did not start: " + first);
            }
            DaemonProcess daemon = new DaemonProcess(socket, process);
            Thread follower = new Thread(() -> daemon.follow(stderr), "daemon-stderr");
            follower.setDaemon(true);
            follower.start();
            return daemon;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void follow(BufferedReader stderr) {
        try {
            stderr.lines().forEach(line -> {
                System.err.println(line);
                synchronized (said) {
                    said.add(line);
                    said.notifyAll();
                }
            });
        } catch (UncheckedIOException closed) {
            // Destroying the process closes its streams.
        } finally {
            synchronized (said) {
                said.add(null);
                said.notifyAll();
            }
        }
    }

    /** Waits until the daemon writes {@code line} to stderr; fails if it exits or {@code within} passes first. */
    void awaitLine(String line, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        synchronized (said) {
            while (!said.contains(line)) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || said.contains(null)) {
                    throw new AssertionError("the daemon did not write '" + line + "'; it wrote: " + said);
                }
                try {
                    said.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
    }

    long pid() {
        return process.pid();
    }

    /**
     * Sends the daemon SIGTERM, as a service manager or the kubelet does, and returns at once; through its
     * handle, since {@link Process#destroy()} also closes the stderr the test goes on reading.
     */
    void terminate() {
        process.toHandle().destroy();
    }

    /** Stops the daemon as a service manager does (SIGTERM) and waits for it; its exit code. */
    int stop() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return -1;
        }
    }

    /** Kills the daemon with SIGKILL, as the OOM killer would: its socket stays behind. */
    void kill() {
        try {
            process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop();
        }
    }
}
