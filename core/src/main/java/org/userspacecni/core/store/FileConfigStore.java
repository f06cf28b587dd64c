package org.userspacecni.core.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.userspacecni.core.Json;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ConfigStore;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.ErrorCode;

/**
 * The file config store, in the original plugin's layout: on the host, {@code <dataDir>/<containerId>/}
 * holds one {@code <ifName>.json} per attachment; that directory is what the container mounts at
 * {@code /var/lib/cni/usrspcni/data}, where the agent reads the same files through {@link #containerView}.
 *
 * <p>Writes are atomic and private: a {@code 0600} temporary file in the same directory, written and
 * fsynced, renamed over the document, and the directory fsynced; directories are {@code 0700}. A reader
 * sees the old document or the new one, never a part.
 */
public final class FileConfigStore implements ConfigStore {

    static final String SUFFIX = ".json";

    private final Path root;
    private final boolean hostView;
    private final System.Logger log;
    private final ObjectMapper mapper = Json.mapper();

    private FileConfigStore(Path root, boolean hostView, System.Logger log) {
        this.root = root;
        this.hostView = hostView;
        this.log = log;
    }

    /** The host's view: every container's directory under {@code dataDir}. */
    public static FileConfigStore hostView(Path dataDir, System.Logger log) {
        return new FileConfigStore(dataDir, true, log);
    }

    /** A container's view: its own directory, wherever it is mounted. */
    public static FileConfigStore containerView(Path dataDir, System.Logger log) {
        return new FileConfigStore(dataDir, false, log);
    }

    /** The file of an attachment's document. */
    public Path file(AttachmentId id) {
        return (hostView ? root.resolve(id.containerId()) : root).resolve(id.ifName() + SUFFIX);
    }

    @Override
    public void put(ContainerConfig config) {
        Path file = file(config.id());
        Path dir = file.getParent();
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            Path temp = Files.createTempFile(dir, "." + config.ifName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    channel.write(java.nio.ByteBuffer.wrap(mapper.writerWithDefaultPrettyPrinter()
                            .writeValueAsBytes(config)));
                    channel.force(true);
                }
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
            try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
                directory.force(true);
            }
        } catch (AtomicMoveNotSupportedException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot replace " + file + " atomically", e);
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot write the container configuration " + file, e);
        }
    }

    @Override
    public Optional<ContainerConfig> get(AttachmentId id) {
        Path file = file(id);
        return Files.exists(file) ? Optional.of(read(file)) : Optional.empty();
    }

    @Override
    public void delete(AttachmentId id) {
        Path file = file(id);
        try {
            Files.deleteIfExists(file);
            if (hostView) {
                try (DirectoryStream<Path> left = Files.newDirectoryStream(file.getParent())) {
                    if (!left.iterator().hasNext()) {
                        Files.delete(file.getParent());
                    }
                } catch (java.nio.file.NoSuchFileException | java.nio.file.DirectoryNotEmptyException e) {
                    // Already gone, or another attachment of the container was stored meanwhile.
                }
            }
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot remove the container configuration " + file, e);
        }
    }

    @Override
    public List<ContainerConfig> list() {
        List<ContainerConfig> configs = new ArrayList<>();
        for (Path file : documents()) {
            try {
                configs.add(read(file));
            } catch (CniException e) {
                log.log(Level.WARNING, "skipping " + file + ": " + e.getMessage()
                        + (e.details().isEmpty() ? "" : " (" + e.details() + ")"));
            }
        }
        return configs;
    }

    /** Reads one document; a corrupt or unknown one is an error naming the file. */
    public ContainerConfig read(Path file) {
        try {
            return mapper.readValue(file.toFile(), ContainerConfig.class);
        } catch (IOException e) {
            Optional<CniException> cause = CniException.in(e);
            String problem = cause.map(Throwable::getMessage).orElse("not a container configuration");
            throw new CniException(ErrorCode.DECODING_FAILURE, "cannot read " + file + ": " + problem,
                    cause.isPresent() ? "" : String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
    }

    /** The document files there are now, temporary files left out. */
    public List<Path> documents() {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return files;
        }
        Function<Path, List<Path>> inDir = dir -> {
            List<Path> found = new ArrayList<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
                entries.forEach(entry -> {
                    if (!entry.getFileName().toString().startsWith(".")) {
                        found.add(entry);
                    }
                });
            } catch (IOException e) {
                log.log(Level.WARNING, "cannot list " + dir + ": " + e.getMessage());
            }
            return found;
        };
        if (!hostView) {
            return inDir.apply(root);
        }
        try (DirectoryStream<Path> containers = Files.newDirectoryStream(root, Files::isDirectory)) {
            containers.forEach(dir -> files.addAll(inDir.apply(dir)));
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot list " + root, e);
        }
        return files;
    }
}
