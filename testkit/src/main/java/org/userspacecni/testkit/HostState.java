package org.userspacecni.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * What an attachment can leave on a host, read from the host itself: the bridges, ports and interfaces in an
 * OVS's database, the entries of the shared directory (sockets) and of the data directory (stored
 * configurations), and the IPAM leases. Two snapshots are equal when the host is exactly as it was; a record,
 * so a failed comparison prints both.
 */
public record HostState(List<String> bridges, List<String> ports, List<String> interfaces, List<String> sharedDir,
        List<String> dataDir, List<String> leases) {

    /** The state now of {@code ovs}, the two directories and the leases of {@code ipam}. */
    public static HostState of(OvsSandbox ovs, Path sharedDir, Path dataDir, HostLocalIpam ipam) {
        return new HostState(names(ovs, "Bridge"), names(ovs, "Port"), names(ovs, "Interface"), entries(sharedDir),
                entries(dataDir), ipam.leases());
    }

    private static List<String> names(OvsSandbox ovs, String table) {
        return Arrays.stream(ovs.vsctl("--bare", "--columns=name", "list", table).split("\\s+"))
                .filter(name -> !name.isEmpty()).sorted().toList();
    }

    /** Every file, socket and directory under {@code dir}, relative to it; directories end with a slash. */
    private static List<String> entries(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(path -> !path.equals(dir))
                    .map(path -> dir.relativize(path) + (Files.isDirectory(path) ? "/" : ""))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
