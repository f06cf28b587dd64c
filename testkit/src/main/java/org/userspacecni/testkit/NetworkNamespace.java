package org.userspacecni.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
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
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        HostCommand.run(command);
    }
}
