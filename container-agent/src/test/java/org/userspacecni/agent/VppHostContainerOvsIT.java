package org.userspacecni.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.userspacecni.backend.vpp.real.RealVpp;
import org.userspacecni.backend.vpp.sim.VppSimulator.BridgeDomain;
import org.userspacecni.backend.vpp.sim.VppSimulator.BridgeMember;
import org.userspacecni.backend.vpp.sim.VppSimulator.Interface;
import org.userspacecni.testkit.Await;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.HostLocalIpam;
import org.userspacecni.testkit.OvsSandbox;
import org.userspacecni.testkit.VppInterfaceCounters;

/**
 * The mixed world: a host VPP and a container's OVS-DPDK. The plugin ADDs a vhost-user attachment to the host's
 * VPP ({@code host: {engine: vpp, iftype: vhostuser}}, VPP the client or the server of the socket) in a bridge
 * domain whose gateway is a loopback of the host's VPP (its BVI, made by the test as an operator would); the
 * agent joins the container's OVS-DPDK ({@code container: {engine: ovs-dpdk}}) to it with a virtio-user
 * frontend. The container's kernel, sending from the container's bridge to the gateway, learns the gateway's MAC
 * from VPP's ARP reply, and both switches count the packets, each at least as many as the other had counted
 * going its way. DEL takes both ends away and leaves
 * the bridge domain, which still holds the operator's gateway.
 */
class VppHostContainerOvsIT {

    static final String NETWORK = "userspace-vpp-ovs";
    static final String IF_NAME = "net1";
    static final long BRIDGE_DOMAIN = 12;
    static final String GATEWAY = "10.98.0.1";
    static final String CONTAINER_ADDRESS = "10.98.0.2";
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path root;

    @ParameterizedTest(name = "the host's VPP is the vhost-user {0}")
    @ValueSource(strings = {"client", "server"})
    void theContainersOvsDpdkReachesTheHostsVppThroughVhostUser(String vhostMode) throws Exception {
        String containerId = UUID.randomUUID().toString().replace("-", "");
        Path shared = root.resolve("shared");
        Path data = root.resolve("data");
        Path dataDir = data.resolve(containerId);
        List<AutoCloseable> cleanup = new ArrayList<>();
        try {
            RealVpp hostVpp = RealVpp.start(root.resolve("host-vpp"));
            cleanup.add(0, hostVpp);
            // The container's own OVS-DPDK, a second one on the machine: its own file prefix, one file segment.
            OvsSandbox container = OvsSandbox.start(root.resolve("container-ovs"));
            cleanup.add(0, container);
            container.startVswitchd("usrsp-vpp-ctr-" + vhostMode, "--single-file-segments");
            String config = "{\"cniVersion\":\"1.1.0\",\"name\":\"" + NETWORK + "\",\"type\":\"userspace\","
                    + "\"sharedDir\":\"" + shared + "\",\"dataDir\":\"" + data + "\","
                    + "\"host\":{\"engine\":\"vpp\",\"iftype\":\"vhostuser\",\"vhost\":{\"mode\":\"" + vhostMode
                    + "\"},\"netType\":\"bridge\",\"bridge\":{\"bridgeName\":\"" + BRIDGE_DOMAIN + "\"},"
                    + "\"options\":{\"apiSocket\":\"" + hostVpp.apiSocket() + "\"}},"
                    + "\"container\":{\"engine\":\"ovs-dpdk\",\"iftype\":\"vhostuser\",\"netType\":\"bridge\"}}";
            CniInvocation plugin = new CniInvocation(Path.of(System.getProperty("userspace.plugin")))
                    .env("CNI_CONTAINERID", containerId).env("CNI_NETNS", container.netns().path().toString())
                    .env("CNI_IFNAME", IF_NAME).env("CNI_PATH", HostLocalIpam.CNI_BIN.toString());
            CniInvocation.Outcome added = plugin.run("ADD", config);
            assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
            Interface hostEnd = VppContainerSideIT.tagged(hostVpp, VppContainerSideIT.tag(NETWORK, containerId,
                    IF_NAME)).orElseThrow(() -> new AssertionError("no tagged interface: " + hostVpp.interfaces()));
            assertThat(hostEnd.vhostUser().map(vhost -> vhost.server())).hasValue(vhostMode.equals("server"));

            // The network's gateway on the host: a loopback of VPP as the bridge domain's routed interface.
            hostVpp.sandbox().vppctl("create", "loopback", "interface");
            Interface gateway = hostVpp.interfaces().stream().filter(iface -> iface.name().startsWith("loop"))
                    .findFirst().orElseThrow();
            hostVpp.sandbox().vppctl("set", "interface", "l2", "bridge", gateway.name(),
                    Long.toString(BRIDGE_DOMAIN), "bvi");
            hostVpp.sandbox().vppctl("set", "interface", "ip", "address", gateway.name(), GATEWAY + "/24");
            hostVpp.sandbox().vppctl("set", "interface", "state", gateway.name(), "up");

            Path agentLog = root.resolve("agent.log");
            Process agent = new ProcessBuilder(System.getProperty("usrsp.agent"), "--data-dir", dataDir.toString(),
                    "--shared-dir", shared.toString(), "--engine-option", "ovs-dpdk.ovsdbSocket=" + container.dbSocket(), "--state-dir",
                    root.resolve("agent").toString(), "run")
                    .redirectErrorStream(true).redirectOutput(agentLog.toFile()).start();
            cleanup.add(0, () -> VppContainerSideIT.stop(agent));
            Supplier<String> state = () -> hostVpp.cli("show interface") + "\n" + hostVpp.cli("show vhost-user")
                    + "\n" + container.vsctl("show") + "\nagent: " + VppContainerSideIT.read(agentLog);
            Await.until("the agent applies the attachment", WAIT,
                    () -> VppContainerSideIT.read(agentLog).contains("applied "), state);
            container.vsctl("--timeout=60", "wait-until", "Interface", IF_NAME, "link_state=up");
            Await.until("the host's vhost-user interface comes up", WAIT,
                    () -> hostVpp.findInterface(hostEnd.swIfIndex()).map(Interface::linkUp).orElse(false), state);

            String bridge = container.vsctl("port-to-br", IF_NAME).strip();
            container.inNetns("ip", "addr", "add", CONTAINER_ADDRESS + "/24", "dev", bridge);
            container.inNetns("ip", "link", "set", bridge, "up");
            // VPP answers ARP in its core (echo replies are its ping plugin's, not loaded here): three datagrams
            // sent to the gateway make the container's kernel ask for its MAC, and VPP's answer comes back.
            container.inNetns("bash", "-c", "for n in 1 2 3; do echo $n > /dev/udp/" + GATEWAY + "/9; done");
            Await.until("the gateway's MAC, as VPP answered, in the container's neighbour table", WAIT,
                    () -> container.inNetns("ip", "neigh", "show", GATEWAY, "dev", bridge)
                            .contains("lladdr " + gateway.mac()), state);

            // VPP counts first; OVS publishes its counters every few seconds, and they reach as far.
            // The kernel sends the datagrams it held once it has the MAC: VPP counts them just after.
            VppInterfaceCounters vpp = Await.find("the ARP request and the datagrams counted by VPP", WAIT,
                    () -> Optional.of(VppInterfaceCounters.of(hostVpp.sandbox(), hostEnd.name()))
                            .filter(counters -> counters.rxPackets() >= 4), state);
            assertThat(vpp.txPackets()).as("the ARP reply").isPositive();
            container.vsctl("--timeout=60", "wait-until", "Interface", IF_NAME,
                    "statistics:tx_packets>=" + vpp.rxPackets(), "statistics:rx_packets>=" + vpp.txPackets());
            System.err.println("packets, VPP the vhost-user " + vhostMode + ": VPP received " + vpp.rxPackets()
                    + " and sent " + vpp.txPackets() + "; the container's OVS: "
                    + container.vsctl("get", "Interface", IF_NAME, "statistics").strip());

            CniInvocation.Outcome deleted = plugin.run("DEL", config);
            assertThat(deleted.exitCode()).as(deleted.stdout() + deleted.stderr()).isZero();
            Await.until("the agent removes the container's port", WAIT,
                    () -> VppContainerSideIT.read(agentLog).contains("removed "), state);
            assertThat(container.vsctl("list-br").strip()).as("the agent's bridge, emptied, goes with its port")
                    .isEmpty();
            assertThat(hostVpp.interfaces()).extracting(Interface::name)
                    .containsExactlyInAnyOrder("local0", gateway.name());
            // Not empty, so not the plugin's to remove: the gateway the operator put there stays.
            assertThat(VppBridgePacketsIT.bridgeDomain(hostVpp, BRIDGE_DOMAIN).map(BridgeDomain::members))
                    .hasValue(List.of(new BridgeMember(gateway.swIfIndex(), 0, 1)));
        } finally {
            VppContainerSideIT.closeAll(cleanup);
        }
    }
}

