package org.userspacecni.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.spi.LogLevel;

class CniLogTest {

    @TempDir
    Path dir;

    @Test
    void writesAtTheConfiguredLevelToStderrAndTheLogFile() throws Exception {
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        CniLog log = new CniLog("userspace", new PrintStream(stderr, true));
        Path file = dir.resolve("plugin.log");
        log.configure(LogLevel.INFO, Optional.of(file));
        log.log(Level.DEBUG, "hidden");
        log.log(Level.INFO, "port {0} added", "abc-net1");
        log.log(Level.ERROR, "failed");
        assertThat(stderr.toString()).doesNotContain("hidden").contains("[info] userspace: port abc-net1 added")
                .contains("[error] userspace: failed");
        assertThat(Files.readString(file)).isEqualTo(stderr.toString());
    }

    @Test
    void warningIsTheDefaultAndVerboseShowsEverything() {
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        CniLog log = new CniLog("userspace", new PrintStream(stderr, true));
        assertThat(log.isLoggable(Level.WARNING)).isTrue();
        assertThat(log.isLoggable(Level.INFO)).isFalse();
        log.configure(LogLevel.VERBOSE, Optional.empty());
        assertThat(log.isLoggable(Level.TRACE)).isTrue();
    }

    @Test
    void aLogFileThatCannotBeOpenedIsReportedAndIgnored() {
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        CniLog log = new CniLog("userspace", new PrintStream(stderr, true));
        log.configure(LogLevel.INFO, Optional.of(dir.resolve("missing/dir/plugin.log")));
        log.log(Level.INFO, "still logged");
        assertThat(stderr.toString()).contains("cannot open log file").contains("still logged");
    }
}
