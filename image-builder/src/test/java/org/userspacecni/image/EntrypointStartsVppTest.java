package org.userspacecni.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The entrypoint of the vpp variant, run for real with bash: it writes VPP's startup.conf, starts VPP on it,
 * waits (boundedly) for VPP's API socket, starts the agent on that socket, runs the command, and on SIGTERM
 * stops the command, the agent and VPP. VPP itself does not run here (no packages for this machine), so
 * {@code vpp} and {@code usrsp-agent} are small scripts that record what they were given and when they were
 * stopped; the API socket is opened by the test, as VPP would open it once up.
 */
class EntrypointStartsVppTest {

    @TempDir
    Path dir;

    private Path events;
    private Path runDir;
    private Process entrypoint;

    @BeforeEach
    void fakes() throws IOException {
        events = dir.resolve("events");
        runDir = dir.resolve("run");
        Files.createDirectories(dir.resolve("bin"));
        script("bin/usrsp-agent", """
                #!/bin/bash
                echo "$*" >>"$FAKE_DIR/agent-args"
                if [ "${!#}" = run ]; then
                    trap 'echo agent-stopped >>"$FAKE_DIR/events"; exit 0' TERM
                    echo agent-running >>"$FAKE_DIR/events"
                    while :; do sleep 0.05; done
                fi
                """);
        Files.writeString(dir.resolve("entrypoint.sh"),
                BuildContext.render(Variant.VPP, Base.DEBIAN12, BuildContextTest.VERSION).get("entrypoint.sh"));
    }

    @AfterEach
    void stopWhatIsLeft() {
        if (entrypoint != null) {
            entrypoint.descendants().forEach(ProcessHandle::destroyForcibly);
            entrypoint.destroyForcibly();
        }
    }

    @Test
    void startsVppOnItsConfigThenTheAgentOnVppsApiSocketAndStopsAllOnSigterm() throws Exception {
        fakeVpp("""
                #!/bin/bash
                cp "$2" "$FAKE_DIR/startup.conf"
                trap 'echo vpp-stopped >>"$FAKE_DIR/events"; exit 0' TERM
                echo vpp-running >>"$FAKE_DIR/events"
                while :; do sleep 0.05; done
                """);
        start(Map.of("USRSP_VPP_MAIN_CORE", "3"),
                "bash", "-c", "echo command-running >>\"$FAKE_DIR/events\"; while :; do sleep 0.05; done");

        await("VPP started", () -> lines(events).contains("vpp-running"));
        assertThat(lines(events)).as("nothing waits on VPP before its API socket is there").containsExactly(
                "vpp-running");
        try (ServerSocketChannel api = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            api.bind(UnixDomainSocketAddress.of(runDir.resolve("api.sock")));
            await("the agent and the command started", () -> lines(events).containsAll(
                    List.of("agent-running", "command-running")));
            assertThat(lines(dir.resolve("agent-args"))).last().isEqualTo("--engine-option vpp.apiSocket="
                    + runDir.resolve("api.sock") + " run");

            entrypoint.destroy(); // SIGTERM
            assertThat(entrypoint.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(entrypoint.exitValue()).isEqualTo(143);
            assertThat(lines(events)).contains("agent-stopped", "vpp-stopped");
        }

        String conf = Files.readString(dir.resolve("startup.conf"));
        assertThat(conf).contains("nodaemon", "cli-listen " + runDir.resolve("cli.sock"),
                "log " + dir.resolve("log/vpp.log"), "socket-name " + runDir.resolve("api.sock"), "main-core 3",
                "plugin dpdk_plugin.so { disable }", "plugin memif_plugin.so { enable }",
                "plugin vhost_plugin.so { enable }");
        assertThat(conf).as("256 MB of 2304-byte buffers, the default USRSP_SOCKET_MEM")
                .contains("buffers-per-numa " + 256 * 455);
        assertThat(conf).doesNotContain("interactive");
    }

    /** USRSP_VPP_HUGEPAGES=no (the image built from a VPP tarball): ordinary pages, no hugepages asked of the host. */
    @Test
    void withoutHugepagesVppTakesOrdinaryPagesAndTheChecksAskForNone() throws Exception {
        fakeVpp("""
                #!/bin/bash
                cp "$2" "$FAKE_DIR/startup.conf"
                exit 1
                """);
        start(Map.of("USRSP_VPP_HUGEPAGES", "no"), "true");
        assertThat(entrypoint.waitFor(10, TimeUnit.SECONDS)).isTrue();

        assertThat(lines(dir.resolve("agent-args"))).first().asString()
                .contains("doctor --before-start").contains(" --no-hugepages ");
        String conf = Files.readString(dir.resolve("startup.conf"));
        assertThat(conf).contains("buffers {\n  buffers-per-numa " + 256 * 455 + "\n  page-size 4k\n}")
                .contains("memory {\n  main-heap-page-size 4k\n}").contains("statseg {\n  page-size 4k\n}");

        Files.delete(dir.resolve("agent-args"));
        Files.delete(dir.resolve("startup.conf"));
        start(Map.of(), "true");
        assertThat(entrypoint.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(lines(dir.resolve("agent-args"))).as("by default").noneMatch(args -> args.contains("hugepages"));
        assertThat(Files.readString(dir.resolve("startup.conf"))).doesNotContain("page-size");
    }

    @Test
    void aVppThatExitsBeforeItsApiSocketIsThereIsAFailureThatSaysSo() throws Exception {
        fakeVpp("""
                #!/bin/bash
                echo "vpp: buffer pool allocation failed" >&2
                exit 1
                """);
        start(Map.of(), "true");

        assertThat(entrypoint.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(entrypoint.exitValue()).isEqualTo(1);
        assertThat(Files.readString(dir.resolve("stderr"))).contains("vpp: buffer pool allocation failed")
                .contains("usrsp-entrypoint: VPP exited before it opened " + runDir.resolve("api.sock"));
        assertThat(lines(dir.resolve("agent-args"))).noneMatch(args -> args.endsWith(" run"));
    }

    @Test
    void aVppThatNeverOpensItsApiSocketIsStoppedAfterTheTimeoutDespiteAStaleSocket() throws Exception {
        fakeVpp("""
                #!/bin/bash
                trap 'echo vpp-stopped >>"$FAKE_DIR/events"; exit 0' TERM
                while :; do sleep 0.05; done
                """);
        Files.createDirectories(runDir);
        try (ServerSocketChannel earlierRun = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            earlierRun.bind(UnixDomainSocketAddress.of(runDir.resolve("api.sock")));
        }
        start(Map.of("USRSP_VPP_START_TIMEOUT", "1"), "true");

        assertThat(entrypoint.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(entrypoint.exitValue()).isEqualTo(1);
        assertThat(Files.readString(dir.resolve("stderr")))
                .contains("usrsp-entrypoint: VPP did not open " + runDir.resolve("api.sock") + " within 1 s");
        assertThat(lines(events)).containsExactly("vpp-stopped");
        assertThat(lines(dir.resolve("agent-args"))).noneMatch(args -> args.endsWith(" run"));
    }

    private void fakeVpp(String text) throws IOException {
        script("bin/vpp", text);
    }

    private void start(Map<String, String> environment, String... command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder();
        builder.command().addAll(List.of("bash", dir.resolve("entrypoint.sh").toString()));
        builder.command().addAll(List.of(command));
        builder.environment().put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
        builder.environment().put("FAKE_DIR", dir.toString());
        builder.environment().put("USRSP_VARIANT", "vpp");
        builder.environment().put("USRSP_VPP_RUN_DIR", runDir.toString());
        builder.environment().put("USRSP_VPP_LOG_DIR", dir.resolve("log").toString());
        builder.environment().putAll(environment);
        entrypoint = builder.redirectOutput(dir.resolve("stdout").toFile()).redirectError(dir.resolve("stderr")
                .toFile()).start();
    }

    private void script(String name, String text) throws IOException {
        Path file = Files.writeString(dir.resolve(name), text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void await(String what, BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(entrypoint.isAlive()).as("the entrypoint is still running while waiting for: " + what
                    + "; its stderr: " + Files.readString(dir.resolve("stderr"))).isTrue();
            assertThat(System.nanoTime()).as("waited 10 s for: " + what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
