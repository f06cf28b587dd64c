package org.userspacecni.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
        ProcessBuilder builder = new ProcessBuilder(plugin.toString());
        builder.environment().clear();
        builder.environment().putAll(environment);
        builder.environment().put("CNI_COMMAND", command);
        try {
            Process process = builder.start();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(process, true));
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(process, false));
            try (var in = process.getOutputStream()) {
                in.write(stdin);
            } catch (IOException e) {
                // The plugin need not read stdin (VERSION with no input); its output tells the rest.
            }
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(plugin + " " + command + " did not finish within 120 s");
            }
            return new Outcome(process.exitValue(), new String(out.get(), StandardCharsets.UTF_8),
                    new String(err.get(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
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
