package org.userspacecni.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.backend.vpp.real.RealVpp;
import org.userspacecni.backend.vpp.sim.VppSimulator.BridgeDomain;
import org.userspacecni.backend.vpp.sim.VppSimulator.BridgeMember;
import org.userspacecni.backend.vpp.sim.VppSimulator.Interface;
import org.userspacecni.testkit.Await;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.HostLocalIpam;
import org.userspacecni.testkit.NetworkNamespace;
import org.userspacecni.testkit.Testpmd;
import org.userspacecni.testkit.VppInterfaceCounters;

/**
 * Packets through the host's VPP between two pods of one network ({@code netType: bridge}): the plugin ADDs a
 * memif attachment for each, both join the bridge domain the first one made. One pod is a DPDK application, a
 * testpmd in the pod's network namespace on what {@code usrsp-agent eal-args} gives it, sending to the other
 * pod's MAC; the other pod's end is its own VPP, joined by {@code usrsp-agent run}. Every hop counts the packets:
 * testpmd's port, the host VPP's two memifs, the container VPP's memif, each at least as many as the next hop
 * had counted before it. DEL of the first pod leaves the bridge domain to the second; DEL of the second takes it.
 */
class VppBridgePacketsIT {

    static final String NETWORK = "userspace-vpp-bridge";
    static final String IF_NAME = "net1";
    static final long BRIDGE_DOMAIN = 9;
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path root;

    @Test
    void aTestpmdPodsPacketsCrossTheHostsBridgeDomainIntoAContainerVpp() throws Exception {
        String senderId = UUID.randomUUID().toString().replace("-", "");
        String receiverId = UUID.randomUUID().toString().replace("-", "");
        Path shared = root.resolve("shared");
        Path data = root.resolve("data");
        List<AutoCloseable> cleanup = new ArrayList<>();
        try {
            RealVpp hostVpp = RealVpp.start(root.resolve("host-vpp"));
            cleanup.add(0, hostVpp);
            RealVpp containerVpp = RealVpp.start(root.resolve("container-vpp"));
            cleanup.add(0, containerVpp);
            NetworkNamespace senderNetns = NetworkNamespace.create();
            cleanup.add(0, senderNetns);
            NetworkNamespace receiverNetns = NetworkNamespace.create();
            cleanup.add(0, receiverNetns);

            String config = "{\"cniVersion\":\"1.1.0\",\"name\":\"" + NETWORK + "\",\"type\":\"userspace\","
                    + "\"sharedDir\":\"" + shared + "\",\"dataDir\":\"" + data + "\","
                    + "\"host\":{\"engine\":\"vpp\",\"iftype\":\"memif\",\"netType\":\"bridge\","
                    + "\"bridge\":{\"bridgeName\":\"" + BRIDGE_DOMAIN + "\"},"
                    + "\"options\":{\"apiSocket\":\"" + hostVpp.apiSocket() + "\"}},"
                    + "\"container\":{\"engine\":\"vpp\",\"iftype\":\"memif\",\"netType\":\"interface\"},"
                    + "\"ipam\":" + HostLocalIpam.in(root.resolve("ipam")).section() + "}";
            CniInvocation sender = plugin(senderId, senderNetns);
            CniInvocation receiver = plugin(receiverId, receiverNetns);
            for (CniInvocation pod : List.of(sender, receiver)) {
                CniInvocation.Outcome added = pod.run("ADD", config);
                assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
            }
            String senderTag = VppContainerSideIT.tag(NETWORK, senderId, IF_NAME);
            String receiverTag = VppContainerSideIT.tag(NETWORK, receiverId, IF_NAME);
            Interface hostSenderEnd = VppContainerSideIT.tagged(hostVpp, senderTag).orElseThrow();
            Interface hostReceiverEnd = VppContainerSideIT.tagged(hostVpp, receiverTag).orElseThrow();
            assertThat(bridgeDomain(hostVpp, BRIDGE_DOMAIN).map(BridgeDomain::members)).hasValue(List.of(
                    new BridgeMember(hostSenderEnd.swIfIndex(), 0, 0),
                    new BridgeMember(hostReceiverEnd.swIfIndex(), 0, 0)));

            // The receiving pod's end: its own VPP, joined by the agent.
            Path agentLog = root.resolve("agent.log");
            Process agent = new ProcessBuilder(System.getProperty("usrsp.agent"), "--data-dir",
                    data.resolve(receiverId).toString(), "--shared-dir", shared.toString(), "--engine-option",
                    "vpp.apiSocket=" + containerVpp.apiSocket().toString(), "--state-dir", root.resolve("agent").toString(), "run")
                    .redirectErrorStream(true).redirectOutput(agentLog.toFile()).start();
            cleanup.add(0, () -> VppContainerSideIT.stop(agent));
            Interface containerEnd = Await.find("the agent's memif connected in the container's VPP", WAIT,
                    () -> VppContainerSideIT.tagged(containerVpp, receiverTag).filter(Interface::linkUp),
                    () -> containerVpp.cli("show memif") + "\nagent: " + VppContainerSideIT.read(agentLog));

            // The sending pod: testpmd on what eal-args computes, addressing the receiver's MAC.
            AgentProcess.Outcome eal = AgentProcess.run("--data-dir", data.resolve(senderId).toString(),
                    "--shared-dir", shared.toString(), "eal-args", "--vdevs-only");
            assertThat(eal.exitCode()).as(eal.stderr()).isZero();
            try (Testpmd testpmd = Testpmd.start(senderNetns, 0, List.of(eal.stdout().strip().split(" ")), "txonly",
                    root.resolve("testpmd.log"), "--eth-peer=0," + containerEnd.mac())) {
                Supplier<String> state = () -> hostVpp.cli("show interface") + "\n" + containerVpp.cli(
                        "show interface") + "\ntestpmd:\n" + testpmd.log();
                Await.until("the host's memif toward testpmd connects", WAIT,
                        () -> VppContainerSideIT.linkUp(hostVpp, senderTag), state);

                // From the last hop back to the first: each hop had sent on at least what the next had counted.
                long intoContainer = Await.find("packets counted by the container's VPP", WAIT,
                        () -> Optional.of(counters(containerVpp, containerEnd).rxPackets()).filter(n -> n > 0), state);
                long outOfHost = Await.find("the host's memif toward the container VPP sending as many", WAIT,
                        () -> Optional.of(counters(hostVpp, hostReceiverEnd).txPackets())
                                .filter(n -> n >= intoContainer), state);
                long intoHost = Await.find("the host's memif toward testpmd receiving as many", WAIT,
                        () -> Optional.of(counters(hostVpp, hostSenderEnd).rxPackets()).filter(n -> n >= outOfHost),
                        state);
                long sent = Await.find("testpmd counting as many sent", WAIT,
                        () -> testpmd.txPackets().filter(n -> n >= intoHost), state);
                System.err.println("packets: testpmd sent " + sent + ", the host's VPP received " + intoHost
                        + " and sent on " + outOfHost + ", the container's VPP received " + intoContainer);
            }

            // The first pod goes: the bridge domain stays, the second pod's end in it.
            CniInvocation.Outcome senderDeleted = sender.run("DEL", config);
            assertThat(senderDeleted.exitCode()).as(senderDeleted.stdout() + senderDeleted.stderr()).isZero();
            assertThat(VppContainerSideIT.tagged(hostVpp, senderTag)).isEmpty();
            assertThat(bridgeDomain(hostVpp, BRIDGE_DOMAIN).map(BridgeDomain::members))
                    .hasValue(List.of(new BridgeMember(hostReceiverEnd.swIfIndex(), 0, 0)));
            assertThat(VppContainerSideIT.linkUp(containerVpp, receiverTag)).isTrue();

            // The second pod goes: so does the bridge domain the plugin made, and the agent removes its end.
            CniInvocation.Outcome receiverDeleted = receiver.run("DEL", config);
            assertThat(receiverDeleted.exitCode()).as(receiverDeleted.stdout() + receiverDeleted.stderr()).isZero();
            assertThat(hostVpp.interfaces()).extracting(Interface::name).containsExactly("local0");
            assertThat(bridgeDomain(hostVpp, BRIDGE_DOMAIN)).isEmpty();
            Await.until("the agent removes the container's memif", WAIT,
                    () -> VppContainerSideIT.tagged(containerVpp, receiverTag).isEmpty(),
                    () -> containerVpp.interfaces() + "\nagent: " + VppContainerSideIT.read(agentLog));
        } finally {
            VppContainerSideIT.closeAll(cleanup);
        }
    }

    CniInvocation plugin(String containerId, NetworkNamespace netns) {
        return new CniInvocation(Path.of(System.getProperty("userspace.plugin")))
                .env("CNI_CONTAINERID", containerId).env("CNI_NETNS", netns.path().toString())
                .env("CNI_IFNAME", IF_NAME).env("CNI_PATH", HostLocalIpam.CNI_BIN.toString());
    }

    static Optional<BridgeDomain> bridgeDomain(RealVpp vpp, long bdId) {
        return vpp.bridgeDomains().stream().filter(domain -> domain.bdId() == bdId).findFirst();
    }

    static VppInterfaceCounters counters(RealVpp vpp, Interface iface) {
        return VppInterfaceCounters.of(vpp.sandbox(), iface.name());
    }
}
