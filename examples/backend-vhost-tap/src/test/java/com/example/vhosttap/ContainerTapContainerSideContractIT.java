package com.example.vhosttap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.userspacecni.spi.Attachment;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.DatapathBackend;
import org.userspacecni.spi.NetConf;
import org.userspacecni.testkit.PlacedSockets;
import org.userspacecni.testkit.tck.ContainerDatapath;
import org.userspacecni.testkit.tck.ContainerSideContract;

/**
 * The backend TCK's container-side contract for the engine's own {@code tap} type: the EAL argument files in the
 * application's directory, each naming a TAP device that the engine's own host side moved into this process's
 * network namespace (the "container" here). "Unreachable" is the application's directory not there.
 */
class ContainerTapContainerSideContractIT extends ContainerSideContract {

    /** This process's network namespace, where the host side moves the TAP devices. */
    private static final String THIS_NETNS = "/proc/self/ns/net";

    @Override
    protected ContainerDatapath start(Path root) {
        Path ealDir = root.resolve("eal");
        try {
            Files.createDirectories(ealDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TapEalDirectory(ealDir, root.resolve("shared"), Engine.backend(Map.of()), new HashMap<>());
    }

    /** The application's EAL directory, and the TAP devices made for it. */
    private record TapEalDirectory(Path ealDir, Path sharedDir, DatapathBackend host,
            Map<String, Attachment> hostEnds) implements ContainerDatapath {

        @Override
        public String containerSection() {
            return Engine.tapSection("");
        }

        @Override
        public Map<String, String> environment() {
            return Map.of(EalArgsFiles.EAL_DIR.variable().orElseThrow(), ealDir.toString());
        }

        @Override
        public void openHostEnd(String network, AttachmentId id, Path socket) {
            NetConf net = Engine.network(network, sharedDir, Engine.tapSection(""));
            Attachment end = new Attachment(id, Optional.of(THIS_NETNS), net, "02:00:00:00:00:01",
                    PlacedSockets.in(net.sharedDirPath()));
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
            hostEnds.values().forEach(host.host()::delete);
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
