package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.userspacecni.host.HoldPoints.Step;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.HostState;

/**
 * A runtime that gives up on an ADD forwarded to the daemon: it SIGKILLs the launcher it executed while the
 * ADD is under way in the daemon, held at one of its steps,
 * and sends DEL. The DEL waits for the ADD, the daemon undoes the ADD once it succeeds, and afterwards the node
 * is exactly as it was (switch rows, sockets, store documents and journal, device-info, leases); the same holds
 * with no DEL at all. An ADD whose launcher is killed while it waits for its turn is not run. A launcher that
 * lives through the hold gets its attachment.
 */
class DaemonClientGoneIT {

    static final String CONTAINER = "g0neclient01";

    @TempDir
    Path root;
    OvsdbHost host;
    DaemonProcess daemon;

    @BeforeEach
    void start() {
        host = new OvsdbHost(root);
        daemon = DaemonProcess.start(root.resolve("run/daemon.sock"), Map.of());
    }

    @AfterEach
    void stop() {
        try {
            daemon.close();
        } finally {
            host.close();
        }
    }

    @ParameterizedTest(name = "launcher killed at {0}")
    @EnumSource(Step.class)
    void theRuntimesDelWaitsForTheAddAndNothingOfItOutlivesTheDel(Step step) {
        HostState before = host.state();
        try (HeldAdd held = new HeldAdd(root, step)) {
            CniInvocation.Running add = plugin().env(HoldPoints.VARIABLE, held.variable())
                    .start("ADD", host.config(CONTAINER));
            held.awaitReached(Duration.ofSeconds(60));
            add.kill();

            CniInvocation.Running del = plugin().start("DEL", host.config(CONTAINER));
            daemon.awaitLine("userspace daemon: DEL of " + attachment() + " waits for the request before it",
                    Duration.ofSeconds(60));
            held.release();
            CniInvocation.Outcome deleted = del.finish();
            assertThat(deleted.exitCode()).as(deleted.stdout() + deleted.stderr()).isZero();
        }
        daemon.awaitLine("userspace daemon: undid ADD of " + attachment(), Duration.ofSeconds(60));
        assertThat(host.state()).isEqualTo(before);

        CniInvocation.Outcome added = plugin().run("ADD", host.config(CONTAINER));
        assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
        assertThat(host.ports()).containsExactly(CONTAINER + "-net1");
        assertThat(plugin().run("DEL", host.config(CONTAINER)).exitCode()).isZero();
        assertThat(host.state()).isEqualTo(before);
    }

    @Test
    void withNoDelTheDaemonUndoesTheAddItself() {
        HostState before = host.state();
        try (HeldAdd held = new HeldAdd(root, Step.ADDED)) {
            CniInvocation.Running add = plugin().env(HoldPoints.VARIABLE, held.variable())
                    .start("ADD", host.config(CONTAINER));
            held.awaitReached(Duration.ofSeconds(60));
            assertThat(host.ports()).as("what the ADD made before it was held").containsExactly(CONTAINER + "-net1");
            add.kill();
            held.release();
        }
        daemon.awaitLine("userspace daemon: undid ADD of " + attachment(), Duration.ofSeconds(60));
        assertThat(host.state()).isEqualTo(before);
    }

    @Test
    void anAddWhoseLauncherIsGoneBeforeItsTurnIsNotRun() {
        HostState before = host.state();
        try (HeldAdd held = new HeldAdd(root, Step.ADDED)) {
            CniInvocation.Running first = plugin().env(HoldPoints.VARIABLE, held.variable())
                    .start("ADD", host.config(CONTAINER));
            held.awaitReached(Duration.ofSeconds(60));
            CniInvocation.Running retried = plugin().start("ADD", host.config(CONTAINER));
            daemon.awaitLine("userspace daemon: ADD of " + attachment() + " waits for the request before it",
                    Duration.ofSeconds(60));
            retried.kill();
            held.release();
            CniInvocation.Outcome added = first.finish();
            assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
            daemon.awaitLine("userspace daemon: ADD of " + attachment() + " not run: its launcher (pid "
                    + retried.pid() + ") is gone", Duration.ofSeconds(60));
        }
        assertThat(host.ports()).containsExactly(CONTAINER + "-net1");
        assertThat(plugin().run("DEL", host.config(CONTAINER)).exitCode()).isZero();
        assertThat(host.state()).isEqualTo(before);
    }

    @Test
    void aLauncherThatLivesThroughTheHoldGetsItsAttachment() {
        HostState before = host.state();
        CniInvocation.Outcome added;
        try (HeldAdd held = new HeldAdd(root, Step.ADDED)) {
            CniInvocation.Running add = plugin().env(HoldPoints.VARIABLE, held.variable())
                    .start("ADD", host.config(CONTAINER));
            held.awaitReached(Duration.ofSeconds(60));
            held.release();
            added = add.finish();
        }
        assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
        assertThat(added.json().path("interfaces").path(0).path("name").asText()).isEqualTo("net1");
        assertThat(host.ports()).containsExactly(CONTAINER + "-net1");
        assertThat(plugin().run("DEL", host.config(CONTAINER)).exitCode()).isZero();
        assertThat(host.state()).isEqualTo(before);
    }

    @Test
    void aStoppedDaemonFinishesTheAddUnderWayAndMeanwhileCommandsRunStandalone() {
        HostState before = host.state();
        CniInvocation.Outcome added;
        try (HeldAdd held = new HeldAdd(root, Step.PORT_ADDED)) {
            CniInvocation.Running add = plugin().env(HoldPoints.VARIABLE, held.variable())
                    .start("ADD", host.config(CONTAINER));
            held.awaitReached(Duration.ofSeconds(60));
            daemon.terminate();
            daemon.awaitLine("userspace daemon: stopped accepting requests; finishing those under way",
                    Duration.ofSeconds(60));
            assertThat(daemon.socket).as("gone: a new command runs standalone").doesNotExist();
            CniInvocation.Running standalone = host.plugin("0therclient1")
                    .env("USERSPACE_CNI_DAEMON_SOCKET", daemon.socket.toString())
                    .start("ADD", host.config("0therclient1"));
            held.release();
            added = add.finish();
            CniInvocation.Outcome other = standalone.finish();
            assertThat(other.exitCode()).as(other.stdout() + other.stderr()).isZero();
        }
        assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
        assertThat(added.json().path("interfaces").path(0).path("name").asText()).isEqualTo("net1");
        daemon.stop();
        assertThat(host.ports()).containsExactlyInAnyOrder(CONTAINER + "-net1", "0therclient1-net1");
        for (String container : List.of(CONTAINER, "0therclient1")) {
            CniInvocation.Outcome deleted = host.plugin(container).run("DEL", host.config(container));
            assertThat(deleted.exitCode()).as(deleted.stdout() + deleted.stderr()).isZero();
        }
        assertThat(host.state()).isEqualTo(before);
    }

    private static String attachment() {
        return "network rel-net, container " + CONTAINER + ", interface net1";
    }

    /** The plugin for the test's attachment, forwarded to the test's daemon and with no Java runtime of its own. */
    private CniInvocation plugin() {
        return host.plugin(CONTAINER).env("USERSPACE_CNI_DAEMON_SOCKET", daemon.socket.toString())
                .env("USERSPACE_CNI_JAVA", CniInvocation.NO_JAVA);
    }
}
