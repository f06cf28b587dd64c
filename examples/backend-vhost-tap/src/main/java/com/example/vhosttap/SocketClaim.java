package com.example.vhosttap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.SocketFile;

/**
 * Which forwarder a socket path belongs to: a file in {@code <stateDir>/.claims/}, named by a digest of the path and
 * holding the forwarder's name, made with {@code O_EXCL} before the forwarder starts. It is what lets concurrent
 * ADDs of attachments whose names meet pick different sockets, and what proves, on DEL and GC, that the file at
 * the path is the forwarder's to remove: no forwarder removes a socket it has no claim on. (A network name starts
 * with a letter or digit, so {@code .claims} is no network's directory.)
 */
record SocketClaim(Path file, Path socket, ForwarderName owner) {

    static SocketClaim of(HostSettings settings, Path socket, ForwarderName owner) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(socket.toString().getBytes(StandardCharsets.UTF_8));
            return new SocketClaim(settings.stateDir().resolve(".claims").resolve(HexFormat.of().formatHex(digest)),
                    socket, owner);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /**
     * Claims the socket path for the owner: true if the claim is the owner's (made now, or left by an earlier ADD
     * of the same forwarder) and no file is at the path; false, and nothing changed, if another forwarder claimed
     * it or a file is there.
     */
    boolean take() {
        boolean made;
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, owner.value().getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            made = true;
        } catch (FileAlreadyExistsException e) {
            if (!held()) {
                return false;
            }
            made = false;
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "vhost-tap: cannot claim the socket " + socket, e);
        }
        if (SocketFile.exists(socket)) {
            if (made) {
                release();
            }
            return false;
        }
        return true;
    }

    /** Whether the claim is there and names the owner. */
    boolean held() {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).equals(owner.value());
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Removes the socket file and then the claim, both only if the claim is the owner's, and the file only if it
     * is a socket (a link is not followed; a regular file or a directory there is nobody's to remove here).
     */
    void removeSocket() {
        if (!held()) {
            return;
        }
        SocketFile.removeIfSocket(socket);
        release();
    }

    private void release() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "vhost-tap: cannot remove the claim " + file, e);
        }
    }
}
