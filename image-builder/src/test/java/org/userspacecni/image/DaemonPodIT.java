package org.userspacecni.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.HostCommand;
import org.userspacecni.testkit.NetworkNamespace;
import org.userspacecni.testkit.OvsSandbox;
import org.userspacecni.testkit.Testpmd;

/**
 * The DaemonSet's daemon container, run as a kubelet would run it: the installer image built here from
 * installer/Dockerfile (buildah, on a Debian base made with debootstrap, with the runtime the Maven build linked),
 * started by podman with exactly the manifest's mounts, namespaces, privilege and command, read from
 * daemonset.yaml with fabric8's model. Every node directory of the manifest is re-rooted under the test's node
 * directory on both sides, which the manifest allows because each is mounted at its own path; only the network
 * namespaces stay where the kernel's tools put them.
 *
 * <p>The node is this process: the plugin installed in its {@code opt/cni/bin} by the ConfigMap's install.sh,
 * host-local beside it behind a witness that records the mount namespace it ran in, a private OVS-DPDK, real
 * network namespaces made after the daemon started. The node's launcher forwards ADD, CHECK and DEL to the
 * container (the witness ran in the container's mount namespace); while the container is killed or stopped the
 * same commands run standalone (in the node's), and the attachments made before are untouched: after the restart
 * CHECK passes and the switch's ports and host-local's leases are as they were, and testpmd's packets on one
 * attachment reach the switch throughout. The manifest's probes pass in the
 * serving container and fail with the daemon down. At the end nothing is left.
 */
class DaemonPodIT {

    static final Path MANIFESTS = Path.of("..", "deploy", "kubernetes");
    static final String DAEMON_CONTAINER = "daemon";
    /** The kernel's: ip netns (and a runtime) make them there, and CNI_NETNS names them there. */
    static final Set<String> NOT_RE_ROOTED = Set.of("/run/netns");
    static final String NETWORK = "dpod-net";

    @TempDir
    static Path root;
    static Path node;
    static List<String> podman;
    static DaemonSet daemonSet;
    static Container daemon;
    static String installScript;
    static OvsSandbox ovs;
    static Path witnessLog;
    final List<NetworkNamespace> namespaces = new ArrayList<>();

    @BeforeAll
    static void buildImageAndNode() throws Exception {
        readManifests();
        node = Files.createDirectories(root.resolve("node"));
        ImageStorage images = new ImageStorage(root);
        podman = images.podman();
        // The image pulls nothing: a Debian base, and the runtime the Maven build linked.
        DebianBase.importWith(podman);
        Path dist = plugin().getParent().getParent().getParent();
        Path context = Files.createDirectories(root.resolve("context"));
        run(List.of("cp", "-a", dist.toString(), context.resolve("dist").toString()));
        Files.createDirectories(context.resolve("dist/cni/bin/userspace.d/backends"));
        List<String> bud = new ArrayList<>(images.buildah());
        bud.addAll(List.of("bud", "--format", "docker", "--isolation", "chroot", "--build-arg",
                "JDK_IMAGE=localhost/debian-base", "--build-arg", "JDK_TAG=12", "--build-arg",
                "BASE_IMAGE=localhost/debian-base", "--build-arg", "BASE_TAG=12", "--build-arg", "RUNTIME=dist",
                "-f", MANIFESTS.resolve("installer/Dockerfile").toAbsolutePath().toString(),
                // Tagged as the manifest names it, so podman runs the manifest's image without a pull.
                "-t", daemon.getImage(), context.toString()));
        run(bud);

        for (Volume volume : daemonSpec().getVolumes()) {
            if (volume.getHostPath() != null && !NOT_RE_ROOTED.contains(volume.getHostPath().getPath())) {
                Files.createDirectories(onNode(volume.getHostPath().getPath()));
            }
        }
        install();
        Path bin = onNode("/opt/cni/bin");
        Files.copy(Path.of("/usr/lib/cni/host-local"), bin.resolve("host-local"));
        witnessLog = onNode("/var/log/ipam-witness.log");
        Path witness = bin.resolve("ipam-witness");
        Files.writeString(witness, "#!/bin/sh\n# host-local, after noting the command and the mount namespace it runs"
                + " in\necho \"$CNI_COMMAND $CNI_CONTAINERID $(readlink /proc/self/ns/mnt)\" >>" + witnessLog
                + "\nexec \"${0%/*}/host-local\"\n");
        Files.setPosixFilePermissions(witness, PosixFilePermissions.fromString("rwxr-xr-x"));
        ovs = OvsSandbox.start(onNode("/var/run/openvswitch"));
        ovs.startVswitchd("usrsp-dpod");
    }

    /** The DaemonSet and its installer ConfigMap, read as DeployManifestsTest reads every manifest. */
    static void readManifests() throws IOException {
        KubernetesSerialization serialization = new KubernetesSerialization();
        try (MappingIterator<JsonNode> documents = new YAMLMapper().readerFor(JsonNode.class)
                .readValues(MANIFESTS.resolve("daemonset.yaml").toFile())) {
            for (JsonNode document : documents.readAll()) {
                KubernetesResource object = serialization.convertValue(document, KubernetesResource.class);
                if (object instanceof DaemonSet read) {
                    daemonSet = read;
                } else if (object instanceof ConfigMap configMap) {
                    installScript = configMap.getData().get("install.sh");
                }
            }
        }
        daemon = daemonSpec().getContainers().stream().filter(c -> c.getName().equals(DAEMON_CONTAINER))
                .findFirst().orElseThrow();
    }

    /** The ConfigMap's install.sh installs the built plugin into the node's opt/cni/bin, as the init container. */
    static void install() throws Exception {
        Path script = Files.writeString(root.resolve("install.sh"), installScript);
        Path account = Files.createDirectories(root.resolve("serviceaccount"));
        Files.writeString(account.resolve("token"), "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2ln");
        Files.writeString(account.resolve("ca.crt"), "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
        ProcessBuilder builder = new ProcessBuilder("sh", script.toString(), "install").redirectErrorStream(true);
        builder.environment().put("USRSP_HOST_ROOT", node.toString());
        builder.environment().put("USRSP_SOURCE_DIR", plugin().getParent().toString());
        builder.environment().put("USRSP_SERVICE_ACCOUNT_DIR", account.toString());
        builder.environment().put("KUBERNETES_SERVICE_HOST", "10.96.0.1");
        Process process = builder.start();
        String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(log).isZero();
    }

    @AfterEach
    void removeContainersAndNamespaces() throws Exception {
        for (String name : List.of("usrsp-daemon", "usrsp-probe")) {
            podman("rm", "-f", "--ignore", name);
        }
        namespaces.forEach(NetworkNamespace::close);
    }

    @AfterAll
    static void stopSwitch() {
        if (ovs != null) {
            ovs.close();
        }
    }

    @Test
    void theNodesLauncherForwardsToTheDaemonContainerWhichItsProbesFindServing() throws Exception {
        startDaemon();
        long pid = Long.parseLong(podman("inspect", "--format", "{{.State.Pid}}", "usrsp-daemon").strip());
        assertThat(Files.readString(socket().resolveSibling(socket().getFileName() + ".pid")).strip())
                .as("the daemon's pid file names the node's pid of the container's process (hostPID)")
                .isEqualTo(String.valueOf(pid));
        String containerNamespace = Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/mnt")).toString();
        assertThat(containerNamespace).isNotEqualTo(nodeNamespace());
        assertThat(probe(daemon.getReadinessProbe().getExec().getCommand())).isZero();
        assertThat(probe(daemon.getLivenessProbe().getExec().getCommand())).isZero();

        NetworkNamespace netns = netns(); // made after the daemon started: HostToContainer brings it in
        CniInvocation plugin = launcher("d0dp0d0000000001", netns);
        CniInvocation.Outcome added = plugin.run("ADD", network());
        assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
        assertThat(added.json().path("ips").path(0).path("address").asText()).startsWith("10.57.0.");
        assertThat(ports()).hasSize(1);
        assertThat(plugin.run("CHECK", withPrevResult(added)).exitCode()).isZero();
        CniInvocation.Outcome deleted = plugin.run("DEL", withPrevResult(added));
        assertThat(deleted.exitCode()).as(deleted.stdout() + deleted.stderr()).isZero();

        assertThat(witnessed("d0dp0d0000000001")).as("host-local ran in the daemon container for each command")
                .containsExactly("ADD " + containerNamespace, "CHECK " + containerNamespace,
                        "DEL " + containerNamespace);
        assertNothingLeft();

        // The container's metrics port, in the node's network as the manifest has it, counted each command.
        int port = daemon.getPorts().get(0).getContainerPort();
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        for (String command : List.of("ADD", "CHECK", "DEL")) {
            assertThat(metrics.body()).contains("userspace_cni_requests_total{code=\"0\",command=\"" + command
                    + "\"} 1.0");
        }
    }

    @Test
    void aRestartOfTheDaemonContainerLosesNoAttachmentAndTheGapRunsStandalone() throws Exception {
        startDaemon();
        NetworkNamespace pod = netns();
        List<CniInvocation> plugins = List.of(launcher("r3st4rt000000001", pod),
                launcher("r3st4rt000000002", netns()));
        List<String> configs = new ArrayList<>();
        for (CniInvocation plugin : plugins) {
            CniInvocation.Outcome added = plugin.run("ADD", network());
            assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
            configs.add(withPrevResult(added));
        }
        Set<String> ports = ports();
        Set<String> leases = leases();
        assertThat(ports).hasSize(2);
        assertThat(leases).hasSize(2);

        // Traffic on the first attachment all along: testpmd sends, the switch counts.
        String port = ovs.vsctl("--bare", "--columns=name", "find", "Interface",
                "external_ids:\"userspace-cni/container-id\"=r3st4rt000000001").strip();
        String socket = ovs.vsctl("get", "Interface", port, "options:vhost-server-path").strip().replace("\"", "");
        try (Testpmd testpmd = Testpmd.start(pod, 1, List.of("--vdev=net_virtio_user0,path=" + socket
                + ",server=1"), "txonly", root.resolve("testpmd.log"))) {
            long received = flowing(port, 0);

            // A crash: SIGKILL leaves the socket and the pid file, which names a process that is gone.
            podman("kill", "usrsp-daemon");
            podman("wait", "usrsp-daemon");
            assertThat(socket()).exists();
            assertThat(probeWithTheDaemonDown(daemon.getLivenessProbe().getExec().getCommand())).isNotZero();
            gapRunsStandalone(plugins, configs, "g4p0k1ll3d000001");
            received = flowing(port, received);

            startedAgainWithNothingLost(plugins, configs, ports, leases);
            received = flowing(port, received);

            // A rolling update or an eviction: SIGTERM, the daemon removes its socket.
            podman("stop", "usrsp-daemon");
            assertThat(socket()).doesNotExist();
            assertThat(probeWithTheDaemonDown(daemon.getReadinessProbe().getExec().getCommand())).isNotZero();
            gapRunsStandalone(plugins, configs, "g4p0st0pp3d00001");
            received = flowing(port, received);

            startedAgainWithNothingLost(plugins, configs, ports, leases);
            flowing(port, received);
        }
        for (int i = 0; i < plugins.size(); i++) {
            CniInvocation.Outcome deleted = plugins.get(i).run("DEL", configs.get(i));
            assertThat(deleted.exitCode()).as(deleted.stdout() + deleted.stderr()).isZero();
        }
        assertNothingLeft();
    }

    /** The container started again: it serves the attachments made before, and the switch and leases are as before. */
    private void startedAgainWithNothingLost(List<CniInvocation> plugins, List<String> configs, Set<String> ports,
            Set<String> leases) throws Exception {
        podman("start", "usrsp-daemon");
        awaitReady();
        checkThroughTheDaemon(plugins, configs);
        assertThat(ports()).isEqualTo(ports);
        assertThat(leases()).isEqualTo(leases);
    }

    /** Waits until the switch has received more than {@code after} packets on {@code port}; how many it has. */
    private static long flowing(String port, long after) {
        ovs.vsctl("--timeout=60", "wait-until", "Interface", port, "statistics:rx_packets>" + after);
        return Long.parseLong(ovs.vsctl("get", "Interface", port, "statistics:rx_packets").strip());
    }

    /** With the daemon down: CHECK of the attachments made through it, and a whole ADD, CHECK, DEL, on the node. */
    private void gapRunsStandalone(List<CniInvocation> plugins, List<String> configs, String containerId)
            throws Exception {
        checkEach(plugins, configs);
        CniInvocation plugin = launcher(containerId, netns());
        CniInvocation.Outcome added = plugin.run("ADD", network());
        assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
        assertThat(plugin.run("CHECK", withPrevResult(added)).exitCode()).isZero();
        assertThat(ports()).hasSize(3);
        CniInvocation.Outcome deleted = plugin.run("DEL", withPrevResult(added));
        assertThat(deleted.exitCode()).as(deleted.stdout() + deleted.stderr()).isZero();
        String here = nodeNamespace();
        assertThat(witnessed(containerId)).as("host-local ran on the node").containsExactly("ADD " + here,
                "CHECK " + here, "DEL " + here);
        assertThat(ports()).hasSize(2);
    }

    private void checkThroughTheDaemon(List<CniInvocation> plugins, List<String> configs) throws Exception {
        long pid = Long.parseLong(podman("inspect", "--format", "{{.State.Pid}}", "usrsp-daemon").strip());
        String inContainer = Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/mnt")).toString();
        checkEach(plugins, configs);
        assertThat(witnessed("r3st4rt000000001")).last().isEqualTo("CHECK " + inContainer);
        assertThat(witnessed("r3st4rt000000002")).last().isEqualTo("CHECK " + inContainer);
    }

    /** CHECK of each attachment, with the configuration and result of its ADD. */
    private static void checkEach(List<CniInvocation> plugins, List<String> configs) {
        for (int i = 0; i < plugins.size(); i++) {
            CniInvocation.Outcome checked = plugins.get(i).run("CHECK", configs.get(i));
            assertThat(checked.exitCode()).as(checked.stdout() + checked.stderr()).isZero();
        }
    }

    /** Starts the manifest's daemon container and waits until its readiness probe passes. */
    void startDaemon() throws Exception {
        List<String> command = new ArrayList<>(List.of("run", "-d", "--name", "usrsp-daemon"));
        command.addAll(containerOptions());
        command.addAll(List.of("--entrypoint", json(daemon.getCommand()), daemon.getImage()));
        if (daemon.getArgs() != null) {
            command.addAll(daemon.getArgs());
        }
        podman(command.toArray(String[]::new));
        awaitReady();
    }

    /**
     * The podman options that give the container what the manifest gives it: the pod's namespaces, the
     * container's privilege, read-only root and environment, and each volume mount, its node path re-rooted.
     */
    static List<String> containerOptions() {
        PodSpec spec = daemonSpec();
        List<String> options = new ArrayList<>();
        if (Boolean.TRUE.equals(spec.getHostNetwork())) {
            options.add("--network=host");
        }
        if (Boolean.TRUE.equals(spec.getHostPID())) {
            options.add("--pid=host");
        }
        var security = daemon.getSecurityContext();
        if (Boolean.TRUE.equals(security.getPrivileged())) {
            options.add("--privileged");
        }
        if (Boolean.TRUE.equals(security.getReadOnlyRootFilesystem())) {
            options.addAll(List.of("--read-only", "--read-only-tmpfs=false")); // no tmpfs the kubelet would not give
        }
        // This machine's runc may not raise the limits podman gives a privileged container by default.
        options.addAll(List.of("--ulimit", "nofile=20000:20000", "--ulimit", "nproc=4096:4096"));
        Map<String, String> hostPaths = spec.getVolumes().stream().filter(v -> v.getHostPath() != null)
                .collect(Collectors.toMap(Volume::getName, v -> v.getHostPath().getPath()));
        for (VolumeMount mount : daemon.getVolumeMounts()) {
            String hostPath = hostPaths.get(mount.getName());
            assertThat(hostPath).as("%s is a node directory", mount.getName()).isNotNull();
            assertThat(mount.getMountPath()).as("mounted at its own path").isEqualTo(hostPath);
            String path = reRooted(hostPath);
            List<String> flags = new ArrayList<>();
            if (Boolean.TRUE.equals(mount.getReadOnly())) {
                flags.add("ro");
            }
            if ("HostToContainer".equals(mount.getMountPropagation())) {
                flags.add("rslave");
            } else if ("Bidirectional".equals(mount.getMountPropagation())) {
                flags.add("rshared");
            }
            options.addAll(List.of("-v", path + ":" + path + (flags.isEmpty() ? "" : ":" + String.join(",", flags))));
        }
        for (EnvVar env : daemon.getEnv()) {
            String value = env.getValue();
            boolean nodePath = daemon.getVolumeMounts().stream().anyMatch(m -> value.startsWith(m.getMountPath() + "/"));
            options.addAll(List.of("-e", env.getName() + "=" + (nodePath ? reRooted(value) : value)));
        }
        return options;
    }

    /** The probe run in the serving container as the kubelet runs it: its exit code. */
    static int probe(List<String> command) throws Exception {
        List<String> exec = new ArrayList<>(podman);
        exec.addAll(List.of("exec", "usrsp-daemon"));
        exec.addAll(command);
        return new ProcessBuilder(exec).inheritIO().start().waitFor();
    }

    /** The probe in a container like the daemon's, with the daemon down: its exit code. */
    static int probeWithTheDaemonDown(List<String> command) throws Exception {
        List<String> probe = new ArrayList<>(podman);
        probe.addAll(List.of("run", "--rm", "--name", "usrsp-probe"));
        probe.addAll(containerOptions());
        probe.addAll(List.of("--entrypoint", json(command), daemon.getImage()));
        return new ProcessBuilder(probe).inheritIO().start().waitFor();
    }

    /** Polls the readiness probe until it passes (the JVM's start), for at most a minute. */
    static void awaitReady() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (probe(daemon.getReadinessProbe().getExec().getCommand()) != 0) {
            assertThat(System.nanoTime()).as("the daemon container ready: " + podman("logs", "usrsp-daemon"))
                    .isLessThan(deadline);
            Thread.sleep(200); // the polling interval
        }
    }

    /** The node's launcher with the runtime's environment for one attachment; the daemon's socket re-rooted. */
    CniInvocation launcher(String containerId, NetworkNamespace netns) {
        return new CniInvocation(onNode("/opt/cni/bin/userspace"))
                .env("USERSPACE_CNI_DAEMON_SOCKET", socket().toString())
                .env("CNI_CONTAINERID", containerId).env("CNI_NETNS", netns.path().toString())
                .env("CNI_IFNAME", "net1").env("CNI_PATH", onNode("/opt/cni/bin").toString());
    }

    NetworkNamespace netns() {
        NetworkNamespace netns = NetworkNamespace.create();
        namespaces.add(netns);
        return netns;
    }

    /** The network: its sockets, data, leases and log in the node's directories that the daemon mounts. */
    static String network() {
        return "{\"cniVersion\":\"1.0.0\",\"name\":\"" + NETWORK + "\",\"type\":\"userspace\",\"sharedDir\":\""
                + onNode("/var/lib/cni/usrspcni/shared") + "\",\"dataDir\":\"" + onNode("/var/lib/cni/usrspcni")
                + "\",\"logFile\":\"" + onNode("/var/log/userspace-cni-" + NETWORK + ".log") + "\",\"host\":{"
                + "\"engine\":\"ovs-dpdk\",\"iftype\":\"vhostuser\",\"bridge\":{\"bridgeName\":\"br-dpod\"},"
                + "\"options\":{\"ovsdbSocket\":\"" + ovs.dbSocket() + "\"}},\"ipam\":{\"type\":\"ipam-witness\","
                + "\"subnet\":\"10.57.0.0/24\",\"dataDir\":\"" + onNode("/var/lib/cni/networks") + "\"}}";
    }

    static String withPrevResult(CniInvocation.Outcome added) {
        String config = network();
        return config.substring(0, config.length() - 1) + ",\"prevResult\":" + added.json() + "}";
    }

    /** The switch's ports, each with the attachment it was made for. */
    static Set<String> ports() {
        // --bare: a record's columns on lines of their own, records apart by an empty line
        String records = ovs.vsctl("--bare", "--columns=name,external_ids", "find", "Interface",
                "type=dpdkvhostuserclient");
        return Stream.of(records.split("\n\\s*\n")).map(record -> record.strip().replace('\n', ' '))
                .filter(record -> !record.isEmpty()).collect(Collectors.toCollection(TreeSet::new));
    }

    static Set<String> leases() throws IOException {
        Path dir = onNode("/var/lib/cni/networks").resolve(NETWORK);
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(name -> name.startsWith("10."))
                    .map(name -> name + "=" + read(dir.resolve(name))).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /** What the witness recorded for one container: each command and the mount namespace host-local ran in. */
    static List<String> witnessed(String containerId) throws IOException {
        return Files.readAllLines(witnessLog).stream().filter(line -> line.contains(" " + containerId + " "))
                .map(line -> line.replace(" " + containerId + " ", " ")).toList();
    }

    static String nodeNamespace() throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString();
    }

    /** No port, lease, store entry or socket of any attachment; the daemon's own socket aside. */
    void assertNothingLeft() throws IOException {
        assertThat(ports()).isEmpty();
        assertThat(leases()).isEmpty();
        try (Stream<Path> shared = Files.list(onNode("/var/lib/cni/usrspcni/shared"));
                Stream<Path> data = Files.list(onNode("/var/lib/cni/usrspcni"))) {
            assertThat(shared).isEmpty();
            assertThat(data.map(p -> p.getFileName().toString())).containsOnly("shared");
        }
        namespaces.forEach(NetworkNamespace::close);
        namespaces.clear();
    }

    static Path socket() {
        return Path.of(reRooted(daemon.getEnv().stream().filter(e -> e.getName().equals("USERSPACE_CNI_DAEMON_SOCKET"))
                .findFirst().orElseThrow().getValue()));
    }

    static PodSpec daemonSpec() {
        return daemonSet.getSpec().getTemplate().getSpec();
    }

    /** A node path as this test's node has it: under the node directory, but for what the kernel's tools own. */
    static String reRooted(String nodePath) {
        return NOT_RE_ROOTED.stream().anyMatch(p -> nodePath.equals(p) || nodePath.startsWith(p + "/"))
                ? nodePath : onNode(nodePath).toString();
    }

    static Path onNode(String nodePath) {
        return node.resolve(nodePath.substring(1));
    }

    static Path plugin() {
        return Path.of(System.getProperty("userspace.plugin"));
    }

    static String json(List<String> command) {
        return command.stream().map(word -> "\"" + word.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                .collect(Collectors.joining(",", "[", "]"));
    }

    static String podman(String... args) throws Exception {
        List<String> command = new ArrayList<>(podman);
        command.addAll(List.of(args));
        return HostCommand.run(command);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static void run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(String.join(" ", command) + "\n" + output).isZero();
    }
}
