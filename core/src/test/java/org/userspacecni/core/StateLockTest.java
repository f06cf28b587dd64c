package org.userspacecni.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateLockTest {

    @TempDir
    Path dir;

    @Test
    void createsAPrivateDirectoryForTheLock() throws Exception {
        Path data = dir.resolve("data");
        try (StateLock.Held held = new StateLock(data).acquire()) {
            assertThat(data.resolve(StateLock.FILE_NAME)).exists();
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
    }

    @Test
    void anotherProcessCannotTakeTheLockUntilItIsReleased() throws Exception {
        Path data = dir.resolve("data");
        try (StateLock.Held held = new StateLock(data).acquire()) {
            assertThat(probe(data)).isEqualTo("busy");
        }
        assertThat(probe(data)).isEqualTo("free");
    }

    /** Asks a second JVM whether the lock file can be locked now. */
    private static String probe(Path data) throws Exception {
        Process probe = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LockProbe.class.getName(),
                data.resolve(StateLock.FILE_NAME).toString())
                .redirectErrorStream(true).start();
        assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new String(probe.getInputStream().readAllBytes()).trim();
    }

    /** Run in a child JVM: tries the lock without waiting and says whether it was free. */
    public static final class LockProbe {
        public static void main(String[] args) throws Exception {
            try (FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE);
                    FileLock lock = channel.tryLock()) {
                System.out.println(lock == null ? "busy" : "free");
            }
        }
    }
}
