package org.userspacecni.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.backend.vpp.real.RealVpp;
import org.userspacecni.backend.vpp.sim.VppSimulator.Interface;
import org.userspacecni.backend.vpp.sim.VppSimulator.IpPrefix;
import org.userspacecni.backend.vpp.sim.VppSimulator.MemifRole;
import org.userspacecni.testkit.Await;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.HostLocalIpam;
import org.userspacecni.testkit.NetworkNamespace;

/**
 * A container VPP that restarts gets its ends back from {@code usrsp-agent run} by itself, on real VPPs: the
 * plugin ADDs a memif attachment to a host VPP, the agent gives the container's VPP the slave on its socket (with
 * the IPAM address), and the link comes up; the container's VPP is stopped and started (it keeps nothing), and
 * the agent, which never stopped, applies the attachment again: the slave on the same socket, tagged, with its
 * address, and its link up with the host's master again. The host's VPP is not touched meanwhile.
 */
class VppAgentRestoreIT {

    static final String NETWORK = "userspace-vpp-agent-restore";
    static final String IF_NAME = "net1";
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path root;

    @Test
    void theAgentAppliesTheAttachmentAgainToARestartedContainerVpp() throws Exception {
        String containerId = UUID.randomUUID().toString().replace("-", "");
        Path shared = root.resolve("shared");
        Path socket = shared.resolve("memif-" + containerId.substring(0, 12) + "-" + IF_NAME + ".sock");
        String tag = VppContainerSideIT.tag(NETWORK, containerId, IF_NAME);
        Path dataDir = root.resolve("data").resolve(containerId);
        Path agentLog = root.resolve("agent.log");

        List<AutoCloseable> cleanup = new ArrayList<>();
        try {
            RealVpp hostVpp = RealVpp.start(root.resolve("host-vpp"));
            cleanup.add(0, hostVpp);
            RealVpp containerVpp = RealVpp.start(root.resolve("container-vpp"));
            cleanup.add(0, containerVpp);
            NetworkNamespace netns = NetworkNamespace.create();
            cleanup.add(0, netns);

            String config = "{\"cniVersion\":\"1.1.0\",\"name\":\"" + NETWORK + "\",\"type\":\"userspace\","
                    + "\"sharedDir\":\"" + shared + "\",\"dataDir\":\"" + root.resolve("data") + "\","
                    + "\"host\":{\"engine\":\"vpp\",\"iftype\":\"memif\",\"netType\":\"bridge\","
                    + "\"bridge\":{\"bridgeName\":\"5\"},"
                    + "\"options\":{\"apiSocket\":\"" + hostVpp.apiSocket() + "\"}},"
                    + "\"container\":{\"engine\":\"vpp\",\"iftype\":\"memif\",\"netType\":\"interface\"},"
                    + "\"ipam\":" + VppContainerSideIT.hostLocal(root.resolve("ipam"), List.of("10.56.230.0/24"))
                    + "}";
            CniInvocation plugin = new CniInvocation(Path.of(System.getProperty("userspace.plugin")))
                    .env("CNI_CONTAINERID", containerId).env("CNI_NETNS", netns.path().toString())
                    .env("CNI_IFNAME", IF_NAME).env("CNI_PATH", HostLocalIpam.CNI_BIN.toString());
            CniInvocation.Outcome added = plugin.run("ADD", config);
            assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
            List<IpPrefix> addresses = VppContainerSideIT.addresses(added.json());
            assertThat(addresses).hasSize(1);
            Interface master = tagged(hostVpp, tag).orElseThrow(() -> new AssertionError(
                    "no interface tagged " + tag + " in the host's VPP: " + hostVpp.interfaces()));

            Process agent = new ProcessBuilder(System.getProperty("usrsp.agent"), "--data-dir", dataDir.toString(),
                    "--shared-dir", shared.toString(), "--engine-option", "vpp.apiSocket=" + containerVpp.apiSocket().toString(),
                    "--state-dir", root.resolve("agent-state").toString(), "run")
                    .redirectErrorStream(true).redirectOutput(agentLog.toFile()).start();
            cleanup.add(0, () -> VppContainerSideIT.stop(agent));
            Interface first = Await.find("the agent's slave, with its address, its link up", WAIT,
                    () -> connected(containerVpp, tag, addresses),
                    () -> state(containerVpp) + "\nagent: " + VppContainerSideIT.read(agentLog));
            assertThat(first.memif().orElseThrow().role()).isEqualTo(MemifRole.SLAVE);

            containerVpp.stop();
            containerVpp.start();
            assertThat(tagged(containerVpp, tag)).as("a restarted VPP keeps nothing").isEmpty();

            Interface again = Await.find("the agent's slave again, with its address, its link up", WAIT,
                    () -> connected(containerVpp, tag, addresses),
                    () -> state(containerVpp) + "\nagent: " + VppContainerSideIT.read(agentLog));
            assertThat(again.memif().orElseThrow().role()).isEqualTo(MemifRole.SLAVE);
            assertThat(again.mac()).isEqualTo(first.mac());
            assertThat(again.adminUp()).isTrue();
            assertThat(containerVpp.memifSockets()).anyMatch(s -> s.filename().equals(socket.toString()));
            assertThat(containerVpp.interfaces()).extracting(Interface::name).containsExactly("local0", again.name());
            Await.until("the host's master sees its peer again", WAIT,
                    () -> tagged(hostVpp, tag).map(Interface::linkUp).orElse(false), () -> state(hostVpp));
            assertThat(tagged(hostVpp, tag).orElseThrow().swIfIndex()).isEqualTo(master.swIfIndex());
            assertThat(agent.isAlive()).as("the agent keeps running: " + VppContainerSideIT.read(agentLog)).isTrue();

            CniInvocation.Outcome deleted = plugin.run("DEL", config);
            assertThat(deleted.exitCode()).as(deleted.stdout() + deleted.stderr()).isZero();
            Await.until("the agent removes the container's memif", WAIT, () -> tagged(containerVpp, tag).isEmpty(),
                    () -> state(containerVpp) + "\nagent: " + VppContainerSideIT.read(agentLog));
        } finally {
            VppContainerSideIT.closeAll(cleanup);
        }
    }

    /** The tagged interface once it is up with exactly {@code addresses}; empty while not (or VPP is starting). */
    private static Optional<Interface> connected(RealVpp vpp, String tag, List<IpPrefix> addresses) {
        try {
            return tagged(vpp, tag).filter(iface -> iface.linkUp()
                    && iface.addresses().size() == addresses.size() && iface.addresses().containsAll(addresses));
        } catch (RuntimeException notAnswering) {
            return Optional.empty();
        }
    }

    private static Optional<Interface> tagged(RealVpp vpp, String tag) {
        return vpp.interfaces().stream().filter(iface -> iface.tag().equals(tag)).findFirst();
    }

    private static String state(RealVpp vpp) {
        try {
            return vpp.interfaces() + "\n" + vpp.cli("show memif");
        } catch (RuntimeException notAnswering) {
            return "VPP does not answer: " + notAnswering.getMessage();
        }
    }
}
