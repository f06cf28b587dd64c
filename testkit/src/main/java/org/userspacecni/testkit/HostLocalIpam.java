package org.userspacecni.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The real {@code host-local} IPAM plugin with its lease store in a test's own directory: the
 * {@code ipam} section to put in a configuration, and the leases it holds.
 */
public record HostLocalIpam(Path dataDir, String subnet, String gateway) {

    /** Where the distribution installs the reference plugins. */
    public static final Path CNI_BIN = Path.of("/usr/lib/cni");

    public static HostLocalIpam in(Path dataDir) {
        return new HostLocalIpam(dataDir, "10.56.217.0/24", "10.56.217.1");
    }

    /** The {@code ipam} section, as JSON. */
    public String section() {
        return "{\"type\":\"host-local\",\"subnet\":\"" + subnet + "\",\"gateway\":\"" + gateway + "\","
                + "\"routes\":[{\"dst\":\"0.0.0.0/0\"}],\"dataDir\":\"" + dataDir + "\"}";
    }

    /** The addresses leased now, across every network in the store. */
    public List<String> leases() {
        if (!Files.isDirectory(dataDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            return files.filter(Files::isRegularFile)
                    .map(file -> file.getFileName().toString())
                    .filter(name -> name.matches("[0-9a-f.:]+") && name.contains("."))
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
