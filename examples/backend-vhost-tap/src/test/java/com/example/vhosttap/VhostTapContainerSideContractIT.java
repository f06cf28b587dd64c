package com.example.vhosttap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.userspacecni.spi.Attachment;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.DatapathBackend;
import org.userspacecni.testkit.tck.ContainerDatapath;
import org.userspacecni.testkit.tck.ContainerSideContract;

/**
 * The backend TCK's container-side contract: the EAL argument files in the application's directory, each joined
 * to a host end that the engine's own host side opens (a real forwarder on a hugetlbfs of the test's own).
 * "Unreachable" is the application's directory not there, as when its volume is not mounted.
 */
class VhostTapContainerSideContractIT extends ContainerSideContract {

    @Override
    protected ContainerDatapath start(Path root) {
        Hugepages hugepages = Hugepages.mount(root.resolve("huge"));
        Path ealDir = root.resolve("eal");
        try {
            Files.createDirectories(ealDir);
        } catch (IOException e) {
            hugepages.close();
            throw new UncheckedIOException(e);
        }
        return new EalDirectory(hugepages, root.resolve("state"), ealDir, Engine.backend(Map.of()), new HashMap<>());
    }

    /** The application's EAL directory, and the host ends made for it. */
    private record EalDirectory(Hugepages hugepages, Path state, Path ealDir, DatapathBackend host,
            Map<String, Attachment> hostEnds) implements ContainerDatapath {

        @Override
        public String containerSection() {
            return "{\"engine\":\"" + VhostTapBackendProvider.ENGINE + "\",\"iftype\":\"vhostuser\","
                    + "\"vhost\":{\"mode\":\"client\"}}";
        }

        @Override
        public Map<String, String> environment() {
            return Map.of(EalArgsFiles.EAL_DIR.variable().orElseThrow(), ealDir.toString());
        }

        @Override
        public void openHostEnd(String network, AttachmentId id, Path socket) {
            Attachment end = Engine.hostEnd(network, id, socket, hugepages.dir(), state);
            host.host().add(end);
            hostEnds.put(network + "/" + id, end);
        }

        @Override
        public void closeHostEnd(String network, AttachmentId id) {
            Attachment end = hostEnds.remove(network + "/" + id);
            if (end != null) {
                host.host().delete(end);
            }
        }

        @Override
        public int applied(String network) {
            try (Stream<Path> files = Files.list(ealDir.resolve(network))) {
                return (int) files.filter(file -> file.toString().endsWith(".args")).count();
            } catch (NoSuchFileException e) {
                return 0;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public boolean holds(String network, AttachmentId id) {
            return Files.exists(ealDir.resolve(network).resolve(id.ifName() + ".args"));
        }

        @Override
        public void stop() {
            move(ealDir, unmounted());
        }

        @Override
        public void restart() {
            move(unmounted(), ealDir);
        }

        @Override
        public void close() {
            try {
                hostEnds.values().forEach(host.host()::delete);
            } finally {
                hugepages.close();
            }
        }

        private Path unmounted() {
            return ealDir.resolveSibling("eal-not-mounted");
        }

        private static void move(Path from, Path to) {
            try {
                Files.move(from, to);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
