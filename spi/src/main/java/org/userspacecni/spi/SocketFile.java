package org.userspacecni.spi;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What an engine may do to a socket file in the shared directory, looked at without following links. An engine
 * removes a socket only where its own port or interface names it, and even then only if a socket is what stands
 * there: a regular file, a directory or a link in its place is someone else's and stays. A name whose directory
 * is gone, or is not a directory, holds nothing.
 */
public final class SocketFile {

    /** {@code S_IFMT} and {@code S_IFSOCK} of {@code stat(2)}. */
    private static final int TYPE_MASK = 0170000;
    private static final int SOCKET = 0140000;

    private SocketFile() {
    }

    /** Whether anything (a socket, a file, a dangling link...) stands at {@code path}. */
    public static boolean exists(Path path) {
        return mode(path).isPresent();
    }

    /** Whether a socket stands at {@code path} itself (a link there is not followed, and is not one). */
    public static boolean isSocket(Path path) {
        return mode(path).filter(mode -> (mode & TYPE_MASK) == SOCKET).isPresent();
    }

    /**
     * Removes {@code path} if it is a socket; true if it was removed, false if nothing or something else stands
     * there (which is left alone). 5 if the socket cannot be removed.
     */
    public static boolean removeIfSocket(Path path) {
        if (!isSocket(path)) {
            return false;
        }
        try {
            return Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot remove the socket " + path, e);
        }
    }

    private static Optional<Integer> mode(Path path) {
        try {
            return Optional.of((Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (FileSystemException e) {
            if ("Not a directory".equals(e.getReason())) {
                return Optional.empty();
            }
            throw new CniException(ErrorCode.IO_FAILURE, "cannot look at " + path, e);
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot look at " + path, e);
        }
    }
}
