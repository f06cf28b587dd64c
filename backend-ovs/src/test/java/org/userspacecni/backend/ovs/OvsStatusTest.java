package org.userspacecni.backend.ovs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.core.CniLog;
import org.userspacecni.core.ProgramContext;
import org.userspacecni.core.cni.NetConfDecoder;
import org.userspacecni.spi.DatapathStatus;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.Network;

/**
 * STATUS: OVSDB not reachable is 50, and so is an ovs-vswitchd that does not acknowledge a change within
 * the status timeout, whatever the database's {@code dpdk_initialized} says; with ovs-vswitchd applying
 * changes, DPDK not initialised or a vhost-user type not offered is 51. Here a stand-in acknowledges
 * changes on an ovsdb-server without ovs-vswitchd; the real daemon killed and stopped is OvsVswitchdFaultIT's.
 */
class OvsStatusTest {

    @TempDir
    Path root;

    @Test
    void reachableWithoutDpdkIsLimitedAndUnreachableIsUnavailable() {
        try (OvsFixture fixture = new OvsFixture(root)) {
            DatapathStatus limited = fixture.host.status(Network.of(fixture.netConf("net", "")));
            assertThat(limited.available()).isFalse();
            assertThat(limited.code()).isEqualTo(ErrorCode.LIMITED_CONNECTIVITY);
            assertThat(limited.message()).contains("DPDK is not initialised");

            fixture.ovs.stopDatabase(false);
            DatapathStatus down = fixture.host.status(Network.of(fixture.netConf("net", "")));
            assertThat(down.available()).isFalse();
            assertThat(down.code()).isEqualTo(ErrorCode.PLUGIN_NOT_AVAILABLE);
            assertThat(down.message()).contains("not reachable");
        }
    }

    @Test
    void availableOnlyWhileOvsVswitchdAcknowledgesChangesWhateverTheDatabaseSays() {
        try (OvsFixture fixture = new OvsFixture(root)) {
            dpdkInitialised(fixture, "[dpdk,dpdkvhostuser,dpdkvhostuserclient]");
            NetConf netConf = waitingForVswitchd(fixture);
            try (AcknowledgingVswitchd vswitchd = new AcknowledgingVswitchd(fixture.ovs.dbSocket())) {
                assertThat(fixture.host.status(Network.of(netConf))).isEqualTo(DatapathStatus.up());
                assertThat(containerSide(fixture).status()).isEqualTo(DatapathStatus.up());
            }

            DatapathStatus dead = fixture.host.status(Network.of(netConf));
            assertThat(dead.available()).isFalse();
            assertThat(dead.code()).isEqualTo(ErrorCode.PLUGIN_NOT_AVAILABLE);
            assertThat(dead.message()).contains("ovs-vswitchd did not apply a change",
                    "within " + OvsSettings.STATUS_TIMEOUT.toSeconds() + " s");
            assertThat(containerSide(fixture).status().code()).isEqualTo(ErrorCode.PLUGIN_NOT_AVAILABLE);
            assertThat(fixture.get("Open_vSwitch", ".", "dpdk_initialized")).isEqualTo("true");
        }
    }

    @Test
    void withOvsVswitchdApplyingChangesDpdkNotInitialisedOrTypesMissingAreLimited() {
        try (OvsFixture fixture = new OvsFixture(root);
                AcknowledgingVswitchd vswitchd = new AcknowledgingVswitchd(fixture.ovs.dbSocket())) {
            NetConf netConf = waitingForVswitchd(fixture);
            DatapathStatus noDpdk = fixture.host.status(Network.of(netConf));
            assertThat(noDpdk.code()).isEqualTo(ErrorCode.LIMITED_CONNECTIVITY);
            assertThat(noDpdk.message()).contains("DPDK is not initialised");

            dpdkInitialised(fixture, "[dpdk,system]");
            DatapathStatus noVhostUser = fixture.host.status(Network.of(netConf));
            assertThat(noVhostUser.code()).isEqualTo(ErrorCode.LIMITED_CONNECTIVITY);
            assertThat(noVhostUser.message()).contains("not all of [dpdkvhostuserclient, dpdkvhostuser]");
        }
    }

    @Test
    void aDeadDatabaseMakesAddAndDelTryAgainLaterAndCreatesNothing() {
        try (OvsFixture fixture = new OvsFixture(root)) {
            fixture.ovs.stopDatabase(true);
            var a = fixture.attachment("dead00000001", "net1", fixture.netConf("net", ""));
            VhostUserPortTest.assertCode(() -> fixture.host.add(a), 11, "not reachable");
            VhostUserPortTest.assertCode(() -> fixture.host.delete(a), 11, "not reachable");
            assertThat(fixture.sharedDir()).doesNotExist();
            fixture.ovs.startDatabase();
            fixture.host.add(a);
            assertThat(fixture.list("list-ports", "br0")).isEqualTo("dead00000001-net1");
        }
    }

    /** What ovs-vswitchd writes once DPDK is up, and leaves in the database when it dies. */
    private static void dpdkInitialised(OvsFixture fixture, String interfaceTypes) {
        fixture.ovs.vsctl("--no-wait", "set", "Open_vSwitch", ".", "dpdk_initialized=true",
                "iface_types=" + interfaceTypes);
    }

    /** The engine's container side, which finds OVS from the environment, at the fixture's OVS. */
    private static VirtioUserPorts containerSide(OvsFixture fixture) {
        return new VirtioUserPorts(new ProgramContext(
                Map.of(OvsSettings.DB_SOCKET.variable().orElseThrow(), fixture.ovs.dbSocket().toString()),
                new CniLog("test", System.err)));
    }

    /** A configuration of the fixture's OVS that, as by default, waits for ovs-vswitchd. */
    private static NetConf waitingForVswitchd(OvsFixture fixture) {
        String json = "{\"cniVersion\":\"1.1.0\",\"name\":\"net\",\"type\":\"userspace\",\"sharedDir\":\""
                + fixture.sharedDir() + "\",\"host\":{\"engine\":\"ovs-dpdk\",\"iftype\":\"vhostuser\","
                + "\"options\":{\"ovsdbSocket\":\"" + fixture.ovs.dbSocket() + "\"}}}";
        return NetConfDecoder.netConf(NetConfDecoder.parseObject(json.getBytes(StandardCharsets.UTF_8)));
    }
}
