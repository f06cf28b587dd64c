package org.userspacecni.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * A real network namespace made with {@code ip netns add} for one test and deleted afterwards: the
 * sandbox a runtime would pass as {@code CNI_NETNS}. Needs root, as the plugin itself does.
 */
public final class NetworkNamespace implements AutoCloseable {

    private final String name;

    private NetworkNamespace(String name) {
        this.name = name;
    }

    public static NetworkNamespace create() {
        String name = "usrsp-test-" + UUID.randomUUID().toString().substring(0, 8);
        ip("netns", "add", name);
        return new NetworkNamespace(name);
    }

    public String name() {
        return name;
    }

    /** The path a runtime passes as CNI_NETNS. */
    public Path path() {
        return Path.of("/var/run/netns", name);
    }

    @Override
    public void close() {
        ip("netns", "del", name);
    }

    private static void ip(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (process.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
