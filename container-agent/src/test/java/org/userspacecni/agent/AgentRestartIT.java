package org.userspacecni.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.testkit.Await;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.HostLocalIpam;
import org.userspacecni.testkit.OvsSandbox;

/**
 * The agent killed (SIGKILL) and started again, with a host OVS-DPDK and a container's own OVS-DPDK as in
 * {@link ContainerOvsEndToEndIT}. What the plugin changes while the agent is down (an attachment deleted,
 * another added) is what the restarted agent converges to: the new port in the container's OVS, the deleted
 * one's gone, nothing twice. A restart with everything applied changes nothing in the container's OVS (same
 * rows). An agent killed while it waited for a port's link, whose attachment is then deleted, removes that port
 * when it starts again.
 */
class AgentRestartIT {

    static final String CONTAINER_ID = "restart00001";
    static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path root;
    OvsSandbox host;
    OvsSandbox container;
    HostLocalIpam ipam;

    final List<Process> agents = new ArrayList<>();

    // Switches of its own for each test: after ovs-vswitchd was frozen and thawed (the second test), the host's
    // ovs-vswitchd no longer brought up the links of new vhost-user client ports.
    @BeforeEach
    void start() {
        host = OvsSandbox.start(root.resolve("host-ovs"));
        host.startVswitchd("usrsp-rhost");
        container = OvsSandbox.start(root.resolve("container-ovs"));
        container.startVswitchd("usrsp-rctr", "--single-file-segments");
        ipam = HostLocalIpam.in(root.resolve("ipam"));
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Process agent : agents) {
            agent.destroy();
            agent.waitFor(30, TimeUnit.SECONDS);
        }
        try (OvsSandbox hostOvs = host; OvsSandbox containerOvs = container) {
            // Closes whichever of the two start() got to, even when it failed half-way.
        }
    }

    @Test
    void anAgentKilledWhileTheAttachmentsChangedConvergesWhenStartedAgain() {
        plugin("net1", "ADD");
        Path firstLog = root.resolve("first.log");
        Process first = startAgent(firstLog);
        awaitLog(firstLog, "following ");
        container.vsctl("--timeout=60", "wait-until", "Interface", "net1", "link_state=up");
        kill(first);

        plugin("net1", "DEL");
        plugin("net2", "ADD");
        Path secondLog = root.resolve("second.log");
        Process second = startAgent(secondLog);
        awaitLog(secondLog, "following ");

        assertThat(read(secondLog)).contains("removed " + CONTAINER_ID + "/net1", "applied " + CONTAINER_ID + "/net2");
        assertThat(names("Port")).containsExactly("br0", "net2");
        assertThat(names("Interface")).containsExactly("br0", "net2");
        container.vsctl("--timeout=60", "wait-until", "Interface", "net2", "link_state=up");
        host.vsctl("--timeout=60", "wait-until", "Interface", CONTAINER_ID + "-net2", "link_state=up");

        String rows = rows();
        kill(second);
        Path thirdLog = root.resolve("third.log");
        startAgent(thirdLog);
        awaitLog(thirdLog, "following ");

        assertThat(read(thirdLog)).contains("kept " + CONTAINER_ID + "/net2")
                .doesNotContain("applied " + CONTAINER_ID, "removed " + CONTAINER_ID);
        assertThat(rows()).isEqualTo(rows);
        assertThat(container.vsctl("get", "Interface", "net2", "link_state").strip()).isEqualTo("up");

        plugin("net2", "DEL");
        awaitLog(thirdLog, "removed " + CONTAINER_ID + "/net2");
        assertThat(container.vsctl("list-br").strip()).isEmpty();
        assertThat(host.vsctl("list-br").strip()).isEmpty();
        assertThat(ipam.leases()).isEmpty();
    }

    /**
     * The host's ovs-vswitchd is stopped (SIGSTOP) once the host port is made, so that no vhost-user client
     * answers the container's new port and the agent is certainly still applying (waiting for the link) when
     * the port's rows appear in the container's database; the agent is killed then.
     */
    @Test
    void aPortAnAgentWasKilledMakingIsRemovedWhenItsAttachmentWentMeanwhile() {
        plugin("net3", "ADD");
        host.freezeVswitchd();
        try {
            Path firstLog = root.resolve("applying.log");
            Process first = startAgent(firstLog);
            container.vsctl("--timeout=60", "wait-until", "Interface", "net3");
            kill(first);
            assertThat(read(firstLog)).doesNotContain("applied " + CONTAINER_ID + "/net3");
        } finally {
            host.thawVswitchd();
        }
        plugin("net3", "DEL");

        Path secondLog = root.resolve("restarted.log");
        startAgent(secondLog);
        awaitLog(secondLog, "following ");

        assertThat(read(secondLog)).contains("removed " + CONTAINER_ID + "/net3")
                .doesNotContain("applied " + CONTAINER_ID);
        assertThat(container.vsctl("list-br").strip()).isEmpty();
        assertThat(names("Interface")).isEmpty();
        assertThat(host.vsctl("list-br").strip()).isEmpty();
        assertThat(root.resolve("shared").resolve(CONTAINER_ID + "-net3")).doesNotExist();
        assertThat(ipam.leases()).isEmpty();
        // The container's switch still applies changes: nothing of the killed agent's is stuck in it.
        container.vsctl("--timeout=30", "init");
    }

    private void plugin(String ifName, String command) {
        String config = "{\"cniVersion\":\"1.1.0\",\"name\":\"ovs-restart\",\"type\":\"userspace\",\"sharedDir\":\""
                + root.resolve("shared") + "\",\"dataDir\":\"" + root.resolve("data") + "\",\"host\":{"
                + "\"engine\":\"ovs-dpdk\",\"iftype\":\"vhostuser\",\"netType\":\"bridge\",\"vhost\":{\"mode\":"
                + "\"client\"},\"bridge\":{\"bridgeName\":\"br-host\"},\"options\":{\"ovsdbSocket\":\""
                + host.dbSocket() + "\"}},\"ipam\":" + ipam.section() + "}";
        CniInvocation.Outcome outcome = new CniInvocation(Path.of(System.getProperty("userspace.plugin")))
                .env("CNI_CONTAINERID", CONTAINER_ID).env("CNI_NETNS", container.netns().path().toString())
                .env("CNI_IFNAME", ifName).env("CNI_PATH", HostLocalIpam.CNI_BIN.toString()).run(command, config);
        assertThat(outcome.exitCode()).as(command + " " + ifName + ": " + outcome.stdout() + outcome.stderr())
                .isZero();
    }

    /** The agent following the container's data directory, configuring the container's OVS. */
    private Process startAgent(Path log) {
        try {
            Process agent = new ProcessBuilder(System.getProperty("usrsp.agent"), "--data-dir",
                    root.resolve("data").resolve(CONTAINER_ID).toString(), "--shared-dir",
                    root.resolve("shared").toString(), "--engine-option", "ovs-dpdk.ovsdbSocket=" + container.dbSocket(), "--state-dir",
                    root.resolve("agent").toString(), "run").redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            agents.add(agent);
            return agent;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL to the agent's pid (the launcher execs java), and waits until it is gone. */
    private void kill(Process agent) {
        agent.destroyForcibly();
        agent.onExit().join();
    }

    private void awaitLog(Path log, String text) {
        Await.until("the agent logs '" + text + "'", WAIT, () -> read(log).contains(text),
                () -> "agent: " + read(log) + "\ncontainer OVS: " + container.vsctl("show"));
    }

    private String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names in a table of the container's OVS, sorted. */
    private List<String> names(String table) {
        return List.of(container.vsctl("--bare", "--columns=name", "list", table).split("\\s+")).stream()
                .filter(name -> !name.isEmpty()).sorted().toList();
    }

    /** Every Bridge, Port and Interface row of the container's OVS with its uuid. */
    private String rows() {
        return container.vsctl("--columns=_uuid,name", "list", "Bridge") + container.vsctl("--columns=_uuid,name",
                "list", "Port") + container.vsctl("--columns=_uuid,name", "list", "Interface");
    }
}
