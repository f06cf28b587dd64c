package org.userspacecni.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.spi.CniException;

class ProcessRunnerTest {

    @TempDir
    Path dir;

    @Test
    void passesStdinAndTheGivenEnvironmentOnlyAndCapturesStdout() throws Exception {
        Path plugin = script("printf '%s|' \"$CNI_COMMAND\" \"${HOME:-unset}\"; cat");
        ProcessRunner.Outcome outcome = new ProcessRunner(Duration.ofSeconds(30), System.err)
                .run(plugin, Map.of("CNI_COMMAND", "ADD"), "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        assertThat(outcome.exitCode()).isZero();
        assertThat(new String(outcome.stdout(), StandardCharsets.UTF_8)).isEqualTo("ADD|unset|{\"a\":1}");
    }

    @Test
    void reportsTheExitCode() throws Exception {
        Path plugin = script("echo '{\"code\":7}'; exit 3");
        ProcessRunner.Outcome outcome = new ProcessRunner(Duration.ofSeconds(30), System.err)
                .run(plugin, Map.of(), new byte[0]);
        assertThat(outcome.exitCode()).isEqualTo(3);
        assertThat(new String(outcome.stdout(), StandardCharsets.UTF_8)).isEqualTo("{\"code\":7}\n");
    }

    @Test
    void passesStderrToTheInvocationsStderr() throws Exception {
        Path plugin = script("echo out; head -c 200000 /dev/zero | tr '\\0' e >&2; echo last >&2");
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        ProcessRunner.Outcome outcome = new ProcessRunner(Duration.ofSeconds(30), new PrintStream(stderr, true))
                .run(plugin, Map.of(), new byte[0]);
        assertThat(new String(outcome.stdout(), StandardCharsets.UTF_8)).isEqualTo("out\n");
        assertThat(stderr.toString(StandardCharsets.UTF_8)).hasSize(200_005).endsWith("eeelast\n");
    }

    @Test
    void copesWithMoreInputAndOutputThanAPipeHolds() throws Exception {
        Path plugin = script("cat");
        byte[] big = new byte[4 * 1024 * 1024];
        java.util.Arrays.fill(big, (byte) 'x');
        ProcessRunner.Outcome outcome = new ProcessRunner(Duration.ofSeconds(60), System.err).run(plugin, Map.of(), big);
        assertThat(outcome.stdout()).hasSize(big.length);
    }

    @Test
    void killsAPluginThatHangsAndSaysTryAgainLater() throws Exception {
        Path plugin = script("exec sleep 600");
        long start = System.nanoTime();
        assertThatThrownBy(() -> new ProcessRunner(Duration.ofMillis(300), System.err).run(plugin, Map.of(), new byte[0]))
                .isInstanceOfSatisfying(CniException.class, e -> {
                    assertThat(e.code()).isEqualTo(11);
                    assertThat(e.getMessage()).contains("did not finish");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
    }

    @Test
    void aMissingExecutableIsAnIoFailure() {
        assertThatThrownBy(() -> new ProcessRunner(Duration.ofSeconds(5), System.err).run(dir.resolve("absent"), Map.of(),
                new byte[0])).isInstanceOfSatisfying(CniException.class, e -> assertThat(e.code()).isEqualTo(5));
    }

    private Path script(String body) throws Exception {
        Path file = dir.resolve("plugin-" + System.nanoTime());
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }
}
