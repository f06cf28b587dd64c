package org.userspacecni.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.HostLocalIpam;
import org.userspacecni.testkit.NetworkNamespace;
import org.userspacecni.testkit.recording.RecordingBackend;
import org.userspacecni.testkit.recording.RecordingBackendProvider;

/**
 * What the integration tests run against: the built {@code dist/cni/bin/userspace} executed as libcni does,
 * the real host-local IPAM plugin with its leases in a private directory, a real network namespace, and
 * the recording engine (from the testkit jar, put on the plugin's class path through
 * {@code USERSPACE_CNI_BACKENDS}) standing in for a switch.
 */
final class PluginFixture implements AutoCloseable {

    final Path root;
    final NetworkNamespace netns;
    final HostLocalIpam ipam;

    PluginFixture(Path root) {
        this.root = root;
        this.netns = NetworkNamespace.create();
        this.ipam = HostLocalIpam.in(root.resolve("ipam"));
    }

    static Path plugin() {
        String built = System.getProperty("userspace.plugin");
        if (built == null || !Files.isExecutable(Path.of(built))) {
            throw new IllegalStateException("no built plugin at userspace.plugin=" + built + ": run mvn verify");
        }
        return Path.of(built);
    }

    /**
     * The built plugin run as an operator types it ({@code userspace ARGUMENTS...}), stdin closed, with
     * {@code environment} added to the test's; its exit code, stdout and stderr.
     */
    static CniInvocation.Outcome runPlugin(Map<String, String> environment, List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(plugin().toString()));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            // Read on a thread of its own, so that neither pipe fills while the other is read.
            CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
            String stdout = read(process.getInputStream());
            return new CniInvocation.Outcome(process.waitFor(), stdout, stderr.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String read(InputStream stream) {
        try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    Path switchDir() {
        return root.resolve("switch");
    }

    Path sharedDir() {
        return root.resolve("shared");
    }

    Path dataDir() {
        return root.resolve("data");
    }

    /** The built plugin invoked for attachment {@code containerId}/net1 in {@code netns}, IPAM on CNI_PATH. */
    static CniInvocation invocation(String containerId, NetworkNamespace netns) {
        return new CniInvocation(plugin())
                .env("CNI_CONTAINERID", containerId)
                .env("CNI_NETNS", netns.path().toString())
                .env("CNI_IFNAME", "net1")
                .env("CNI_PATH", HostLocalIpam.CNI_BIN.toString());
    }

    /** The plugin invoked for one attachment, with the recording engine installed. */
    CniInvocation attachment(String containerId, String ifName) {
        return invocation(containerId, netns)
                .env("CNI_IFNAME", ifName)
                .env("USERSPACE_CNI_BACKENDS", testkitJar().toString())
                .env(RecordingBackend.DIR_VARIABLE, switchDir().toString());
    }

    /** A configuration of the recording engine with host-local IPAM; {@code more} is appended inside it. */
    String config(String version, String more) {
        return "{\"cniVersion\":\"" + version + "\",\"name\":\"userspace-net\",\"type\":\"userspace\","
                + "\"dataDir\":\"" + dataDir() + "\",\"sharedDir\":\"" + sharedDir() + "\","
                + "\"host\":{\"engine\":\"" + RecordingBackendProvider.ENGINE + "\",\"iftype\":\"vhostuser\","
                + "\"netType\":\"bridge\",\"vhost\":{\"mode\":\"client\"}},"
                + "\"ipam\":" + ipam.section() + more + "}";
    }

    /** The ports the recording engine holds now. */
    List<String> ports() {
        Path ports = switchDir().resolve("ports");
        if (!Files.isDirectory(ports)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(ports)) {
            return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every operation the recording engine was asked for, in order. */
    List<String> journal() {
        try {
            Path journal = switchDir().resolve("journal");
            return Files.exists(journal) ? Files.readAllLines(journal) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path testkitJar() {
        try {
            return Path.of(RecordingBackendProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        netns.close();
    }
}
