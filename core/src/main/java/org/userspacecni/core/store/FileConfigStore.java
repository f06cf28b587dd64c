package org.userspacecni.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.userspacecni.core.Json;
import org.userspacecni.core.cni.NetConfReader;
import org.userspacecni.core.cni.SpiTrees;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.CniException;
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
 *
 * <p>The store's directory may itself be a symbolic link (the operator's choice); nothing below it is
 * followed. A container directory that is a link is refused on write and read, and DEL removes the link
 * alone; a document that is a link is replaced by the rename (the link, not its target), refused on read and
 * removed as a link. So no link planted there leads a root process to write, read or delete outside.
 */
public final class FileConfigStore implements ConfigReader {

    static final String SUFFIX = ".json";
    static final FileAttribute<Set<PosixFilePermission>> PRIVATE_DIRECTORY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private final Path root;
    private final boolean hostView;
    private final System.Logger log;

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

    /** Writes the attachment's document atomically: a reader sees the old one or the new one, never a part. */
    public void put(ContainerConfig config) {
        Path file = file(config.id());
        Path dir = file.getParent();
        try {
            Files.createDirectories(root, PRIVATE_DIRECTORY);
            if (hostView) {
                createContainerDirectory(dir);
            }
            Path temp = Files.createTempFile(dir, "." + config.ifName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, NOFOLLOW)) {
                    channel.write(java.nio.ByteBuffer.wrap(Json.writePretty(SpiTrees.containerConfig(config))));
                    channel.force(true);
                }
                // rename(2) replaces whatever is at the document's name, a link included, never a link's target
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

    /** A container's directory, {@code 0700}; one that is there as a link (or not a directory) is refused. */
    private static void createContainerDirectory(Path dir) throws IOException {
        try {
            Files.createDirectory(dir, PRIVATE_DIRECTORY);
        } catch (FileAlreadyExistsException e) {
            requireOwnDirectory(dir);
        }
    }

    private static void requireOwnDirectory(Path dir) {
        if (!Files.isDirectory(dir, NOFOLLOW)) {
            throw new CniException(ErrorCode.IO_FAILURE, dir + " is " + (Files.isSymbolicLink(dir)
                    ? "a symbolic link" : "not a directory") + ": the store does not follow links below its directory");
        }
    }

    /** The attachment's document, if there is one; an unreadable one is an error naming the file. */
    public Optional<ContainerConfig> get(AttachmentId id) {
        Path file = file(id);
        if (hostView && Files.exists(file.getParent(), NOFOLLOW)) {
            requireOwnDirectory(file.getParent());
        }
        return Files.exists(file, NOFOLLOW) ? Optional.of(read(file)) : Optional.empty();
    }

    /** Removes the attachment's document; succeeds when it is already gone. */
    public void delete(AttachmentId id) {
        Path file = file(id);
        try {
            if (hostView && Files.isSymbolicLink(file.getParent())) {
                log.log(Level.WARNING, "removing the symbolic link " + file.getParent() + " where the store keeps a"
                        + " directory; its target is left alone");
                Files.delete(file.getParent());
                return;
            }
            if (!Files.exists(file, NOFOLLOW)) {
                return; // nothing to remove, even where the store cannot be written (a read-only file system)
            }
            Files.delete(file); // a link is removed itself, never its target
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
        try (var in = Files.newInputStream(file, NOFOLLOW)) {
            JsonNode document = Json.readTree(in.readAllBytes());
            if (document.isMissingNode()) {
                throw new CniException(ErrorCode.DECODING_FAILURE, "cannot read " + file
                        + ": not a container configuration", "No content to map due to end-of-input");
            }
            if (document.isNull()) {
                throw new CniException(ErrorCode.DECODING_FAILURE,
                        "cannot read " + file + ": not a container configuration");
            }
            return NetConfReader.containerConfig(document);
        } catch (NetConfReader.Refused e) {
            String problem = e.own().map(Throwable::getMessage).orElse("not a container configuration");
            throw new CniException(ErrorCode.DECODING_FAILURE, "cannot read " + file + ": " + problem,
                    e.own().isPresent() ? "" : e.getMessage().replace("failed to decode the network configuration: ", "")
                            + ", " + e.details());
        } catch (CniException e) {
            throw e;
        } catch (RuntimeException e) {
            // The record refused it otherwise: a field it requires is missing, a null among the IPAM result's.
            throw new CniException(ErrorCode.DECODING_FAILURE, "cannot read " + file
                    + ": not a container configuration", e.getMessage() == null ? e.toString()
                    : "missing '" + e.getMessage() + "'");
        } catch (IOException e) {
            if (Files.isSymbolicLink(file)) {
                throw new CniException(ErrorCode.IO_FAILURE, "cannot read " + file + ": it is a symbolic link,"
                        + " which the store does not follow");
            }
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
        // A container directory that is a link is not ours to read through: GC leaves it and its target alone.
        try (DirectoryStream<Path> containers = Files.newDirectoryStream(root, dir -> Files.isDirectory(dir, NOFOLLOW))) {
            containers.forEach(dir -> files.addAll(inDir.apply(dir)));
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot list " + root, e);
        }
        return files;
    }
}
