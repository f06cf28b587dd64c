package org.userspacecni.host;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Optional;
import org.userspacecni.core.Json;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.InterfaceType;

/**
 * The Multus device-info document (spec 1.1.0) of an attachment, written where {@code runtimeConfig}'s
 * {@code CNIDeviceInfoFile} says (the {@code CNIDeviceInfoFile} capability) so Multus lists the socket in the
 * pod's network status: {@code vhost-user} with the mode the pod's end takes and the socket's path, or
 * {@code memif} with the pod's role, the path and the mode. The path is the socket's path on the node. An
 * interface type of another engine has no document.
 */
final class DeviceInfo {

    static final String VERSION = "1.1.0";

    private DeviceInfo() {
    }

    /** The file {@code runtimeConfig.CNIDeviceInfoFile} names, if any: an absolute, normalized path. */
    static Optional<Path> file(ObjectNode config) {
        String path = config.path("runtimeConfig").path("CNIDeviceInfoFile").asText("");
        if (path.isEmpty()) {
            return Optional.empty();
        }
        boolean plain = path.startsWith("/") && path.indexOf('\0') < 0 && path.indexOf('\n') < 0
                && !path.contains("//") && !path.endsWith("/")
                && Arrays.stream(path.substring(1).split("/")).noneMatch(part -> part.equals(".") || part.equals(".."));
        if (!plain) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "runtimeConfig.CNIDeviceInfoFile must be an"
                    + " absolute, normalized path: '" + path + "'");
        }
        return Optional.of(Path.of(path));
    }

    /**
     * The document of a vhost-user or memif attachment; none for an interface type of another engine, which the
     * device-info specification has no type for.
     */
    static Optional<ObjectNode> of(ContainerConfig config, String socketPath) {
        ObjectNode info = JsonNodeFactory.instance.objectNode();
        InterfaceType iftype = config.config().iftype();
        if (InterfaceType.MEMIF.equals(iftype)) {
            info.put("type", "memif").put("version", VERSION).putObject("memif")
                    .put("role", config.config().memif().roleOrDefault().wireName()).put("path", socketPath)
                    .put("mode", config.config().memif().mode().wireName());
        } else if (InterfaceType.VHOSTUSER.equals(iftype)) {
            info.put("type", "vhost-user").put("version", VERSION).putObject("vhost-user")
                    .put("mode", config.config().vhost().modeOrDefault().wireName()).put("path", socketPath);
        } else {
            return Optional.empty();
        }
        return Optional.of(info);
    }

    /** A device-info file this plugin made: its path and its identity then (device, inode and change time). */
    record Written(Path path, String fileKey) {
    }

    /**
     * Writes the document as a new file: a {@code 0600} temporary file (only the node's root components, Multus
     * among them, read it), complete before it is linked at its name, so a reader never sees a part. A file
     * already there (another attachment's, or a link planted in its place) is refused with 7 and left alone.
     */
    static Written write(Path file, ObjectNode info) {
        Path temp = null;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            temp = Files.createTempFile(file.toAbsolutePath().getParent(), ".deviceinfo", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(temp, Json.write(info), StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
            Files.createLink(file, temp);
            Files.delete(temp);
            temp = null;
            return new Written(file, fileKey(file));
        } catch (FileAlreadyExistsException e) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "the device-info file " + file
                    + " exists already and is not this attachment's: runtimeConfig.CNIDeviceInfoFile must name a"
                    + " file of this attachment alone");
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot write the device-info file " + file, e);
        } finally {
            if (temp != null) {
                temp.toFile().delete(); // the document stays under its name alone
            }
        }
    }

    /**
     * Removes the file ADD wrote, if it is still that file (same device, inode and change time; an entry of the
     * earlier journal layout has no identity, and its path alone is taken); a file that has replaced it is someone
     * else's and stays.
     */
    static void delete(Written written, System.Logger log) {
        try {
            Optional<String> now = existingKey(written.path());
            if (now.isEmpty()) {
                return;
            }
            if (!written.fileKey().isEmpty() && !written.fileKey().equals(now.get())) {
                log.log(System.Logger.Level.WARNING, "the device-info file " + written.path()
                        + " is not the one this attachment wrote; left alone");
                return;
            }
            Files.deleteIfExists(written.path());
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot remove the device-info file " + written.path(), e);
        }
    }

    /**
     * A file's identity: device and inode, which a file made after this one was removed may get again, and the
     * time its inode last changed, which such a file does not share.
     */
    private static String fileKey(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey() + "@"
                + Files.getAttribute(file, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
    }

    /** The file's identity, none if nothing is there (or its directory is not one). */
    private static Optional<String> existingKey(Path file) throws IOException {
        try {
            return Optional.of(fileKey(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (FileSystemException e) {
            if ("Not a directory".equals(e.getReason())) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
