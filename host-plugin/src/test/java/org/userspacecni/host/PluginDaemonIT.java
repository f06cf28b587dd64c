package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.userspacecni.core.StateLock;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.HostCommand;

/**
 * The thick-plugin mode's own contract (the rest of the integration tests also run through a daemon, see
 * {@link DaemonMode}; a runtime that gives up on a forwarded ADD, see {@link DaemonClientGoneIT}): parallel
 * requests for different containers, one daemon per socket, a private socket that only its owner may use,
 * standalone again as soon as the daemon is gone, stopped or killed, or when its pid names another process,
 * no request sent to a socket someone else could have put there, no link followed beside the socket, no tool
 * needed on the PATH to forward, and the daemon pod's probe ({@code daemon --check}).
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
            Files.setPosixFilePermissions(PluginDaemon.pidFile(daemon.socket),
                    PosixFilePermissions.fromString("rw-r--r--"));
            // The launcher trusts a root daemon; the daemon answers only its own user.
            ProcessBuilder check = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    PluginFixture.plugin().toString(), "daemon", "--check").redirectErrorStream(true);
            check.environment().put("USERSPACE_CNI_DAEMON_SOCKET", daemon.socket.toString());
            Process nobody = check.start();
            String answer = new String(nobody.getInputStream().readAllBytes());
            assertThat(nobody.waitFor()).isEqualTo(1);
            assertThat(answer).as("connected, and closed without an answer")
                    .isEqualTo("userspace: the daemon on " + daemon.socket + " did not answer VERSION: \n");
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
    void forwardingNeedsNoToolOnThePath() throws Exception {
        Path empty = Files.createDirectories(root.resolve("bin"));
        try (DaemonProcess daemon = DaemonProcess.start(root.resolve("run/daemon.sock"), Map.of())) {
            CniInvocation plugin = viaDaemon(fixture.attachment("n0t00labcdef01", "net1"), daemon)
                    .env("PATH", empty.toString());
            CniInvocation.Outcome added = plugin.run("ADD", fixture.config("1.1.0", ""));
            assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
            assertThat(fixture.ports()).hasSize(1);
            assertThat(plugin.run("DEL", fixture.config("1.1.0", "")).exitCode()).isZero();
            assertThat(fixture.ports()).isEmpty();
        }
    }

    @Test
    void aCommandMarkedStandaloneStartsItsOwnJvmBesideTheDaemon() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(root.resolve("run/daemon.sock"), Map.of())) {
            CniInvocation.Outcome refused = viaDaemon(fixture.attachment("5t4nd4l0ne0001", "net1"), daemon)
                    .env("USERSPACE_CNI_STANDALONE", "1").run("ADD", fixture.config("1.1.0", ""));
            assertThat(refused.exitCode()).as("not forwarded, and no Java to start").isNotZero();
            assertThat(refused.stderr()).contains(CniInvocation.NO_JAVA);
            assertThat(fixture.ports()).isEmpty();

            CniInvocation standalone = withSocket(fixture.attachment("5t4nd4l0ne0001", "net1"), daemon.socket)
                    .env("USERSPACE_CNI_STANDALONE", "1");
            CniInvocation.Outcome added = standalone.run("ADD", fixture.config("1.1.0", ""));
            assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
            assertThat(fixture.ports()).hasSize(1);
            assertThat(standalone.run("DEL", fixture.config("1.1.0", "")).exitCode()).isZero();
            assertThat(fixture.ports()).isEmpty();
        }
    }

    /** Where a socket is planted, and whether the launcher may use it. */
    enum Planted {
        AS_THE_DAEMON_MAKES_IT(true, "rwx------", 0, 0, false),
        SOCKET_OF_ANOTHER_USER(false, "rwx------", 0, 65534, false),
        DIRECTORY_OF_ANOTHER_USER(false, "rwx------", 65534, 0, false),
        GROUP_WRITABLE_DIRECTORY(false, "rwxrwx---", 0, 0, false),
        WORLD_WRITABLE_DIRECTORY(false, "rwxrwxrwx", 0, 0, false),
        LINK_TO_A_SOCKET_ELSEWHERE(false, "rwx------", 0, 0, true);

        final boolean used;
        final String directoryMode;
        final int directoryOwner;
        final int socketOwner;
        final boolean throughLink;

        Planted(boolean used, String directoryMode, int directoryOwner, int socketOwner, boolean throughLink) {
            this.used = used;
            this.directoryMode = directoryMode;
            this.directoryOwner = directoryOwner;
            this.socketOwner = socketOwner;
            this.throughLink = throughLink;
        }
    }

    @ParameterizedTest
    @EnumSource(Planted.class)
    void aSocketSomeoneElseCouldHavePutThereGetsNothing(Planted planted) throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(root.resolve("run/daemon.sock"), Map.of())) {
            Path directory = Files.createDirectory(root.resolve("planted"));
            Path socket = directory.resolve("daemon.sock");
            Path listening = socket;
            if (planted.throughLink) {
                listening = Files.createDirectory(root.resolve("elsewhere")).resolve("daemon.sock");
                Files.createSymbolicLink(socket, listening);
            }
            // The pid file names the live daemon: only where the socket is keeps the launcher from using it.
            Files.writeString(PluginDaemon.pidFile(socket), daemon.pid() + "\n");
            try (PlantedListener listener = new PlantedListener(listening)) {
                HostCommand.run("chown", String.valueOf(planted.socketOwner), listening.toString());
                Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString(planted.directoryMode));
                HostCommand.run("chown", String.valueOf(planted.directoryOwner), directory.toString());

                CniInvocation.Outcome added = withSocket(fixture.attachment("pl4nt3dabcdef01", "net1"), socket)
                        .run("ADD", fixture.config("1.1.0", ""));

                String received = listener.received();
                if (planted.used) {
                    assertThat(received).as("the test's listener is where a launcher would send").contains(
                            "CNI_COMMAND=ADD", "CNI_CONTAINERID=pl4nt3dabcdef01");
                    assertThat(fixture.ports()).isEmpty();
                } else {
                    assertThat(received).isEmpty();
                    assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
                    assertThat(added.json().path("interfaces").path(0).path("name").asText()).isEqualTo("net1");
                    assertThat(fixture.ports()).hasSize(1);
                    assertThat(withSocket(fixture.attachment("pl4nt3dabcdef01", "net1"), socket)
                            .run("DEL", fixture.config("1.1.0", "")).exitCode()).isZero();
                    assertThat(fixture.ports()).isEmpty();
                    assertThat(fixture.ipam.leases()).isEmpty();
                }
            }
        }
    }

    /**
     * {@code userspace daemon --check}, the daemon pod's probe: true while the daemon serves; false when it is
     * stopped or killed, and when what listens where it should answers something other than VERSION. No JVM.
     */
    @Test
    void theCheckIsTrueWhileTheDaemonAnswersVersion() throws Exception {
        Path socket = root.resolve("run/daemon.sock");
        try (DaemonProcess daemon = DaemonProcess.start(socket, Map.of())) {
            CniInvocation.Outcome serving = check(socket);
            assertThat(serving.exitCode()).as(serving.stderr()).isZero();
            assertThat(serving.stdout()).isEmpty();

            // The pid file names the live daemon, the socket at its path is the test's: it answers, but not VERSION.
            Path planted = Files.createDirectories(root.resolve("planted"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
                    .resolve("daemon.sock");
            Files.writeString(PluginDaemon.pidFile(planted), daemon.pid() + "\n");
            try (PlantedListener listener = new PlantedListener(planted)) {
                CniInvocation.Outcome wrong = check(planted);
                assertThat(wrong.exitCode()).isNotZero();
                assertThat(wrong.stderr()).contains("the daemon on " + planted + " did not answer VERSION");
                assertThat(listener.received()).contains("CNI_COMMAND=VERSION");
            }
        }
        CniInvocation.Outcome stopped = check(socket);
        assertThat(stopped.exitCode()).isNotZero();
        assertThat(stopped.stderr()).contains("no daemon the launcher would forward to on " + socket);

        DaemonProcess killed = DaemonProcess.start(socket, Map.of());
        killed.kill();
        assertThat(socket).as("a killed daemon leaves its socket").exists();
        assertThat(check(socket).exitCode()).isNotZero();
    }

    @Test
    void aPidFileNamingAnotherProcessMeansStandalone() throws Exception {
        Path socket = root.resolve("run/daemon.sock");
        DaemonProcess killed = DaemonProcess.start(socket, Map.of());
        killed.kill();
        Process sleeper = new ProcessBuilder("sleep", "600").start();
        try {
            // The daemon's pid, given to another process after the daemon died.
            Files.writeString(PluginDaemon.pidFile(socket), sleeper.pid() + "\n");
            CniInvocation plugin = withSocket(fixture.attachment("r3us3dabcdef01", "net1"), socket);
            CniInvocation.Outcome added = plugin.run("ADD", fixture.config("1.1.0", ""));
            assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
            assertThat(fixture.ports()).hasSize(1);
            CniInvocation.Outcome deleted = plugin.run("DEL", fixture.config("1.1.0", ""));
            assertThat(deleted.exitCode()).as(deleted.stdout() + deleted.stderr()).isZero();
            assertThat(fixture.ports()).isEmpty();
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
    }

    @Test
    void linksPlantedBesideTheSocketAreNotFollowed() throws Exception {
        Path socket = Files.createDirectories(root.resolve("run"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
                .resolve("daemon.sock");
        Path pidFile = PluginDaemon.pidFile(socket);
        Path operators = Files.writeString(root.resolve("operators-file"), "the operator's\n");
        Files.createSymbolicLink(pidFile, operators);
        Path nowhere = root.resolve("made-through-a-link");
        Files.createSymbolicLink(pidFile.resolveSibling(pidFile.getFileName() + ".new"), nowhere);
        try (DaemonProcess daemon = DaemonProcess.start(socket, Map.of())) {
            assertThat(operators).hasContent("the operator's");
            assertThat(nowhere).doesNotExist();
            assertThat(Files.isSymbolicLink(pidFile)).isFalse();
            assertThat(pidFile).hasContent(String.valueOf(daemon.pid()));
            assertThat(added(daemon).exitCode()).isZero();
        }
    }

    @Test
    void aDirectoryOthersMayWriteToIsRefused() throws Exception {
        Path directory = Files.createDirectory(root.resolve("run"));
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path socket = directory.resolve("daemon.sock");
        assertThat(refusedDaemon(socket)).contains(directory + " may be written by others");
        assertThat(directory).isEmptyDirectory();
    }

    /**
     * A listener someone else put at a daemon's socket path: it takes what a launcher sends and answers as a
     * daemon would, so a test sees what reached it.
     */
    private static final class PlantedListener implements AutoCloseable {

        private final ServerSocketChannel server;
        private final CompletableFuture<String> received = new CompletableFuture<>();

        PlantedListener(Path socket) throws IOException {
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread thread = new Thread(this::serve, "planted-listener");
            thread.setDaemon(true);
            thread.start();
        }

        private void serve() {
            try (SocketChannel connection = server.accept()) {
                String request = new String(Channels.newInputStream(connection).readAllBytes(), StandardCharsets.UTF_8);
                Channels.newOutputStream(connection).write("0 0\n".getBytes(StandardCharsets.US_ASCII));
                received.complete(request);
            } catch (IOException closed) {
                received.complete("");
            }
        }

        /** What a launcher sent, or nothing once the launcher is done and the listener closed. */
        String received() throws Exception {
            server.close();
            return received.get(60, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    /**
     * The launcher keeps {@code daemon} and {@code daemon --check} (those words alone) to itself and hands every other
     * use of {@code daemon} to the plugin's command line: help without serving, bad usage exit 2 starting nothing.
     */
    @Test
    void theLauncherHandsOtherDaemonArgumentsToThePlugin() {
        Path socket = root.resolve("run/daemon.sock");
        Map<String, String> environment = Map.of("USERSPACE_CNI_DAEMON_SOCKET", socket.toString());
        CniInvocation.Outcome help = PluginFixture.runPlugin(environment, List.of(PluginDaemon.COMMAND, "--help"));
        assertThat(help.exitCode()).as(help.stderr()).isZero();
        assertThat(help.stdout()).isEmpty();
        assertThat(help.stderr()).startsWith("Usage: userspace daemon ").doesNotContain("serving");
        CniInvocation.Outcome wrong = PluginFixture.runPlugin(environment,
                List.of(PluginDaemon.COMMAND, "--check", "--verbose"));
        assertThat(wrong.exitCode()).as(wrong.stderr()).isEqualTo(2);
        assertThat(wrong.stderr()).contains("Unknown option: '--verbose'").contains("Usage: userspace daemon ");
        CniInvocation.Outcome unknown = PluginFixture.runPlugin(environment, List.of("fly"));
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.stdout()).isEmpty();
        assertThat(socket).doesNotExist();
    }

    /** {@code userspace daemon --check} for {@code socket}, with no Java runtime to start. */
    private static CniInvocation.Outcome check(Path socket) {
        return PluginFixture.runPlugin(Map.of("USERSPACE_CNI_DAEMON_SOCKET", socket.toString(), "USERSPACE_CNI_JAVA",
                CniInvocation.NO_JAVA), List.of(PluginDaemon.COMMAND, "--check"));
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
