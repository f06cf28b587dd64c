package org.userspacecni.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.userspacecni.core.StateLock;

/**
 * What an attachment can leave on a host, read from the host itself: the bridges, ports and interfaces in an
 * OVS's database, the files and sockets under the plugin's directories (shared sockets, stored configurations
 * and the journal, device-info files), and the IPAM leases. Directories and the node's lock file are not an
 * attachment's. Two snapshots are equal when the host is exactly as it was; a record, so a failed comparison
 * prints both.
 */
public record HostState(List<String> bridges, List<String> ports, List<String> interfaces,
        Map<Path, List<String>> files, List<String> leases) {

    /** The state now of {@code ovs}, the leases of {@code ipam} and the files under each of {@code dirs}. */
    public static HostState of(OvsSandbox ovs, HostLocalIpam ipam, Path... dirs) {
        Map<Path, List<String>> files = new LinkedHashMap<>();
        for (Path dir : dirs) {
            files.put(dir, files(dir));
        }
        return new HostState(names(ovs, "Bridge"), names(ovs, "Port"), names(ovs, "Interface"), files,
                ipam.leases());
    }

    private static List<String> names(OvsSandbox ovs, String table) {
        return Arrays.stream(ovs.vsctl("--bare", "--columns=name", "list", table).split("\\s+"))
                .filter(name -> !name.isEmpty()).sorted().toList();
    }

    /** Every file and socket under {@code dir}, relative to it. */
    private static List<String> files(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(path -> !Files.isDirectory(path))
                    .filter(path -> !path.getFileName().toString().equals(StateLock.FILE_NAME))
                    .map(path -> dir.relativize(path).toString())
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
