package org.userspacecni.host;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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
 * {@code memif} with the pod's role, the path and the mode. The path is the socket's path on the node.
 */
final class DeviceInfo {

    static final String VERSION = "1.1.0";

    private DeviceInfo() {
    }

    /** The file {@code runtimeConfig.CNIDeviceInfoFile} names, if any: an absolute, normalized path. */
    static Optional<Path> file(CniRequest request) {
        String path = request.config().path("runtimeConfig").path("CNIDeviceInfoFile").asText("");
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

    static ObjectNode of(ContainerConfig config, String socketPath) {
        ObjectNode info = Json.mapper().createObjectNode();
        if (config.config().iftype() == InterfaceType.MEMIF) {
            info.put("type", "memif").put("version", VERSION).putObject("memif")
                    .put("role", config.config().memif().roleOrDefault().wireName()).put("path", socketPath)
                    .put("mode", config.config().memif().mode().wireName());
        } else {
            info.put("type", "vhost-user").put("version", VERSION).putObject("vhost-user")
                    .put("mode", config.config().vhost().modeOrDefault().wireName()).put("path", socketPath);
        }
        return info;
    }

    /**
     * Writes the document atomically: a {@code 0600} temporary file (only the node's root components, Multus
     * among them, read it) renamed into place, so a symbolic link planted at the file's name is replaced itself,
     * never written through.
     */
    static void write(Path file, ObjectNode info) {
        Path temp = null;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            temp = Files.createTempFile(file.toAbsolutePath().getParent(), ".deviceinfo", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(temp, Json.mapper().writeValueAsBytes(info), StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            if (temp != null) {
                temp.toFile().delete(); // nothing half-written is left beside the file
            }
            throw new CniException(ErrorCode.IO_FAILURE, "cannot write the device-info file " + file, e);
        }
    }

    /** Removes the file; a symbolic link in its place is removed itself, never its target. */
    static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot remove the device-info file " + file, e);
        }
    }
}
