package org.userspacecni.host;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;

/**
 * The attachments this node's plugin has begun and not yet finished removing: one empty file each in
 * {@code <dataDir>/.attachments/}, named {@code <network>:<containerId>:<ifName>} (none of the three may
 * hold a ':'), holding the path of the attachment's device-info file, if it has one. ADD records an
 * attachment before its first change and DEL forgets it after its last, so a GC finds whatever a crash in
 * between left behind, even a lease that only the IPAM plugin knows of, or a device-info file outside the
 * plugin's roots.
 */
final class AttachmentJournal {

    static final String DIRECTORY = ".attachments";

    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_DIRECTORY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    /** How often a record is tried while other attachments' forgets keep removing the emptied directory. */
    private static final int ATTEMPTS = 100;

    private final Path dir;

    AttachmentJournal(Path dataDir) {
        this.dir = dataDir.resolve(DIRECTORY);
    }

    /** Records that {@code id} of {@code network} is being made; it may already be recorded. */
    void record(String network, AttachmentId id, Optional<Path> deviceInfo) {
        Path file = dir.resolve(fileName(network, id));
        byte[] content = deviceInfo.map(Path::toString).orElse("").getBytes(StandardCharsets.UTF_8);
        for (int attempt = 1; ; attempt++) {
            try {
                Files.createDirectories(dir.getParent(), PRIVATE_DIRECTORY);
                try {
                    Files.createDirectory(dir, PRIVATE_DIRECTORY);
                } catch (FileAlreadyExistsException e) {
                    // One look: a directory is fine, a link or a file is refused, and none (removed again since)
                    // is a NoSuchFileException for the retry.
                    if (!Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isDirectory()) {
                        throw e;
                    }
                }
                try (SeekableByteChannel created = Files.newByteChannel(file, Set.of(StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
                    created.write(ByteBuffer.wrap(content));
                }
                return;
            } catch (NoSuchFileException e) {
                // Another attachment's forget removed the emptied directory meanwhile: make it again.
                if (attempt == ATTEMPTS) {
                    throw new CniException(ErrorCode.IO_FAILURE, "cannot record attachment " + id + " in " + dir, e);
                }
            } catch (IOException e) {
                throw new CniException(ErrorCode.IO_FAILURE, "cannot record attachment " + id + " in " + dir, e);
            }
        }
    }

    /** Forgets {@code id}, and the directory once it is empty; nothing to do if it was never recorded. */
    void forget(String network, AttachmentId id) {
        Path file = dir.resolve(fileName(network, id));
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return; // nothing to remove, even where the data directory cannot be written
        }
        try {
            Files.delete(file);
            Files.delete(dir);
        } catch (DirectoryNotEmptyException | NoSuchFileException e) {
            // Other attachments are recorded, or another forget removed the directory first.
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot remove attachment " + id + " from " + dir, e);
        }
    }

    /** The attachments of {@code network} recorded now, with their device-info files. */
    Map<AttachmentId, Optional<Path>> of(String network) {
        Map<AttachmentId, Optional<Path>> recorded = new LinkedHashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, network + ":*")) {
            for (Path file : files) {
                String[] parts = file.getFileName().toString().split(":", 3);
                if (parts.length == 3) {
                    String deviceInfo = new String(read(file), StandardCharsets.UTF_8);
                    recorded.put(new AttachmentId(parts[1], parts[2]),
                            deviceInfo.isEmpty() ? Optional.empty() : Optional.of(Path.of(deviceInfo)));
                }
            }
        } catch (NoSuchFileException e) {
            // Nothing was ever recorded.
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot list the attachments in " + dir, e);
        }
        return recorded;
    }

    private static byte[] read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            return in.readAllBytes();
        }
    }

    private static String fileName(String network, AttachmentId id) {
        return network + ":" + id.containerId() + ":" + id.ifName();
    }
}
