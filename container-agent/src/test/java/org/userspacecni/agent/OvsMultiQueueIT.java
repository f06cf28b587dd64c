package org.userspacecni.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.testkit.Await;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.HostLocalIpam;
import org.userspacecni.testkit.NetworkNamespace;
import org.userspacecni.testkit.OvsSandbox;
import org.userspacecni.testkit.Testpmd;

/**
 * Several queues end to end on a private OVS-DPDK: the plugin ADDs a vhost-user port with {@code vhost.queues: 2},
 * {@code usrsp-agent eal-args --app-args} gives the pod's DPDK application a two-queue virtio-user frontend and the
 * matching {@code --rxq}/{@code --txq}, and testpmd on exactly those arguments sends on both queues: OVS receives
 * packets on each of the port's two queues (its per-queue counters of the vhost-user port). The NUMA node of OVS's
 * DPDK memory, which the plugin records, is where {@code eal-args} puts the application's memory.
 */
class OvsMultiQueueIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path root;

    @Test
    void aTwoQueueFrontendSendsOnBothQueuesOfTheHostPort() throws Exception {
        String containerId = UUID.randomUUID().toString().replace("-", "");
        Path shared = root.resolve("shared");
        try (OvsSandbox ovs = OvsSandbox.start(root.resolve("ovs"));
                NetworkNamespace netns = NetworkNamespace.create()) {
            ovs.startVswitchd("usrsp-mq");
            String config = "{\"cniVersion\":\"1.1.0\",\"name\":\"mq\",\"type\":\"userspace\",\"sharedDir\":\"" + shared
                    + "\",\"dataDir\":\"" + root.resolve("data") + "\",\"host\":{\"engine\":\"ovs-dpdk\","
                    + "\"iftype\":\"vhostuser\",\"netType\":\"bridge\",\"vhost\":{\"mode\":\"client\",\"queues\":2},"
                    + "\"bridge\":{\"bridgeName\":\"br-mq\"},\"options\":{\"ovsdbSocket\":\"" + ovs.dbSocket()
                    + "\"}},\"ipam\":" + HostLocalIpam.in(root.resolve("ipam")).section() + "}";
            CniInvocation plugin = new CniInvocation(Path.of(System.getProperty("userspace.plugin")))
                    .env("CNI_CONTAINERID", containerId).env("CNI_NETNS", netns.path().toString())
                    .env("CNI_IFNAME", "net1").env("CNI_PATH", HostLocalIpam.CNI_BIN.toString());
            CniInvocation.Outcome added = plugin.run("ADD", config);
            assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
            String port = Path.of(added.json().at("/interfaces/0/socketPath").asText()).getFileName().toString();

            AgentProcess.Outcome eal = AgentProcess.run("--data-dir", root.resolve("data").resolve(containerId)
                    .toString(), "--shared-dir", shared.toString(), "eal-args", "--vdevs-only", "--app-args");
            assertThat(eal.exitCode()).as(eal.stderr()).isZero();
            List<String> words = Arrays.asList(eal.stdout().strip().split(" "));
            int dashes = words.indexOf("--");
            assertThat(words.subList(dashes, words.size())).containsExactly("--", "--rxq=2", "--txq=2");
            assertThat(words.get(0)).contains(",queues=2,");
            // The sandbox's OVS has DPDK memory on node 0 alone: the plugin records it, eal-args takes memory there.
            AgentProcess.Outcome placed = AgentProcess.run("--data-dir", root.resolve("data").resolve(containerId)
                    .toString(), "--shared-dir", shared.toString(), "eal-args");
            assertThat(placed.exitCode()).as(placed.stderr()).isZero();
            assertThat(placed.stdout()).contains("--socket-mem=" + EalRequest.DEFAULT_SOCKET_MEM_MB + " ");

            try (Testpmd sender = Testpmd.start(netns, 0, words.subList(0, dashes), "txonly",
                    root.resolve("testpmd.log"), words.subList(dashes + 1, words.size()).toArray(String[]::new))) {
                // ovs-vswitchd refreshes the statistics column every 5 s.
                Map<String, Long> queues = Await.find("OVS receiving on both of the port's queues", WAIT,
                        () -> Optional.of(rxQueues(ovs, port)).filter(counts -> counts.getOrDefault("rx_q0", 0L) > 0
                                && counts.getOrDefault("rx_q1", 0L) > 0), () -> ovs.vsctl("get", "Interface", port,
                                        "statistics") + "\n" + ovs.appctl("dpif-netdev/pmd-rxq-show") + sender.log());
                System.err.println("packets OVS received on each queue of " + port + ": " + queues);
            }
            CniInvocation.Outcome deleted = plugin.run("DEL", config);
            assertThat(deleted.exitCode()).as(deleted.stdout() + deleted.stderr()).isZero();
        }
    }

    /** The good packets per receive queue that OVS counts for a vhost-user interface, by queue. */
    private static Map<String, Long> rxQueues(OvsSandbox ovs, String port) {
        String statistics = ovs.vsctl("get", "Interface", port, "statistics");
        Map<String, Long> counts = new java.util.TreeMap<>();
        java.util.regex.Matcher queue = java.util.regex.Pattern.compile("(rx_q\\d+)_good_packets=(\\d+)")
                .matcher(statistics);
        while (queue.find()) {
            counts.put(queue.group(1), Long.parseLong(queue.group(2)));
        }
        return counts;
    }
}
