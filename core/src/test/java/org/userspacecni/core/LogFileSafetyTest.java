package org.userspacecni.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.spi.LogLevel;

/**
 * The log file as a root process must treat it: created private ({@code 0600}), an existing file's mode left
 * as the operator set it, a symbolic link at its path refused with a warning on stderr (the target untouched,
 * logging going on to stderr), and every entry exactly one line whatever the message holds.
 */
class LogFileSafetyTest {

    @TempDir
    Path dir;

    final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    final CniLog log = new CniLog("userspace", new PrintStream(stderr, true));

    @Test
    void aNewLogFileIsCreatedPrivate() throws Exception {
        Path file = dir.resolve("plugin.log");
        log.configure(LogLevel.INFO, Optional.of(file));
        log.log(Level.INFO, "hello");
        log.close();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file)).contains("hello");
    }

    @Test
    void anExistingLogFileKeepsItsMode() throws Exception {
        Path file = Files.writeString(dir.resolve("plugin.log"), "earlier\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        log.configure(LogLevel.INFO, Optional.of(file));
        log.log(Level.INFO, "appended");
        log.close();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
        assertThat(Files.readAllLines(file)).hasSize(2).first().isEqualTo("earlier");
    }

    @Test
    void aLogFileThatIsASymbolicLinkIsRefusedAndItsTargetLeftAlone() throws Exception {
        Path target = Files.writeString(dir.resolve("shadow"), "root:x:0:0\n");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
        Path link = Files.createSymbolicLink(dir.resolve("plugin.log"), target);
        log.configure(LogLevel.INFO, Optional.of(link));
        log.log(Level.INFO, "still logged");
        log.close();
        assertThat(Files.readString(target)).isEqualTo("root:x:0:0\n");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(stderr.toString()).contains("cannot open log file " + link + ": it is a symbolic link")
                .contains("still logged");
    }

    @Test
    void aDanglingSymbolicLinkCreatesNothingAtItsTarget() throws Exception {
        Path target = dir.resolve("elsewhere/created-by-nobody");
        Files.createDirectories(target.getParent());
        Path link = Files.createSymbolicLink(dir.resolve("plugin.log"), target);
        log.configure(LogLevel.INFO, Optional.of(link));
        log.log(Level.INFO, "line");
        log.close();
        assertThat(Files.exists(target, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(stderr.toString()).contains("it is a symbolic link");
    }

    @Test
    void aMessageWithLineBreaksCannotForgeASecondEntry() throws Exception {
        Path file = dir.resolve("plugin.log");
        log.configure(LogLevel.INFO, Optional.of(file));
        String forged = "pod x\n2030-01-01T00:00:00Z [error] userspace: forged\r\n\u001b[2Jcleared";
        log.log(Level.INFO, "annotation {0}", forged);
        log.log(Level.WARNING, "failed: " + forged, new IllegalStateException("cause\nforged too"));
        log.close();
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).endsWith("annotation pod x\\n2030-01-01T00:00:00Z [error] userspace: forged\\r\\n"
                + "\\u001b[2Jcleared");
        assertThat(lines.get(1)).contains("cause\\nforged too");
        assertThat(stderr.toString().lines()).hasSize(2);
    }
}
