package org.userspacecni.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.userspacecni.core.Json;

/**
 * Runs a CNI plugin executable the way libcni does: a child process with the CNI variables in its
 * environment and the network configuration on stdin; stdout and stderr are captured separately.
 * The child sees only {@code PATH}, {@code JAVA_HOME} and what the test sets, so nothing of the test's own
 * environment leaks into what is tested. Where the system property {@value #DAEMON_SOCKET_PROPERTY} is set
 * (a test run against the plugin's daemon), every invocation names that socket in
 * {@code USERSPACE_CNI_DAEMON_SOCKET}, so the same tests run in both of the plugin's modes, and names a Java
 * runtime that does not exist ({@code USERSPACE_CNI_JAVA}), so an invocation that did not reach the daemon fails.
 */
public final class CniInvocation {

    /** What the plugin did: its exit code and what it wrote to each stream. */
    public record Outcome(int exitCode, String stdout, String stderr) {

        /** stdout as JSON; fails the test if it is not exactly one JSON document. */
        public JsonNode json() {
            try {
                return Json.mapper().readTree(stdout);
            } catch (IOException e) {
                throw new AssertionError("stdout is not one JSON document: " + stdout + "\nstderr: " + stderr, e);
            }
        }
    }

    public static final String DAEMON_SOCKET_PROPERTY = "userspace.daemon.socket";

    /** A Java runtime that is not there, for invocations that must not start one. */
    public static final String NO_JAVA = "/nonexistent/bin/java";

    private final Path plugin;
    private final Map<String, String> environment = new LinkedHashMap<>();

    public CniInvocation(Path plugin) {
        this.plugin = plugin;
        for (String inherited : List.of("PATH", "JAVA_HOME")) {
            String value = System.getenv(inherited);
            if (value != null) {
                environment.put(inherited, value);
            }
        }
        String daemon = System.getProperty(DAEMON_SOCKET_PROPERTY);
        if (daemon != null) {
            environment.put("USERSPACE_CNI_DAEMON_SOCKET", daemon);
            environment.put("USERSPACE_CNI_JAVA", NO_JAVA);
        }
    }

    /** Sets an environment variable of the child; a null value removes it. */
    public CniInvocation env(String name, String value) {
        if (value == null) {
            environment.remove(name);
        } else {
            environment.put(name, value);
        }
        return this;
    }

    public CniInvocation env(Map<String, String> variables) {
        variables.forEach(this::env);
        return this;
    }

    /** A copy with the same environment, for the next command on the same attachment. */
    public CniInvocation copy() {
        return new CniInvocation(plugin).env(environment);
    }

    public Outcome run(String command, String stdin) {
        return run(command, stdin.getBytes(StandardCharsets.UTF_8));
    }

    public Outcome run(String command, byte[] stdin) {
        return start(command, stdin).finish();
    }

    /** Starts the plugin and gives it its stdin, for a test that acts while it runs. */
    public Running start(String command, String stdin) {
        return start(command, stdin.getBytes(StandardCharsets.UTF_8));
    }

    public Running start(String command, byte[] stdin) {
        ProcessBuilder builder = new ProcessBuilder(plugin.toString());
        builder.environment().clear();
        builder.environment().putAll(environment);
        builder.environment().put("CNI_COMMAND", command);
        try {
            Running running = new Running(builder.start(), plugin + " " + command);
            try (var in = running.process.getOutputStream()) {
                in.write(stdin);
            } catch (IOException e) {
                // The plugin need not read stdin (VERSION with no input); its output tells the rest.
            }
            return running;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A plugin process under way: its stderr can be awaited line by line, and it can be killed. */
    public static final class Running {

        private final Process process;
        private final String what;
        private final CompletableFuture<byte[]> stdout;
        private final StringBuilder stderr = new StringBuilder();
        private final Thread stderrReader;

        private Running(Process process, String what) {
            this.process = process;
            this.what = what;
            this.stdout = CompletableFuture.supplyAsync(() -> readAll(process, true));
            this.stderrReader = new Thread(this::readStderr, "stderr of " + what);
            stderrReader.setDaemon(true);
            stderrReader.start();
        }

        public long pid() {
            return process.pid();
        }

        /** Waits until the plugin writes {@code line} to stderr; fails if it exits or {@code within} passes first. */
        public void awaitStderrLine(String line, Duration within) {
            long deadline = System.nanoTime() + within.toNanos();
            synchronized (stderr) {
                while (!stderr.toString().lines().anyMatch(line::equals)) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || !stderrReader.isAlive()) {
                        throw new AssertionError(what + " did not write '" + line + "' to stderr; it wrote: "
                                + stderr);
                    }
                    try {
                        stderr.wait(Math.max(1, left / 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new AssertionError(e);
                    }
                }
            }
        }

        /** Kills the plugin with SIGKILL and waits until it is gone. */
        public void kill() {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        /** Waits for the plugin to finish (120 s at most) and returns what it did. */
        public Outcome finish() {
            try {
                if (!process.waitFor(120, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError(what + " did not finish within 120 s");
                }
                stderrReader.join();
                return new Outcome(process.exitValue(), new String(stdout.get(), StandardCharsets.UTF_8),
                        stderr());
            } catch (InterruptedException | ExecutionException e) {
                throw new AssertionError(e);
            }
        }

        private String stderr() {
            synchronized (stderr) {
                return stderr.toString();
            }
        }

        private void readStderr() {
            try (var reader = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    synchronized (stderr) {
                        stderr.append(line).append('\n');
                        stderr.notifyAll();
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                synchronized (stderr) {
                    stderr.notifyAll();
                }
            }
        }
    }

    private static byte[] readAll(Process process, boolean stdout) {
        try (var stream = stdout ? process.getInputStream() : process.getErrorStream()) {
            return stream.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
