package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.HostLocalIpam;
import org.userspacecni.testkit.NetworkNamespace;
import org.userspacecni.testkit.OvsSandbox;

/**
 * When ovs-vswitchd cannot set up the port it reports an error on the interface; ADD reads it back, removes
 * the port (and the bridge it made), releases the address and returns the error. The switch here was
 * started with a {@code vhost-sock-dir} that does not exist, so it fails every server-mode port.
 */
class OvsVswitchdErrorIT {

    @TempDir
    static Path root;
    static OvsSandbox ovs;
    static NetworkNamespace netns;

    @BeforeAll
    static void start() {
        ovs = OvsSandbox.start(root.resolve("ovs"));
        ovs.vsctl("--no-wait", "set", "Open_vSwitch", ".", "other_config:vhost-sock-dir=no-such-dir");
        ovs.startVswitchd("usrsp-err");
        netns = NetworkNamespace.create();
    }

    @AfterAll
    static void stop() {
        try (OvsSandbox started = ovs; NetworkNamespace created = netns) {
            // Closes whichever of the two start() got to, even when it failed half-way.
        }
    }

    @Test
    void anErrorReportedByOvsVswitchdIsReturnedAndRolledBack() {
        HostLocalIpam ipam = HostLocalIpam.in(root.resolve("ipam"));
        String config = "{\"cniVersion\":\"1.1.0\",\"name\":\"ovs-err\",\"type\":\"userspace\",\"sharedDir\":\""
                + root.resolve("shared") + "\",\"dataDir\":\"" + root.resolve("data") + "\",\"host\":{"
                + "\"engine\":\"ovs-dpdk\",\"iftype\":\"vhostuser\",\"vhost\":{\"mode\":\"server\"},"
                + "\"bridge\":{\"bridgeName\":\"br-err\"},\"options\":{\"ovsdbSocket\":\"" + ovs.dbSocket() + "\"}},"
                + "\"ipam\":" + ipam.section() + "}";
        CniInvocation.Outcome added = PluginFixture.invocation("err000000001", netns).run("ADD", config);

        assertThat(added.exitCode()).isEqualTo(1);
        assertThat(added.json().path("code").asInt()).isEqualTo(5);
        assertThat(added.json().path("msg").asText()).isEqualTo("ovs-vswitchd could not set up port err000000001-net1");
        assertThat(added.json().path("details").asText()).contains("could not open network device");
        assertThat(ovs.vsctl("list-br").strip()).isEmpty();
        assertThat(ovs.vsctl("list", "Interface").strip()).isEmpty();
        assertThat(ipam.leases()).isEmpty();
    }
}
