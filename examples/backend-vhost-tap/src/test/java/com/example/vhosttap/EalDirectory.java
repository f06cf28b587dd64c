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

/**
 * The container's datapath as the container-side contract sees this engine's: the application's EAL directory,
 * and the host ends the engine's own host side made for it. "Unreachable" is the directory not there, as when its
 * volume is not mounted. Each interface type says how its host end is made.
 */
abstract class EalDirectory implements ContainerDatapath {

    private final Path ealDir;
    private final DatapathBackend host = Engine.backend(Map.of());
    private final Map<String, Attachment> hostEnds = new HashMap<>();

    /** Makes {@code ealDir}, the application's directory. */
    EalDirectory(Path ealDir) {
        try {
            this.ealDir = Files.createDirectories(ealDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The host end of {@code id} in {@code network}, on {@code socket} where the type has one. */
    abstract Attachment hostEnd(String network, AttachmentId id, Path socket);

    @Override
    public Map<String, String> environment() {
        return Map.of(EalArgsFiles.EAL_DIR.variable().orElseThrow(), ealDir.toString());
    }

    @Override
    public void openHostEnd(String network, AttachmentId id, Path socket) {
        Attachment end = hostEnd(network, id, socket);
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
