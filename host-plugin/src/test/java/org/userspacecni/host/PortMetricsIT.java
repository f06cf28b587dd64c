package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userspacecni.testkit.PrivatePrometheus.freePort;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.backend.vpp.real.RealVpp;
import org.userspacecni.core.Json;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.HostLocalIpam;
import org.userspacecni.testkit.NetworkNamespace;
import org.userspacecni.testkit.OvsSandbox;
import org.userspacecni.testkit.PrivatePrometheus;
import org.userspacecni.testkit.Testpmd;

/**
 * Each attachment's port as the operator sees it, on real switches: a real Prometheus scrapes the daemon's
 * {@code --metrics} endpoint while testpmd, in the pod's network namespace, sends through the port ADD made (a
 * vhost-user port of a private OVS-DPDK, a memif of a private VPP). The attachment's link must be up, its receive
 * counter rise, its labels name network, pod, container and interface; {@code userspace status --json} and
 * {@code userspace metrics} show the same, and every query of the Grafana dashboard and the alerting rules in
 * deploy/ works on what Prometheus scraped; after DEL the attachment's series are gone.
 */
class PortMetricsIT {

    private static final String NAMESPACE = "dpdk-apps";
    private static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "userspace-cni.json");
    private static final Pattern SERIES = Pattern.compile("userspace_cni_[a-z_]+");

    @TempDir
    Path root;

    @Test
    void anOvsDpdkPortsCountersRiseInPrometheusWhileTestpmdSends() throws Exception {
        try (OvsSandbox ovs = OvsSandbox.start(root.resolve("ovs"))) {
            ovs.startVswitchd("usrsp-metrics");
            String host = "\"engine\":\"ovs-dpdk\",\"iftype\":\"vhostuser\",\"netType\":\"bridge\","
                    + "\"vhost\":{\"mode\":\"client\"},\"bridge\":{\"bridgeName\":\"br-metrics\"},"
                    + "\"options\":{\"ovsdbSocket\":\"" + ovs.dbSocket() + "\"}";
            sendAndScrape("ovs-net", host, "ovs-dpdk", "pod-ovs", "metr1csovs0001",
                    socket -> "--vdev=net_virtio_user0,path=" + socket + ",server=1");
        }
    }

    @Test
    void aVppMemifsCountersRiseInPrometheusWhileTestpmdSends() throws Exception {
        try (RealVpp vpp = RealVpp.start(root.resolve("vpp"))) {
            String host = "\"engine\":\"vpp\",\"iftype\":\"memif\",\"netType\":\"bridge\","
                    + "\"bridge\":{\"bridgeName\":\"7\"},\"options\":{\"apiSocket\":\"" + vpp.apiSocket() + "\"}";
            sendAndScrape("vpp-net", host, "vpp", "pod-vpp", "metr1csvpp0001",
                    socket -> "--vdev=net_memif0,role=client,id=0,socket=" + socket + ",socket-abstract=no");
        }
    }

    /**
     * A port with the plugin's marks for the network that no attachment in the journal has (one a crash left, or an
     * earlier build made) is listed as stray by {@code userspace status} and counted by {@code userspace metrics},
     * and left as it is; a neighbour's port of another network and the operator's port on the same bridge are not
     * listed, nor the attachment the journal has.
     */
    @Test
    void aMarkedPortNoAttachmentHasIsStrayAndLeftAlone() throws Exception {
        try (OvsSandbox ovs = OvsSandbox.start(root.resolve("ovs"));
                NetworkNamespace netns = NetworkNamespace.create()) {
            ovs.startVswitchd("usrsp-stray");
            String config = "{\"cniVersion\":\"1.1.0\",\"name\":\"ovs-net\",\"type\":\"userspace\",\"sharedDir\":\""
                    + root.resolve("shared") + "\",\"dataDir\":\"" + root.resolve("data") + "\",\"host\":{"
                    + "\"engine\":\"ovs-dpdk\",\"iftype\":\"vhostuser\",\"netType\":\"bridge\","
                    + "\"vhost\":{\"mode\":\"client\"},\"bridge\":{\"bridgeName\":\"br-stray\"},"
                    + "\"options\":{\"ovsdbSocket\":\"" + ovs.dbSocket() + "\"}}}";
            CniInvocation plugin = PluginFixture.invocation("str4yowner0001", netns);
            CniInvocation.Outcome added = plugin.run("ADD", config);
            assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
            markedPort(ovs, "ghost-net1", "ovs-net", "gh0st0000001");
            markedPort(ovs, "neighbour-net1", "other-net", "gh0st0000001");
            ovs.vsctl("add-port", "br-stray", "operator0", "--", "set", "Interface", "operator0", "type=internal");

            Operator status = Operator.run("status", "--data-dir", root.resolve("data").toString());
            assertThat(status.exit()).as(status.stdout() + status.stderr()).isEqualTo(1);
            assertThat(status.stdout()).contains("stray: port ghost-net1 of network ovs-net (ovs-dpdk)")
                    .doesNotContain("stray: port neighbour-net1").doesNotContain("stray: port operator0")
                    .doesNotContain("stray: port str4yowner00");
            Operator metrics = Operator.run("metrics", "--data-dir", root.resolve("data").toString());
            assertThat(metrics.stdout()).containsPattern(
                    "(?m)^userspace_cni_stray_ports\\{engine=\"ovs-dpdk\",network=\"ovs-net\"\\} 1\\.0$")
                    .doesNotContain("network=\"other-net\"");
            assertThat(ovs.vsctl("list-ports", "br-stray").lines().toList())
                    .contains("ghost-net1", "neighbour-net1", "operator0");

            assertThat(plugin.run("DEL", config).exitCode()).isZero();
            assertThat(ovs.vsctl("list-ports", "br-stray").lines().toList())
                    .containsExactlyInAnyOrder("ghost-net1", "neighbour-net1", "operator0");
        }
    }

    /** A port on br-stray with the marks the plugin gives attachment {@code containerId}/net1 of {@code network}. */
    private void markedPort(OvsSandbox ovs, String name, String network, String containerId) {
        ovs.vsctl("add-port", "br-stray", name, "--", "set", "Interface", name, "type=dpdkvhostuserclient",
                "options:vhost-server-path=" + root.resolve(name + ".sock"), "--", "set", "Port", name,
                "external_ids:userspace-cni/owner=userspace-cni", "external_ids:userspace-cni/network=" + network,
                "external_ids:userspace-cni/container-id=" + containerId, "external_ids:userspace-cni/ifname=net1");
    }

    /** The container's end of the port at a socket: testpmd's device argument. */
    private interface Device {
        String at(String socket);
    }

    private void sendAndScrape(String network, String host, String engine, String pod, String containerId,
            Device device) throws Exception {
        String config = "{\"cniVersion\":\"1.1.0\",\"name\":\"" + network + "\",\"type\":\"userspace\",\"sharedDir\":\""
                + root.resolve("shared") + "\",\"dataDir\":\"" + root.resolve("data") + "\",\"host\":{" + host
                + "},\"ipam\":" + HostLocalIpam.in(root.resolve("ipam")).section() + "}";
        int metricsPort = freePort();
        try (NetworkNamespace netns = NetworkNamespace.create();
                DaemonProcess daemon = DaemonProcess.start(root.resolve("run/daemon.sock"), Map.of(), "--metrics",
                        "127.0.0.1:" + metricsPort);
                PrivatePrometheus prometheus = PrivatePrometheus.start(root.resolve("prometheus"), metricsPort)) {
            CniInvocation plugin = PluginFixture.invocation(containerId, netns)
                    .env("CNI_ARGS", "IgnoreUnknown=1;K8S_POD_NAMESPACE=" + NAMESPACE + ";K8S_POD_NAME=" + pod)
                    .env("USERSPACE_CNI_DAEMON_SOCKET", daemon.socket.toString())
                    .env("USERSPACE_CNI_JAVA", CniInvocation.NO_JAVA);
            CniInvocation.Outcome added = plugin.run("ADD", config);
            assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
            String socket = added.json().at("/interfaces/0/socketPath").asText();
            String series = "{pod=\"" + pod + "\"}";

            assertThat(prometheus.awaitValue("userspace_cni_attachment_port_present" + series, 1)).isEqualTo(1);
            try (Testpmd sender = Testpmd.start(netns, 0, List.of(device.at(socket)), "txonly",
                    root.resolve("testpmd-" + engine + ".log"))) {
                assertThat(prometheus.awaitValue("userspace_cni_attachment_link_up" + series, 1)).isEqualTo(1);
                long first = prometheus.awaitValue("userspace_cni_attachment_receive_packets_total" + series, 1);
                assertThat(prometheus.awaitValue("userspace_cni_attachment_receive_packets_total" + series,
                        first + 1)).isGreaterThan(first);
                JsonNode labels = prometheus.query("userspace_cni_attachment_receive_packets_total" + series)
                        .at("/data/result/0/metric");
                assertThat(labels.path("network").asText()).isEqualTo(network);
                assertThat(labels.path("namespace").asText()).isEqualTo(NAMESPACE);
                assertThat(labels.path("container_id").asText()).isEqualTo(containerId);
                assertThat(labels.path("interface").asText()).isEqualTo("net1");
                assertThat(labels.path("engine").asText()).isEqualTo(engine);
                assertThat(labels.path("port").asText()).isNotEmpty();

                dashboardAndAlertQueriesWork(prometheus);

                Operator status = Operator.run("status", "--json", "--data-dir", root.resolve("data").toString());
                assertThat(status.exit()).as(status.stderr()).isZero();
                JsonNode attachment = Json.readTree(status.stdout().getBytes(StandardCharsets.UTF_8))
                        .path("attachments").get(0);
                assertThat(attachment.path("pod").asText()).isEqualTo(pod);
                assertThat(attachment.path("link").asText()).isEqualTo("up");
                assertThat(attachment.path("socket").asText()).isEqualTo(socket);
                assertThat(attachment.at("/counters/rxPackets").asLong()).isGreaterThanOrEqualTo(first);

                Operator table = Operator.run("status", "--data-dir", root.resolve("data").toString());
                assertThat(table.stdout()).containsPattern("(?m)^" + network + " +" + NAMESPACE + "/" + pod + " ")
                        .contains("1 attachments, 1 up, 0 down");
                System.err.println("userspace status:\n" + table.stdout());

                Operator metrics = Operator.run("metrics", "--data-dir", root.resolve("data").toString());
                assertThat(metrics.exit()).as(metrics.stderr()).isZero();
                assertThat(metrics.stdout()).containsPattern("(?m)^userspace_cni_attachment_link_up\\{.*pod=\"" + pod
                        + "\".*\\} 1\\.0$").containsPattern("(?m)^userspace_cni_attachment_receive_packets_total\\{.*"
                        + "container_id=\"" + containerId + "\".*\\} [1-9]");
            }

            CniInvocation.Outcome deleted = plugin.run("DEL", config);
            assertThat(deleted.exitCode()).as(deleted.stdout() + deleted.stderr()).isZero();
            prometheus.awaitAbsent("userspace_cni_attachment_info" + series);
            Operator status = Operator.run("status", "--data-dir", root.resolve("data").toString());
            assertThat(status.stdout()).contains("0 attachments");
        }
    }

    /**
     * Every query of the Grafana dashboard in deploy/ (its variables set to "all") and of the alerting rules is one
     * the private Prometheus parses and answers, and names only series it has scraped from the daemon: the dashboard
     * and the alerts show what is there.
     */
    private static void dashboardAndAlertQueriesWork(PrivatePrometheus prometheus) throws Exception {
        JsonNode dashboard = Json.readTree(Files.readAllBytes(DASHBOARD));
        Set<String> scraped = prometheus.seriesNames();
        List<String> queries = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> panel.path("targets").forEach(target -> queries.add(
                target.path("expr").asText())));
        assertThat(queries).as("the queries of " + DASHBOARD).hasSizeGreaterThan(5);
        queries.addAll(AlertRulesTest.expressions());
        for (String query : queries) {
            String all = query.replaceAll("\\$(namespace|pod|network)", ".*");
            JsonNode answer = prometheus.query(all);
            assertThat(answer.path("status").asText()).as(all + ": " + answer).isEqualTo("success");
            SERIES.matcher(all).results().map(MatchResult::group).forEach(name -> assertThat(scraped)
                    .as("the series " + query + " shows").contains(name));
        }
    }

    /** One run of {@code userspace COMMAND ...} as an operator types it. */
    private record Operator(int exit, String stdout, String stderr) {

        static Operator run(String... args) throws Exception {
            List<String> command = new ArrayList<>(List.of(PluginFixture.plugin().toString()));
            command.addAll(List.of(args));
            Process process = new ProcessBuilder(command).start();
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Operator(process.waitFor(), out, err);
        }
    }
}
