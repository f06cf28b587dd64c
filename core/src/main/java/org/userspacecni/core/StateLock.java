package org.userspacecni.core;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;

/**
 * The lock for shared state (the switch's bridges, the config store) of one data directory: an exclusive POSIX
 * lock on a file in it, held while one plugin process changes them. Runtimes run different containers'
 * operations in parallel, so every change to shared state happens under it. The kernel releases it when
 * the process dies, so a killed plugin never leaves it held. Within one process (the plugin daemon serves
 * many requests at once) a semaphore per directory comes first, because a process cannot hold the same POSIX
 * lock twice. Naming the lock takes nothing: it is taken by {@link #acquire()}, for as long as the change lasts.
 */
public final class StateLock {

    public static final String FILE_NAME = "userspace-cni.lock";

    private static final ConcurrentMap<Path, Semaphore> IN_PROCESS = new ConcurrentHashMap<>();

    private final Path directory;

    /** The lock of {@code directory}; nothing is created or locked until it is acquired. */
    public StateLock(Path directory) {
        this.directory = directory;
    }

    /** Blocks until this process holds the lock, creating the directory (0700) if needed. */
    public Held acquire() {
        Semaphore inProcess = IN_PROCESS.computeIfAbsent(directory.toAbsolutePath().normalize(),
                key -> new Semaphore(1));
        inProcess.acquireUninterruptibly();
        try {
            Files.createDirectories(directory,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            FileChannel channel = FileChannel.open(directory.resolve(FILE_NAME), Set.of(StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                return new Held(inProcess, channel, channel.lock());
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (IOException e) {
            inProcess.release();
            throw new CniException(ErrorCode.IO_FAILURE, "cannot lock " + directory.resolve(FILE_NAME), e);
        } catch (RuntimeException e) {
            inProcess.release();
            throw e;
        }
    }

    /** The lock while this process holds it; closing it lets the next holder go on. */
    public static final class Held implements AutoCloseable {

        private final Semaphore inProcess;
        private final FileChannel channel;
        private final FileLock lock;

        private Held(Semaphore inProcess, FileChannel channel, FileLock lock) {
            this.inProcess = inProcess;
            this.channel = channel;
            this.lock = lock;
        }

        @Override
        public void close() {
            try (channel) {
                lock.release();
            } catch (IOException e) {
                // Closing the channel releases the lock as well.
            } finally {
                inProcess.release();
            }
        }
    }
}
