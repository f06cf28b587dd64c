package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.userspacecni.core.StateLock;
import org.userspacecni.host.HoldPoints.Step;
import org.userspacecni.testkit.CniInvocation;

/**
 * The daemon's limits on a burst, with one slot and one place in line: a request finding the slot taken waits for
 * it; one more finds the line full and is answered at once with error 11; the waiting one is answered with 11 when
 * its wait is over; neither is run, so neither leaves anything (port, engine call, lease, journal entry, store
 * document); the request in the slot finishes, and the next one runs.
 */
class DaemonAdmissionIT extends PluginFixtureTest {

    private static final String RUNNING = "4dm1tabcdef0001";
    private static final String WAITING = "4dm1tabcdef0002";
    private static final String REFUSED = "4dm1tabcdef0003";

    @Test
    void beyondItsSlotAndLineTheDaemonAnswersElevenAndRunsNothing() {
        try (DaemonProcess daemon = DaemonProcess.start(root.resolve("run/daemon.sock"), Map.of(),
                "--max-requests", "1", "--queue", "1", "--queue-timeout", "2");
                HeldAdd held = new HeldAdd(root, Step.PORT_ADDED)) {
            CniInvocation.Running running = viaDaemon(RUNNING, daemon).env(HoldPoints.VARIABLE, held.variable())
                    .start("ADD", fixture.config("1.1.0", ""));
            held.awaitReached(Duration.ofSeconds(60));
            Map<String, String> whileHeld = node();
            assertThat(fixture.ports()).as("the held ADD's port").hasSize(1);

            CniInvocation.Running waiting = viaDaemon(WAITING, daemon).start("ADD", fixture.config("1.1.0", ""));
            daemon.awaitLine("userspace daemon: requests wait for a slot: 1 run at once at most, 1 may wait, each up"
                    + " to 2 s", Duration.ofSeconds(60));
            CniInvocation.Outcome refused = viaDaemon(REFUSED, daemon).run("ADD", fixture.config("1.1.0", ""));
            String full = "the userspace daemon is busy: 1 requests run and 1 wait, the most it takes; try again later";
            assertThat(refused.exitCode()).as(refused.stdout() + refused.stderr()).isEqualTo(1);
            assertThat(refused.json().path("code").asInt()).isEqualTo(11);
            assertThat(refused.json().path("msg").asText()).isEqualTo(full);
            daemon.awaitLine("userspace daemon: answered a request with 11, not run: " + full, Duration.ofSeconds(60));
            assertThat(node()).as("nothing of the refused ADD").isEqualTo(whileHeld);

            CniInvocation.Outcome timedOut = waiting.finish();
            String waited = "the userspace daemon is busy: this request waited 2 s for one of its 1 slots and was not"
                    + " run; try again later";
            assertThat(timedOut.exitCode()).as(timedOut.stdout() + timedOut.stderr()).isEqualTo(1);
            assertThat(timedOut.json().path("code").asInt()).isEqualTo(11);
            assertThat(timedOut.json().path("msg").asText()).isEqualTo(waited);
            daemon.awaitLine("userspace daemon: answered a request with 11, not run: " + waited, Duration.ofSeconds(60));
            assertThat(node()).as("nothing of the ADD that waited too long").isEqualTo(whileHeld);

            held.release();
            CniInvocation.Outcome added = running.finish();
            assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
            assertThat(added.json().path("interfaces").path(0).path("name").asText()).isEqualTo("net1");
            assertThat(fixture.journal()).containsExactly("add " + RUNNING + "/net1");
            assertThat(fixture.ipam.leases()).hasSize(1);

            CniInvocation.Outcome deleted = viaDaemon(RUNNING, daemon).run("DEL", fixture.config("1.1.0", ""));
            assertThat(deleted.exitCode()).as(deleted.stdout() + deleted.stderr()).isZero();
        }
        assertThat(fixture.ports()).isEmpty();
        assertThat(fixture.ipam.leases()).isEmpty();
        assertThat(fixture.dataDir()).isDirectoryNotContaining(path -> !path.getFileName().toString()
                .equals(StateLock.FILE_NAME));
    }

    /** The ADD of {@code containerId}/net1 forwarded to {@code daemon}, with no Java runtime to fall back on. */
    private CniInvocation viaDaemon(String containerId, DaemonProcess daemon) {
        return fixture.attachment(containerId, "net1").env("USERSPACE_CNI_DAEMON_SOCKET", daemon.socket.toString())
                .env("USERSPACE_CNI_JAVA", CniInvocation.NO_JAVA);
    }

    /**
     * Every file an attachment can leave, by path, with its content: the engine's ports and journal, the leases,
     * the plugin's data (journal, store documents) and shared directories.
     */
    private Map<String, String> node() {
        Map<String, String> files = new TreeMap<>();
        for (Path dir : List.of(fixture.switchDir(), fixture.ipam.dataDir(), fixture.dataDir(), fixture.sharedDir())) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path path : walk.sorted().toList()) {
                    files.put(path.toString(), Files.isRegularFile(path)
                            ? new String(Files.readAllBytes(path), StandardCharsets.UTF_8) : "(directory)");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }
}
