package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.HostLocalIpam;
import org.userspacecni.testkit.HostState;
import org.userspacecni.testkit.NetworkNamespace;
import org.userspacecni.testkit.OvsSandbox;

/**
 * The plugin when ovs-vswitchd dies (SIGKILL) and ovsdb-server stays up, against a real OVS-DPDK on hugepages
 * and the real host-local IPAM. The database is the switch's configuration; ovs-vswitchd only applies it. So:
 *
 * <ul>
 * <li>an ADD that ovs-vswitchd does not apply (dead before, or killed while the plugin waits for it) fails
 *     with 11, try again later, and takes its rows out of the database again, so that a switch that comes back
 *     never makes the port of a failed ADD; the address is released and nothing is stored;</li>
 * <li>a DEL while ovs-vswitchd is dead succeeds: the rows leave the database (a restarted ovs-vswitchd makes no
 *     port for them), the socket link, the stored configuration and the lease go, as an engineer deleting a pod
 *     on a node whose switch crashed expects; the plugin does not hold the pod's deletion hostage to the
 *     switch's restart;</li>
 * <li>STATUS is 50 (not available) while ovs-vswitchd is dead or stopped, though the database still says DPDK
 *     is initialised.</li>
 * </ul>
 *
 * After each fault the host (bridges, ports and interfaces in OVSDB, the shared and data directories, the
 * leases) is exactly as before the ADD, and once ovs-vswitchd is restarted a new ADD makes a working port.
 */
class OvsVswitchdFaultIT {

    /** How long a command waits for the dead switch here: long enough for a live one, far below the default. */
    static final int APPLY_SECONDS = 8;

    @TempDir
    static Path root;
    static OvsSandbox ovs;
    static NetworkNamespace netns;
    static HostLocalIpam ipam;

    HostState before;

    @BeforeAll
    static void start() {
        ovs = OvsSandbox.start(root.resolve("ovs"));
        ovs.startVswitchd("usrsp-fault");
        netns = NetworkNamespace.create();
        ipam = HostLocalIpam.in(root.resolve("ipam"));
    }

    @AfterAll
    static void stop() {
        try (OvsSandbox started = ovs; NetworkNamespace created = netns) {
            // Closes whichever of the two start() got to, even when it failed half-way.
        }
    }

    @BeforeEach
    void switchRunsAndHostIsNoted() {
        if (!Files.exists(ovs.dir().resolve("ovs-vswitchd.pid"))) {
            // A test that failed before it brought the switch back.
            ovs.restartVswitchd();
        }
        before = host();
    }

    @Test
    void addWhileOvsVswitchdIsDeadFailsWithTryAgainLaterAndLeavesNothing() {
        ovs.killVswitchd();

        CniInvocation.Outcome added = plugin("fault0000001").run("ADD", config("client"));

        assertThat(added.exitCode()).as(added.stderr()).isEqualTo(1);
        assertThat(added.json().path("code").asInt()).isEqualTo(11);
        assertThat(added.json().path("msg").asText()).startsWith("port fault0000001-net1: ovs-vswitchd did not apply");
        assertThat(host()).isEqualTo(before);
        ovs.restartVswitchd();
        assertThat(host()).isEqualTo(before);
        aNewAddWorks("fault0000011");
    }

    @ParameterizedTest
    @ValueSource(strings = {"client", "server"})
    void delAfterOvsVswitchdWasKilledLeavesTheHostAsBeforeTheAdd(String mode) {
        String containerId = "fault" + mode.charAt(0) + "000002";
        CniInvocation.Outcome added = plugin(containerId).run("ADD", config(mode));
        assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
        Path socket = Path.of(added.json().at("/interfaces/0/socketPath").asText());
        if (mode.equals("server")) {
            assertThat(socket).exists();
        }

        ovs.killVswitchd();
        CniInvocation.Outcome deleted = plugin(containerId).run("DEL", config(mode));

        assertThat(deleted.exitCode()).as(deleted.stdout() + deleted.stderr()).isZero();
        assertThat(deleted.stdout()).isEmpty();
        assertThat(host()).isEqualTo(before);
        ovs.restartVswitchd();
        assertThat(host()).isEqualTo(before);
        aNewAddWorks("fault" + mode.charAt(0) + "000012");
    }

    /**
     * ovs-vswitchd is stopped (SIGSTOP) before the ADD, so the plugin is certainly waiting for it when the port's
     * rows appear in the database; it is killed then.
     */
    @Test
    void addDuringWhichOvsVswitchdIsKilledIsRolledBack() throws Exception {
        ovs.freezeVswitchd();
        CompletableFuture<CniInvocation.Outcome> adding = CompletableFuture.supplyAsync(
                () -> plugin("fault0000003").run("ADD", config("server")));
        ovs.vsctl("--timeout=60", "wait-until", "Interface", "fault0000003-net1");
        ovs.killVswitchd();

        CniInvocation.Outcome added = adding.get(120, TimeUnit.SECONDS);

        assertThat(added.exitCode()).as(added.stderr()).isEqualTo(1);
        assertThat(added.json().path("code").asInt()).isEqualTo(11);
        assertThat(host()).isEqualTo(before);
        ovs.restartVswitchd();
        assertThat(host()).isEqualTo(before);
        aNewAddWorks("fault0000013");
    }

    /**
     * STATUS asks ovs-vswitchd itself, not the database: 0 while it runs; 50, once the status timeout has
     * passed, while it is stopped (SIGSTOP) and after it was killed (SIGKILL), when {@code dpdk_initialized}
     * still says true; 0 again once it goes on or is restarted.
     */
    @Test
    void statusIsFiftyWhileOvsVswitchdIsStoppedOrDeadAndZeroWhileItRuns() {
        statusIsZero();

        ovs.freezeVswitchd();
        try {
            statusIsFifty();
        } finally {
            ovs.thawVswitchd();
        }
        statusIsZero();

        ovs.killVswitchd();
        assertThat(ovs.vsctl("get", "Open_vSwitch", ".", "dpdk_initialized").strip()).isEqualTo("true");
        statusIsFifty();
        ovs.restartVswitchd();
        statusIsZero();
        assertThat(host()).isEqualTo(before);
    }

    private static void statusIsZero() {
        CniInvocation.Outcome status = plugin("status").run("STATUS", config("client"));
        assertThat(status.exitCode()).as(status.stdout() + status.stderr()).isZero();
        assertThat(status.stdout()).isEmpty();
    }

    private static void statusIsFifty() {
        CniInvocation.Outcome status = plugin("status").run("STATUS", config("client"));
        assertThat(status.exitCode()).as(status.stdout() + status.stderr()).isEqualTo(1);
        assertThat(status.json().path("code").asInt()).isEqualTo(50);
        assertThat(status.json().path("msg").asText()).contains("ovs-vswitchd did not apply a change",
                "within 5 s");
    }

    /** ADD makes a port that ovs-vswitchd set up (an OpenFlow port number, no error); DEL takes it all away. */
    private void aNewAddWorks(String containerId) {
        CniInvocation.Outcome added = plugin(containerId).run("ADD", config("client"));
        assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
        String port = containerId + "-net1";
        assertThat(ovs.vsctl("get", "Interface", port, "error").strip()).isEqualTo("[]");
        assertThat(Long.parseLong(ovs.vsctl("get", "Interface", port, "ofport").strip())).isPositive();
        assertThat(ipam.leases()).hasSize(before.leases().size() + 1);
        CniInvocation.Outcome deleted = plugin(containerId).run("DEL", config("client"));
        assertThat(deleted.exitCode()).as(deleted.stdout() + deleted.stderr()).isZero();
        assertThat(host()).isEqualTo(before);
    }

    private static HostState host() {
        return HostState.of(ovs, ipam, root.resolve("shared"), root.resolve("data"));
    }

    private static String config(String mode) {
        return "{\"cniVersion\":\"1.1.0\",\"name\":\"ovs-fault\",\"type\":\"userspace\",\"sharedDir\":\""
                + root.resolve("shared") + "\",\"dataDir\":\"" + root.resolve("data") + "\",\"host\":{"
                + "\"engine\":\"ovs-dpdk\",\"iftype\":\"vhostuser\",\"netType\":\"bridge\",\"vhost\":{\"mode\":\""
                + mode + "\"},\"bridge\":{\"bridgeName\":\"br-fault\"},\"options\":{\"ovsdbSocket\":\""
                + ovs.dbSocket() + "\",\"applyTimeout\":\"" + APPLY_SECONDS + "\"}},\"ipam\":" + ipam.section() + "}";
    }

    private static CniInvocation plugin(String containerId) {
        return PluginFixture.invocation(containerId, netns);
    }
}
