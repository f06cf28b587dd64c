package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.userspacecni.core.StateLock;
import org.userspacecni.testkit.CniInvocation;

/**
 * The thick-plugin mode's own contract (the rest of the integration tests also run through a daemon, see
 * {@link DaemonMode}): parallel requests for different containers, one daemon per socket, a private socket
 * that only its owner may use, standalone again as soon as the daemon is gone, stopped or killed, and socat
 * as the carrier where OpenBSD netcat is not installed.
 */
class PluginDaemonIT extends PluginFixtureTest {

    @Test
    void servesEightWorkersAddingAndDeletingAtOnce() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(root.resolve("run/daemon.sock"), Map.of())) {
            ExecutorService workers = Executors.newFixedThreadPool(8);
            List<Future<?>> cycles = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                String containerId = String.format("da3m0n%02dabcdef", i);
                cycles.add(workers.submit(() -> {
                    CniInvocation plugin = viaDaemon(fixture.attachment(containerId, "net1"), daemon);
                    CniInvocation.Outcome added = plugin.run("ADD", fixture.config("1.1.0", ""));
                    assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
                    String withResult = fixture.config("1.1.0", ",\"prevResult\":" + added.json());
                    CniInvocation.Outcome checked = plugin.run("CHECK", withResult);
                    assertThat(checked.exitCode()).as(checked.stdout() + checked.stderr()).isZero();
                    CniInvocation.Outcome deleted = plugin.run("DEL", withResult);
                    assertThat(deleted.exitCode()).as(deleted.stdout() + deleted.stderr()).isZero();
                    return null;
                }));
            }
            for (Future<?> cycle : cycles) {
                cycle.get();
            }
            workers.shutdown();
            assertThat(fixture.journal()).filteredOn(line -> line.startsWith("add ")).hasSize(64);
            assertThat(fixture.ports()).isEmpty();
            assertThat(fixture.ipam.leases()).isEmpty();
            assertThat(fixture.dataDir()).isDirectoryNotContaining(path -> !path.getFileName().toString()
                    .equals(StateLock.FILE_NAME));
        }
    }

    @Test
    void theSocketIsPrivateAndASecondDaemonIsRefused() throws Exception {
        Path socket = root.resolve("run/daemon.sock");
        try (DaemonProcess daemon = DaemonProcess.start(socket, Map.of())) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())))
                    .isEqualTo("rwx------");
            assertThat(PluginDaemon.pidFile(socket)).hasContent(String.valueOf(daemon.pid()));
            assertThat(refusedDaemon(socket)).contains("another daemon answers on " + socket);
            assertThat(added(daemon).exitCode()).isZero();
        }
    }

    @Test
    void aFileWhereTheSocketGoesIsLeftAlone() throws Exception {
        Path socket = Files.createDirectories(root.resolve("run")).resolve("daemon.sock");
        Files.writeString(socket, "an operator's file");
        assertThat(refusedDaemon(socket)).contains(socket + " is there and is not a socket");
        assertThat(socket).hasContent("an operator's file");
    }

    @Test
    void anotherUserGetsNoAnswerEvenThroughAnOpenSocket() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(root.resolve("run/daemon.sock"), Map.of())) {
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(daemon.socket.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(daemon.socket, PosixFilePermissions.fromString("rw-rw-rw-"));
            Process nobody = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    "sh", "-c", "printf 'CNI_COMMAND=VERSION\\0\\0' | socat -t 30 - UNIX-CONNECT:" + daemon.socket)
                    .redirectErrorStream(true).start();
            String answer = new String(nobody.getInputStream().readAllBytes());
            assertThat(nobody.waitFor()).isZero();
            assertThat(answer).as("connected, and closed without an answer").isEmpty();
            assertThat(added(daemon).exitCode()).isZero();
        }
    }

    @Test
    void withTheDaemonStoppedOrKilledThePluginRunsStandalone() throws Exception {
        Path socket = root.resolve("run/daemon.sock");
        DaemonProcess stopped = DaemonProcess.start(socket, Map.of());
        assertThat(stopped.stop()).as("the JVM's exit on SIGTERM").isEqualTo(143);
        assertThat(socket).doesNotExist();
        assertThat(PluginDaemon.pidFile(socket)).doesNotExist();
        assertThat(added(stopped).exitCode()).as("no daemon, and no Java to start").isNotZero();
        CniInvocation.Outcome standalone = withSocket(fixture.attachment("0wn3rabcdef0001", "net1"), socket)
                .run("ADD", fixture.config("1.1.0", ""));
        assertThat(standalone.exitCode()).as(standalone.stdout() + standalone.stderr()).isZero();

        DaemonProcess killed = DaemonProcess.start(socket, Map.of());
        killed.kill();
        assertThat(socket).as("a killed daemon leaves its socket").exists();
        assertThat(PluginDaemon.pidFile(socket)).as("and its pid, which the launcher finds gone").exists();
        CniInvocation.Outcome afterKill = withSocket(fixture.attachment("k1ll3dabcdef01", "net1"), socket)
                .run("ADD", fixture.config("1.1.0", ""));
        assertThat(afterKill.exitCode()).as(afterKill.stdout() + afterKill.stderr()).isZero();
        assertThat(fixture.ports()).hasSize(2);

        try (DaemonProcess replacement = DaemonProcess.start(socket, Map.of())) {
            for (String containerId : List.of("0wn3rabcdef0001", "k1ll3dabcdef01")) {
                assertThat(viaDaemon(fixture.attachment(containerId, "net1"), replacement)
                        .run("DEL", fixture.config("1.1.0", "")).exitCode()).isZero();
            }
        }
        assertThat(fixture.ports()).isEmpty();
        assertThat(fixture.ipam.leases()).isEmpty();
    }

    @Test
    void socatCarriesTheRequestsWhereOpenBsdNetcatIsMissing() throws Exception {
        Path bin = Files.createDirectories(root.resolve("bin"));
        for (String tool : List.of("env", "cat", "head", "socat", "readlink", "dirname")) {
            Path found = Stream.of("/usr/bin", "/bin").map(dir -> Path.of(dir, tool)).filter(Files::isExecutable)
                    .findFirst().orElseThrow(() -> new AssertionError(tool + " is not installed"));
            Files.createSymbolicLink(bin.resolve(tool), found);
        }
        try (DaemonProcess daemon = DaemonProcess.start(root.resolve("run/daemon.sock"), Map.of())) {
            CniInvocation plugin = viaDaemon(fixture.attachment("50cat0abcdef01", "net1"), daemon)
                    .env("PATH", bin.toString());
            CniInvocation.Outcome added = plugin.run("ADD", fixture.config("1.1.0", ""));
            assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
            assertThat(plugin.run("DEL", fixture.config("1.1.0", "")).exitCode()).isZero();
            assertThat(fixture.ports()).isEmpty();
        }
    }

    /** What a daemon started on {@code socket} says before it exits with 1. */
    private static String refusedDaemon(Path socket) throws Exception {
        Process daemon = DaemonProcess.command(socket).redirectErrorStream(true).start();
        String said = new String(daemon.getInputStream().readAllBytes());
        assertThat(daemon.waitFor()).as(said).isEqualTo(1);
        return said;
    }

    private CniInvocation.Outcome added(DaemonProcess daemon) {
        return viaDaemon(fixture.attachment("0wn3rabcdef0001", "net1"), daemon).run("ADD", fixture.config("1.1.0", ""));
    }

    /** The invocation forwarded to {@code daemon}, with no Java runtime of its own to fall back on. */
    private static CniInvocation viaDaemon(CniInvocation invocation, DaemonProcess daemon) {
        return invocation.env("USERSPACE_CNI_DAEMON_SOCKET", daemon.socket.toString())
                .env("USERSPACE_CNI_JAVA", CniInvocation.NO_JAVA);
    }

    /** The invocation with {@code socket} named, able to start a JVM of its own. */
    private static CniInvocation withSocket(CniInvocation invocation, Path socket) {
        return invocation.env("USERSPACE_CNI_DAEMON_SOCKET", socket.toString()).env("USERSPACE_CNI_JAVA", null);
    }
}
