package org.userspacecni.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.node.cri.ListPodSandboxRequest;
import org.userspacecni.node.cri.PodSandboxState;
import org.userspacecni.node.cri.PodSandboxStatus;
import org.userspacecni.testkit.HostLocalIpam;
import org.userspacecni.testkit.OvsSandbox;

/**
 * The plugin on a Kubernetes node as the kubelet drives it: a private containerd's CRI plugin runs the built
 * {@code userspace} for a {@code cniVersion: "1.0.0"} network list (the newest that containerd 1.6 reads), on a
 * private OVS-DPDK, with host-local IPAM and the Kubernetes pod store on fabric8's mock API server; the test
 * speaks CRI v1 to containerd as the kubelet does. A pod sandbox is ready with the address host-local leased
 * it, its port is on the host switch named and marked after the sandbox id, the pod's annotations are written;
 * StopPodSandbox (the CNI DEL) and RemovePodSandbox leave nothing; several pods at once; containerd restarted
 * with pods running keeps their attachments. Nothing is said on the happy path: containerd's log, which holds
 * the plugin's stderr, has no line of the plugin's.
 */
class ContainerdCriIT {

    static final String NETWORK = "usrsp-node";
    static final String NAMESPACE = "dpdk";
    static final String BRIDGE = "br-node";
    static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Set by the failsafe execution {@code daemon-mode}: the node runs the plugin's daemon, and containerd's
     * plugin forwards every command to it, with no Java runtime to fall back on (so a command that did not go
     * through the daemon fails).
     */
    static final boolean DAEMON_MODE = Boolean.getBoolean("userspace.daemon");

    @TempDir
    static Path root;
    static OvsSandbox ovs;
    static HostLocalIpam ipam;
    static MockApiServer api;
    static Path pauseImage;
    static PrivateContainerd containerd;
    static PluginDaemon daemon;
    /** The network namespaces of the pod sandboxes run, which must be gone when they are removed. */
    static final Set<Path> SANDBOX_NETNS = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void node() throws Exception {
        ovs = OvsSandbox.start(root.resolve("ovs"));
        ovs.startVswitchd("usrsp-cri");
        ipam = HostLocalIpam.in(root.resolve("ipam"));
        api = MockApiServer.start();
        pauseImage = PauseImage.build(root.resolve("pause"), PrivateContainerd.PAUSE_IMAGE);
        if (DAEMON_MODE) {
            daemon = PluginDaemon.start(plugin(), root.resolve("daemon"));
        }
        containerd = node("containerd", networkList("1.0.0", ",\"kubeconfig\":\""
                + api.writeKubeconfig(root.resolve("kubeconfig")) + "\""));
    }

    @AfterAll
    static void stop() {
        // containerd first: the DEL of a sandbox a failed test left behind still needs the daemon, the switch
        // and the API server.
        try (MockApiServer server = api; OvsSandbox started = ovs; PluginDaemon serving = daemon;
                PrivateContainerd running = containerd) {
            // Closed in reverse order, each even when one before it failed.
        }
    }

    @AfterEach
    void nothingLeft() throws IOException {
        assertThat(containerd.cri().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList())
                .isEmpty();
        assertThat(ovs.vsctl("--bare", "--columns=name", "find", "Interface", "type=dpdkvhostuserclient").strip())
                .as("ports on the host switch").isEmpty();
        assertThat(ipam.leases()).as("host-local leases").isEmpty();
        assertThat(SANDBOX_NETNS.stream().filter(Files::exists)).as("the pods' network namespaces").isEmpty();
        try (Stream<Path> files = Files.walk(root.resolve("shared"))) {
            assertThat(files.filter(file -> !Files.isDirectory(file)).collect(Collectors.toList()))
                    .as("sockets").isEmpty();
        }
        assertThat(pluginLines(containerd.logText())).as("what the plugin said on containerd's stderr").isEmpty();
    }

    /** A node's containerd whose CRI plugin runs the built plugin for the network list given. */
    static PrivateContainerd node(String name, String networkList) {
        // A node's reference plugins: containerd adds loopback to every pod itself; host-local is the IPAM.
        return PrivateContainerd.start(root.resolve(name), plugin(), List.of("loopback", "host-local"), networkList,
                daemon == null ? Map.of() : daemon.clientEnvironment(), pauseImage);
    }

    /** The built plugin's launcher. */
    static Path plugin() {
        return Path.of(System.getProperty("userspace.plugin"));
    }

    /** A network list of the plugin on the private OVS-DPDK, with {@code more} in the plugin's configuration. */
    static String networkList(String cniVersion, String more) {
        return "{\"cniVersion\":\"" + cniVersion + "\",\"name\":\"" + NETWORK + "\",\"plugins\":[{"
                + "\"type\":\"userspace\",\"dataDir\":\"" + root.resolve("data") + "\",\"sharedDir\":\""
                + root.resolve("shared") + "\"" + more + ","
                + "\"host\":{\"engine\":\"ovs-dpdk\",\"iftype\":\"vhostuser\",\"netType\":\"bridge\","
                + "\"vhost\":{\"mode\":\"client\"},\"bridge\":{\"bridgeName\":\"" + BRIDGE + "\"},"
                + "\"options\":{\"ovsdbSocket\":\"" + ovs.dbSocket() + "\"}},"
                + "\"container\":{\"engine\":\"ovs-dpdk\",\"iftype\":\"vhostuser\",\"netType\":\"interface\","
                + "\"vhost\":{\"mode\":\"server\"}},"
                + "\"ipam\":" + ipam.section() + "}]}";
    }

    /** The pod in the API server, as the scheduler would have bound it; returns its uid. */
    static String pod(String name) {
        return api.createPod(NAMESPACE, name);
    }

    /** RunPodSandbox, its network namespace noted for the check that it goes with the sandbox. */
    static String run(PrivateContainerd node, String name, String uid) {
        String id = node.runPodSandbox(NAMESPACE, name, uid);
        SANDBOX_NETNS.add(node.netnsOf(id));
        return id;
    }

    static String port(String sandboxId) {
        return sandboxId.substring(0, 12) + "-eth0";
    }

    /** The configuration the plugin wrote into the pod's annotations, or null. */
    static JsonNode annotation(String pod) throws IOException {
        String value = api.client().pods().inNamespace(NAMESPACE).withName(pod).get().getMetadata().getAnnotations()
                .get("userspace/configuration-data");
        return value == null ? null : JSON.readTree(value);
    }

    /** The lease host-local holds for {@code ip}: the container id and interface it names. */
    static List<String> lease(String ip) throws IOException {
        return Files.readAllLines(ipam.dataDir().resolve(NETWORK).resolve(ip)).stream().map(String::strip)
                .collect(Collectors.toList());
    }

    /** Lines on containerd's stderr that are not containerd's own (logrus: time="…" level=…): the plugin's. */
    static List<String> pluginLines(String log) {
        return log.lines().filter(line -> !line.startsWith("time=\"")).collect(Collectors.toList());
    }

    @Test
    void aPodIsReadyWithItsAddressItsPortOnTheHostSwitchAndItsAnnotationsUntilStopped() throws Exception {
        String uid = pod("pod-a");
        String id = run(containerd, "pod-a", uid);

        PodSandboxStatus ready = containerd.status(id);
        assertThat(ready.getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
        String ip = ready.getNetwork().getIp();
        assertThat(ipam.leases()).containsExactly(ip);
        assertThat(lease(ip)).startsWith(id);
        assertThat(ovs.vsctl("list-ports", BRIDGE).strip()).isEqualTo(port(id));
        // ovs-vsctl quotes a string that could be read as a number (an id of leading digits)
        assertThat(ovs.vsctl("get", "Interface", port(id), "external_ids:\"userspace-cni/container-id\"").strip()
                .replace("\"", "")).isEqualTo(id);
        JsonNode entries = annotation("pod-a");
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).path("containerId").asText()).isEqualTo(id);
        assertThat(entries.get(0).path("ifName").asText()).isEqualTo("eth0");

        containerd.stopPodSandbox(id);
        assertThat(containerd.status(id).getState()).isEqualTo(PodSandboxState.SANDBOX_NOTREADY);
        assertThat(ipam.leases()).isEmpty();
        assertThat(annotation("pod-a")).as("the annotation, taken back by DEL").isNull();
        containerd.removePodSandbox(id);
    }

    @Test
    void severalPodsAtOnceEachGetTheirOwnAddressAndPort() throws Exception {
        List<String> names = IntStream.range(0, 4).mapToObj(i -> "pod-many-" + i).collect(Collectors.toList());
        Map<String, String> uids = names.stream().collect(Collectors.toMap(name -> name, ContainerdCriIT::pod));
        ExecutorService kubelet = Executors.newFixedThreadPool(names.size());
        try {
            List<Future<String>> started = names.stream()
                    .map(name -> kubelet.submit(() -> run(containerd, name, uids.get(name))))
                    .collect(Collectors.toList());
            List<String> ids = new ArrayList<>();
            for (Future<String> sandbox : started) {
                ids.add(sandbox.get());
            }
            List<String> ips = ids.stream().map(containerd::status)
                    .peek(status -> assertThat(status.getState()).isEqualTo(PodSandboxState.SANDBOX_READY))
                    .map(status -> status.getNetwork().getIp()).collect(Collectors.toList());
            assertThat(ips).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ipam.leases());
            assertThat(ovs.vsctl("list-ports", BRIDGE).strip().lines())
                    .containsExactlyInAnyOrderElementsOf(ids.stream().map(ContainerdCriIT::port)
                            .collect(Collectors.toList()));

            List<Future<?>> ended = ids.stream().map(id -> kubelet.submit(() -> containerd.endPodSandbox(id)))
                    .collect(Collectors.toList());
            for (Future<?> sandbox : ended) {
                sandbox.get();
            }
        } finally {
            kubelet.shutdownNow();
        }
    }

    @Test
    void containerdRestartedWithPodsRunningKeepsTheirAttachments() throws Exception {
        String first = run(containerd, "pod-r1", pod("pod-r1"));
        String second = run(containerd, "pod-r2", pod("pod-r2"));
        String firstIp = containerd.status(first).getNetwork().getIp();
        String secondIp = containerd.status(second).getNetwork().getIp();
        String ports = ovs.vsctl("--bare", "--columns=_uuid,name", "list", "Interface");

        containerd.stop();
        containerd.start();

        assertThat(containerd.status(first).getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
        assertThat(containerd.status(first).getNetwork().getIp()).isEqualTo(firstIp);
        assertThat(containerd.status(second).getNetwork().getIp()).isEqualTo(secondIp);
        assertThat(ovs.vsctl("--bare", "--columns=_uuid,name", "list", "Interface")).as("the same ports, not re-made")
                .isEqualTo(ports);
        assertThat(ipam.leases()).containsExactlyInAnyOrder(firstIp, secondIp);
        assertThat(annotation("pod-r1")).hasSize(1);

        containerd.endPodSandbox(first);
        containerd.endPodSandbox(second);
    }

    @Test
    void withoutAKubeconfigThePodIsReadyAndNothingIsSaid() throws Exception {
        try (PrivateContainerd quiet = node("containerd-no-kubeconfig", networkList("1.0.0", ""))) {
            String id = run(quiet, "pod-q", "f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
            assertThat(quiet.status(id).getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
            assertThat(ovs.vsctl("list-ports", BRIDGE).strip()).isEqualTo(port(id));
            assertThat(root.resolve("data").resolve(id)).isDirectory();
            quiet.endPodSandbox(id);
            assertThat(pluginLines(quiet.logText())).as("what the plugin said on containerd's stderr").isEmpty();

            // The same network asking for info: what the plugin says does reach containerd's log.
            quiet.writeNetworkList(networkList("1.0.0", ",\"logLevel\":\"info\""));
            quiet.stop();
            quiet.start();
            quiet.endPodSandbox(run(quiet, "pod-q", "f81d4fae-7dec-11d0-a765-00a0c91e6bf6"));
            assertThat(pluginLines(quiet.logText())).anyMatch(line -> line.contains("no kubeconfig in the configuration"));
        }
    }

    @Test
    void aNetworkListOfCniVersion110IsRefusedByContainerd16AndNothingIsLeft() throws Exception {
        try (PrivateContainerd old = node("containerd-cni-1.1.0", networkList("1.1.0", ""))) {
            assertThatThrownBy(() -> run(old, "pod-v", "0b5a8ac5-0ad4-4a0c-9f3c-2b1f0c8c4d11"))
                    .isInstanceOf(StatusRuntimeException.class).hasMessageContaining("unsupported CNI result version");
            assertThat(ovs.vsctl("--bare", "--columns=name", "find", "Interface", "type=dpdkvhostuserclient").strip())
                    .isEmpty();
            assertThat(ipam.leases()).isEmpty();
        }
    }
}
