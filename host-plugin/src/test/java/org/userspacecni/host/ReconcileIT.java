package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.backend.vpp.real.RealVpp;
import org.userspacecni.backend.vpp.sim.VppSimulator.Interface;
import org.userspacecni.backend.vpp.sim.VppSimulator.L2Mode;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.CniInvocation.Outcome;
import org.userspacecni.testkit.HostLocalIpam;
import org.userspacecni.testkit.NetworkNamespace;

/**
 * Attachments survive a restart of the host's VPP, with the built plugin on a real VPP: {@code userspace
 * reconcile} brings back each attachment's interface under its name, on its socket, with its tag and in its bridge
 * domain, only for the network asked for, never what DEL removed, and leaves the operator's interface alone; its
 * stdout stays empty. A plugin daemon that made the attachments notices the new VPP and restores them by itself.
 * Not run in daemon mode: that run's daemon would restore them before the command could.
 */
class ReconcileIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path root;
    RealVpp vpp;
    NetworkNamespace netns;
    HostLocalIpam ipam;

    @BeforeEach
    void start() {
        vpp = RealVpp.start(root.resolve("vpp"));
        netns = NetworkNamespace.create();
        ipam = HostLocalIpam.in(root.resolve("ipam"));
    }

    @AfterEach
    void stop() {
        vpp.close();
        netns.close();
    }

    /** A memif network in bridge domain {@code bridgeDomain}. */
    String config(String network, int bridgeDomain) {
        return "{\"cniVersion\":\"1.1.0\",\"name\":\"" + network + "\",\"type\":\"userspace\",\"dataDir\":\""
                + root.resolve("data") + "\",\"sharedDir\":\"" + root.resolve("shared") + "\",\"host\":{\"engine\":"
                + "\"vpp\",\"iftype\":\"memif\",\"netType\":\"bridge\",\"bridge\":{\"bridgeName\":\"" + bridgeDomain
                + "\"},\"options\":{\"apiSocket\":\"" + vpp.apiSocket() + "\"}},\"ipam\":" + ipam.section() + "}";
    }

    CniInvocation plugin(String containerId) {
        return PluginFixture.invocation(containerId, netns);
    }

    static CniInvocation.Outcome ok(CniInvocation.Outcome outcome) {
        assertThat(outcome.exitCode()).as(outcome.stdout() + outcome.stderr()).isZero();
        return outcome;
    }

    Optional<Interface> tagged(String tag) {
        return vpp.interfaces().stream().filter(iface -> iface.tag().equals(tag)).findFirst();
    }

    @Test
    void reconcileBringsBackTheNetworksInterfacesAsAddMadeThemAndNothingElse() {
        ok(plugin("rec0000000a1").run("ADD", config("rec-a", 5)));
        ok(plugin("rec0000000a2").run("ADD", config("rec-a", 5)));
        ok(plugin("rec0000000b1").run("ADD", config("rec-b", 6)));
        ok(plugin("rec0000000a3").run("ADD", config("rec-a", 5)));
        ok(plugin("rec0000000a3").run("DEL", config("rec-a", 5)));
        List<Interface> before = ours();
        assertThat(before).hasSize(3);

        vpp.stop();
        vpp.start();
        vpp.cli("create vhost-user socket " + root.resolve("operator.sock") + " server");
        Interface operators = vpp.interfaces().stream().filter(i -> i.name().startsWith("VirtualEthernet"))
                .findFirst().orElseThrow();
        assertThat(ours()).isEmpty();

        Outcome ofA = reconcile("--data-dir", root.resolve("data").toString(), "--network", "rec-a");
        assertThat(ofA.exitCode()).as(ofA.stderr()).isZero();
        assertThat(ofA.stdout()).isEmpty();
        assertThat(ofA.stderr()).contains("2 attachments, 2 restored, 0 failed");
        for (Interface was : before) {
            boolean ofNetworkA = was.l2Mode().equals(new L2Mode.Bridge(5, 0, 0));
            Optional<Interface> now = tagged(was.tag());
            assertThat(now.isPresent()).as(was.tag()).isEqualTo(ofNetworkA);
            now.ifPresent(iface -> {
                assertThat(iface.name()).isEqualTo(was.name());
                assertThat(iface.adminUp()).isTrue();
                assertThat(iface.l2Mode()).isEqualTo(was.l2Mode());
                // Its name, memif<socket id>/0, says the socket id is the same; the file is the one ADD chose.
                assertThat(vpp.memifSockets()).anyMatch(socket -> socket.listening()
                        && socket.filename().equals(socketOf(was)));
            });
        }

        Outcome all = reconcile("--data-dir", root.resolve("data").toString());
        assertThat(all.exitCode()).as(all.stderr()).isZero();
        assertThat(all.stderr()).contains("3 attachments, 1 restored, 0 failed").contains("intact");
        assertThat(ours()).extracting(Interface::tag).containsExactlyInAnyOrderElementsOf(
                before.stream().map(Interface::tag).toList());
        assertThat(vpp.findInterface(operators.name())).contains(operators);
        ok(plugin("rec0000000a1").run("DEL", config("rec-a", 5)));
        ok(plugin("rec0000000a2").run("DEL", config("rec-a", 5)));
        ok(plugin("rec0000000b1").run("DEL", config("rec-b", 6)));
        assertThat(ours()).isEmpty();
        assertThat(vpp.findInterface(operators.name())).contains(operators);
    }

    @Test
    void reconcileSaysHowItIsUsedOnStderrOnly() {
        Outcome help = reconcile("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout()).isEmpty();
        assertThat(help.stderr()).contains("Usage: userspace reconcile");
        Outcome wrong = reconcile("--no-such-flag");
        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(wrong.stdout()).isEmpty();
        Outcome unreachable;
        ok(plugin("rec0000000c1").run("ADD", config("rec-c", 7)));
        vpp.stop();
        unreachable = reconcile("--data-dir", root.resolve("data").toString());
        vpp.start();
        assertThat(unreachable.exitCode()).as(unreachable.stderr()).isEqualTo(1);
        assertThat(unreachable.stderr()).contains("1 attachments, 0 restored, 1 failed");
        assertThat(unreachable.stdout()).isEmpty();
        Outcome status = PluginFixture.runPlugin(Map.of(), List.of("status", "--json", "--data-dir",
                root.resolve("data").toString()));
        assertThat(status.stdout()).as("the node report keeps the failed restore")
                .contains("\"lastError\" : {").contains("restore: error ");
        Outcome again = reconcile("--data-dir", root.resolve("data").toString());
        assertThat(again.exitCode()).as(again.stderr()).isZero();
        ok(plugin("rec0000000c1").run("DEL", config("rec-c", 7)));
    }

    @Test
    void theDaemonThatMadeTheAttachmentsRestoresThemWhenVppStartsAnew() {
        try (DaemonProcess daemon = DaemonProcess.start(root.resolve("run/daemon.sock"), Map.of())) {
            String socket = daemon.socket.toString();
            ok(plugin("recd0000000a1").env("USERSPACE_CNI_DAEMON_SOCKET", socket).run("ADD", config("rec-d", 8)));
            ok(plugin("recd0000000a2").env("USERSPACE_CNI_DAEMON_SOCKET", socket).run("ADD", config("rec-d", 8)));
            List<Interface> before = ours();
            assertThat(before).hasSize(2);

            vpp.stop();
            vpp.start();

            await(() -> ours().size() == 2, "both interfaces are back");
            for (Interface was : before) {
                Interface now = tagged(was.tag()).orElseThrow();
                assertThat(now.name()).isEqualTo(was.name());
                assertThat(now.l2Mode()).isEqualTo(was.l2Mode());
            }
            ok(plugin("recd0000000a1").env("USERSPACE_CNI_DAEMON_SOCKET", socket).run("DEL", config("rec-d", 8)));
            ok(plugin("recd0000000a2").env("USERSPACE_CNI_DAEMON_SOCKET", socket).run("DEL", config("rec-d", 8)));
            assertThat(ours()).isEmpty();
        }
    }

    List<Interface> ours() {
        return vpp.interfaces().stream().filter(iface -> iface.tag().startsWith("usrsp:")).toList();
    }

    /** The socket file ADD chose for an attachment of this test: the original's name, free here. */
    String socketOf(Interface was) {
        return root.resolve("shared").resolve("memif-" + containerOf(was) + "-net1.sock").toString();
    }

    /** The first 12 characters of the container id, as the tag shows them. */
    static String containerOf(Interface iface) {
        String tag = iface.tag();
        return tag.substring(tag.indexOf(':', "usrsp:".length()) + 1, tag.indexOf('~'));
    }

    static Outcome reconcile(String... args) {
        List<String> arguments = new ArrayList<>(List.of("reconcile"));
        arguments.addAll(List.of(args));
        return PluginFixture.runPlugin(Map.of(), arguments);
    }

    private static void await(Supplier<Boolean> condition, String what) {
        Instant deadline = Instant.now().plus(DEADLINE);
        while (!condition.get()) {
            assertThat(Instant.now()).as(what + " within " + DEADLINE.toSeconds() + " s").isBefore(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
