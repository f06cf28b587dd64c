package org.userspacecni.spi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Optional;

/**
 * The directory an engine's sockets are made in, prepared alike by every engine: created {@code 0700}, or
 * {@code 0770} and owned by {@code vhost.group} when one is given, so that QEMU or a non-root DPDK application
 * in that group can reach the sockets and nobody else can.
 */
public final class SocketDirectory {

    private SocketDirectory() {
    }

    /** Creates {@code dir} if missing and gives it the mode and group; 7 if there is no such group. */
    public static void prepare(Path dir, Optional<String> group) {
        try {
            Optional<GroupPrincipal> principal = Optional.empty();
            if (group.isPresent()) {
                principal = Optional.of(dir.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByGroupName(group.get()));
            }
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString(group.isPresent() ? "rwxrwx---" : "rwx------")));
            }
            if (principal.isPresent()) {
                Files.getFileAttributeView(dir, PosixFileAttributeView.class).setGroup(principal.get());
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwx---"));
            }
        } catch (UserPrincipalNotFoundException e) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "host.vhost.group: no group named '"
                    + group.orElse("") + "'");
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot prepare the socket directory " + dir, e);
        }
    }
}
