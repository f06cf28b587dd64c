package org.userspacecni.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.HostLocalIpam;
import org.userspacecni.testkit.OvsSandbox;

/**
 * The seed image's whole story on one machine: a host OVS-DPDK, and a "container" (a network namespace with
 * its own OVS-DPDK: own database, run directory, file prefix). The plugin ADDs a vhost-user attachment; the
 * agent, running in the container's view of the directories, joins the container's OVS to it with a
 * virtio-user frontend; both links come up and pings cross between the two bridges; DEL, and the agent takes
 * its side away: nothing is left on either switch.
 */
class ContainerOvsEndToEndIT {

    @TempDir
    static Path root;
    static OvsSandbox host;
    static OvsSandbox container;

    @BeforeAll
    static void start() {
        host = OvsSandbox.start(root.resolve("host-ovs"));
        host.startVswitchd("usrsp-host");
        container = OvsSandbox.start(root.resolve("container-ovs"));
        container.startVswitchd("usrsp-ctr", "--single-file-segments");
    }

    @AfterAll
    static void stop() {
        try (OvsSandbox hostOvs = host; OvsSandbox containerOvs = container) {
            // Closes whichever of the two start() got to, even when it failed half-way.
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"client", "server"})
    void theAgentJoinsTheContainersOvsToTheHostsAndTrafficCrosses(String mode) throws Exception {
        String containerId = "ctr" + mode + "0123456789";
        String hostPort = containerId.substring(0, 12) + "-net1";
        HostLocalIpam ipam = HostLocalIpam.in(root.resolve("ipam"));
        String config = "{\"cniVersion\":\"1.1.0\",\"name\":\"ovs-ctr\",\"type\":\"userspace\",\"sharedDir\":\""
                + root.resolve("shared") + "\",\"dataDir\":\"" + root.resolve("data") + "\",\"host\":{"
                + "\"engine\":\"ovs-dpdk\",\"iftype\":\"vhostuser\",\"netType\":\"bridge\",\"vhost\":{\"mode\":\""
                + mode + "\"},\"bridge\":{\"bridgeName\":\"br-host\"},\"options\":{\"ovsdbSocket\":\""
                + host.dbSocket() + "\"}},\"ipam\":" + ipam.section() + "}";
        CniInvocation plugin = new CniInvocation(Path.of(System.getProperty("userspace.plugin")))
                .env("CNI_CONTAINERID", containerId).env("CNI_NETNS", container.netns().path().toString())
                .env("CNI_IFNAME", "net1").env("CNI_PATH", HostLocalIpam.CNI_BIN.toString());

        CniInvocation.Outcome added = plugin.run("ADD", config);
        assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();

        String dataDir = root.resolve("data").resolve(containerId).toString();
        if (mode.equals("client")) {
            // Once, as an entrypoint would: apply, wait for the link, exit 0. The agent started next then
            // keeps what that run applied, as after a restart, without making a second port.
            AgentProcess.Outcome once = AgentProcess.run("--data-dir", dataDir, "--shared-dir",
                    root.resolve("shared").toString(), "--engine-option", "ovs-dpdk.ovsdbSocket=" + container.dbSocket(), "--state-dir",
                    root.resolve("agent-" + mode).toString(), "run", "--once",
                    "--timeout", "60");
            assertThat(once.exitCode()).as(once.stderr()).isZero();
            assertThat(container.vsctl("get", "Interface", "net1", "link_state").strip()).isEqualTo("up");
        }
        Process agent = new ProcessBuilder(System.getProperty("usrsp.agent"), "--data-dir",
                root.resolve("data").resolve(containerId).toString(), "--shared-dir", root.resolve("shared").toString(),
                "--engine-option", "ovs-dpdk.ovsdbSocket=" + container.dbSocket(), "--state-dir", root.resolve("agent-" + mode).toString(), "run")
                .redirectErrorStream(true).start();
        BufferedReader agentLog = new BufferedReader(new InputStreamReader(agent.getInputStream(),
                StandardCharsets.UTF_8));
        try {
            assertThat(awaitLine(agentLog, (mode.equals("client") ? "kept " : "applied ") + containerId + "/net1"))
                    .isTrue();
            container.vsctl("--timeout=60", "wait-until", "Interface", "net1", "link_state=up");
            assertThat(container.vsctl("list-ports", "br0").strip()).isEqualTo("net1");
            AgentProcess.Outcome status = AgentProcess.run("--data-dir", root.resolve("data").resolve(containerId)
                    .toString(), "--engine-option", "ovs-dpdk.ovsdbSocket=" + container.dbSocket(), "status");
            assertThat(status.stdout()).containsPattern("(?m)^\\S+ +net1 +ovs-dpdk +up +" + hostPort + "$")
                    .contains("1 attachments, 1 up");
            assertThat(status.exitCode()).isZero();
            host.vsctl("--timeout=60", "wait-until", "Interface", hostPort, "link_state=up");

            host.inNetns("ip", "addr", "add", "10.99.0.1/24", "dev", "br-host");
            host.inNetns("ip", "link", "set", "br-host", "up");
            container.inNetns("ip", "addr", "add", "10.99.0.2/24", "dev", "br0");
            container.inNetns("ip", "link", "set", "br0", "up");
            String ping = host.inNetns("ping", "-c", "3", "-W", "5", "10.99.0.2");
            assertThat(ping).contains("3 received");
            // ovs-vswitchd publishes counters every few seconds. OVS 3.1 leaves rx/tx out of the statistics of a
            // dpdkvhostuser (server) port, so the host side's are read for client-mode ports only.
            if (mode.equals("client")) {
                host.vsctl("--timeout=60", "wait-until", "Interface", hostPort, "statistics:rx_packets>0");
            }
            container.vsctl("--timeout=60", "wait-until", "Interface", "net1", "statistics:rx_packets>0");

            CniInvocation.Outcome deleted = plugin.run("DEL", config);
            assertThat(deleted.exitCode()).as(deleted.stdout() + deleted.stderr()).isZero();
            assertThat(awaitLine(agentLog, "removed " + containerId + "/net1")).isTrue();
        } finally {
            agent.destroy();
            agent.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(container.vsctl("list-br").strip()).isEmpty();
        assertThat(host.vsctl("list-br").strip()).isEmpty();
        assertThat(root.resolve("shared").resolve(hostPort)).doesNotExist();
        assertThat(root.resolve("data").resolve(containerId)).doesNotExist();
        assertThat(ipam.leases()).isEmpty();
    }

    /** Reads the agent's log until a line contains {@code text}; false if the agent ends first. */
    private static boolean awaitLine(BufferedReader log, String text) throws Exception {
        CompletableFuture<Boolean> found = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = log.readLine()) != null; ) {
                    System.err.println("agent: " + line);
                    if (line.contains(text)) {
                        return true;
                    }
                }
                return false;
            } catch (java.io.IOException e) {
                return false;
            }
        });
        return found.get(120, TimeUnit.SECONDS);
    }
}
