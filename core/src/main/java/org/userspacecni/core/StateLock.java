package org.userspacecni.core;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;

/**
 * The lock for shared state (the switch's bridges, the config store): an exclusive POSIX lock on a file in
 * the data directory, held while one plugin process changes them. Runtimes run different containers'
 * operations in parallel, so every change to shared state happens under it. The kernel releases it when
 * the process dies, so a killed plugin never leaves it held.
 */
public final class StateLock implements AutoCloseable {

    public static final String FILE_NAME = "userspace-cni.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private StateLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Blocks until this process holds the lock of {@code directory}, creating the directory (0700) if needed. */
    public static StateLock acquire(Path directory) {
        try {
            Files.createDirectories(directory,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            FileChannel channel = FileChannel.open(directory.resolve(FILE_NAME),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                return new StateLock(channel, channel.lock());
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot lock " + directory.resolve(FILE_NAME), e);
        }
    }

    @Override
    public void close() {
        try (channel) {
            lock.release();
        } catch (IOException e) {
            // Closing the channel releases the lock as well.
        }
    }
}
