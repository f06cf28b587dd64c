package org.userspacecni.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.testkit.OvsSandbox;

/**
 * The debian12 images, built here and run under a real container runtime. A Debian base is made with
 * debootstrap and imported; {@code usrsp-image} writes the contexts of the ovs and dpdk variants; buildah builds
 * them.
 * {@code run.sh} starts each with podman (private storage, runc) attached by the CNI plugin to a private host
 * OVS-DPDK: in the ovs image the container's OVS-DPDK starts, the agent applies the attachment and pings
 * cross; in the dpdk image testpmd, started with the entrypoint's EAL arguments, sends packets the host switch
 * counts. Podman's own CNI backend runs the plugin too. On exit nothing is left on the host switch.
 */
class DebianImageIT {

    static final String SHARED_IN_CONTAINER = "/var/lib/cni/usrspcni/shared";
    /** Inside a container: says it is up by a file in the shared directory, and ends on another. */
    static final String SIGNAL = "touch " + SHARED_IN_CONTAINER + "/ready && while [ ! -e " + SHARED_IN_CONTAINER
            + "/done ]; do sleep 0.1; done";

    @TempDir
    static Path root;
    static OvsSandbox host;
    static List<String> podman;

    @BeforeAll
    static void build() throws Exception {
        List<String> storage = List.of("--root", root.resolve("storage").toString(), "--runroot",
                root.resolve("run").toString(), "--storage-driver", "vfs");
        podman = new ArrayList<>(List.of("podman"));
        podman.addAll(storage);
        podman.addAll(List.of("--runtime", "runc", "--cgroup-manager", "cgroupfs", "--events-backend", "file"));
        run(List.of("debootstrap", "--variant=minbase", "bookworm", root.resolve("rootfs").toString(), mirror()));
        run(List.of("sh", "-c", "tar -C " + root.resolve("rootfs") + " -c . | " + String.join(" ", podman)
                + " import - localhost/debian-base:12"));
        // Not vpp: no FD.io repository is reachable from here, so its image is rendered and linted only.
        for (Variant variant : List.of(Variant.OVS, Variant.DPDK)) {
            Path context = root.resolve("context-" + variant.option());
            run(List.of(System.getProperty("usrsp.image"), "--variant", variant.option(), "--base", "debian12",
                    "--agent", "local", "--agent-dir", System.getProperty("usrsp.agent.dist"), "--output",
                    context.toString()));
            List<String> bud = new ArrayList<>(List.of("buildah"));
            bud.addAll(storage);
            bud.addAll(List.of("bud", "--format", "docker", "--isolation", "chroot", "--build-arg",
                    "BASE_IMAGE=localhost/debian-base", "--build-arg", "BASE_TAG=12", "-t", image(variant),
                    context.toString()));
            run(bud);
        }
        host = OvsSandbox.start(root.resolve("host-ovs"));
        host.startVswitchd("usrsp-img");
    }

    @AfterAll
    static void stop() {
        if (host != null) {
            host.close();
        }
    }

    @Test
    void theOvsImageJoinsTheHostSwitchAndTrafficCrosses() throws Exception {
        Path dir = Files.createDirectories(root.resolve("ovs"));
        String inside = "ovs-vsctl --timeout=60 wait-until Interface net1 link_state=up && usrsp-agent status"
                + " && ip addr add 10.99.0.2/24 dev br0 && ip link set br0 up && " + SIGNAL;
        RunningImage container = RunningImage.start(Variant.OVS, dir, network(dir, "br-img"), inside);
        container.awaitReady();
        host.inNetns("ip", "addr", "add", "10.99.0.1/24", "dev", "br-img");
        host.inNetns("ip", "link", "set", "br-img", "up");
        assertThat(host.inNetns("ping", "-c", "3", "-W", "5", "10.99.0.2")).contains("3 received");
        String log = container.finish();
        assertThat(log).contains("ok    hugepages reserved").contains("usrsp-agent: applied")
                .containsPattern("net1 ovs-dpdk [0-9a-f]{12}-net1 up");
        assertNothingLeft(dir, "img-net");
    }

    @Test
    void theDpdkImageRunsTestpmdOnTheAttachment() throws Exception {
        Path dir = Files.createDirectories(root.resolve("dpdk"));
        String inside = "dpdk-testpmd -l 0,1 $USRSP_EAL_ARGS -- --forward-mode=txonly --stats-period=5 & testpmd=$!;"
                + " until usrsp-agent status --sockets; do sleep 0.1; done && " + SIGNAL
                + " && kill -INT $testpmd && wait $testpmd";
        RunningImage container = RunningImage.start(Variant.DPDK, dir, network(dir, "br-tp"), inside);
        container.awaitReady();
        String port = host.vsctl("--bare", "--columns=name", "find", "Interface", "type=dpdkvhostuserclient").strip();
        host.vsctl("--timeout=60", "wait-until", "Interface", port, "statistics:rx_packets>0");
        String log = container.finish();
        Matcher eal = Pattern.compile("USRSP_EAL_ARGS=(.*)").matcher(log);
        assertThat(eal.find()).as(log).isTrue();
        assertThat(eal.group(1)).contains("--in-memory").contains("--vdev=net_virtio_user0,path="
                + SHARED_IN_CONTAINER + "/" + port + ",server=1");
        assertThat(log).contains("net1 ovs-dpdk " + port + " up").contains("Bye...");
        assertNothingLeft(dir, "img-net");
    }

    /**
     * Podman's CNI backend (libcni) runs the plugin itself: VERSION whenever it loads the network, ADD with
     * the container's full id before the container starts, DEL when it ends. A wrapper in the plugin
     * directory records each call before handing it to the real plugin.
     */
    @Test
    void podmansCniBackendRunsThePlugin() throws Exception {
        Path dir = Files.createDirectories(root.resolve("podman-cni"));
        Path networks = Files.createDirectories(dir.resolve("net.d"));
        Path wrapper = Files.createDirectories(dir.resolve("cni-bin")).resolve("userspace");
        Path calls = dir.resolve("calls");
        Path plugin = Path.of(System.getProperty("userspace.plugin"));
        Files.writeString(wrapper, "#!/bin/sh\necho \"$CNI_COMMAND $CNI_CONTAINERID $CNI_IFNAME\" >>" + calls
                + "\nexec " + plugin + " \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(networks.resolve("usrsp-net.conflist"), "{\"cniVersion\":\"1.0.0\",\"name\":\"usrsp-net\","
                + "\"plugins\":[" + network(dir, "br-pod").replace("\"cniVersion\":\"1.0.0\",\"name\":\"img-net\",", "")
                + "]}");
        Path conf = Files.writeString(dir.resolve("containers.conf"), "[network]\nnetwork_backend = \"cni\"\n"
                + "network_config_dir = \"" + networks + "\"\ncni_plugin_dirs = [\"" + wrapper.getParent() + "\", \""
                + plugin.getParent() + "\", \"/usr/lib/cni\"]\n");
        boolean cacheExisted = Files.exists(Path.of("/var/lib/cni"));
        List<String> command = new ArrayList<>(podman);
        command.addAll(List.of("run", "--rm", "--network", "usrsp-net", "--ulimit", "nofile=20000:20000",
                "--ulimit", "nproc=4096:4096", "-v", dir.resolve("shared") + ":" + SHARED_IN_CONTAINER,
                "--entrypoint", "bash", image(Variant.OVS), "-c", SIGNAL));
        Files.createDirectories(dir.resolve("shared"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("CONTAINERS_CONF", conf.toString());
        RunningImage container = new RunningImage(builder.start(), dir);
        try {
            container.awaitReady();
            String id = Files.readAllLines(calls).stream().filter(call -> call.startsWith("ADD ")).findFirst()
                    .orElseThrow().split(" ")[1];
            assertThat(id).matches("[0-9a-f]{64}");
            assertThat(host.vsctl("--bare", "--columns=name", "find", "Interface",
                    "external_ids:userspace-cni/container-id=" + id).strip()).isEqualTo(id.substring(0, 12) + "-eth0");
            assertThat(dir.resolve("data").resolve(id).resolve("eth0.json")).exists();
            container.finish();
            List<String> made = Files.readAllLines(calls);
            assertThat(made.get(0)).startsWith("VERSION ");
            assertThat(made).contains("ADD " + id + " eth0").last().isEqualTo("DEL " + id + " eth0");
            assertThat(Path.of("/var/lib/cni/results/usrsp-net-" + id + "-eth0")).doesNotExist();
        } finally {
            if (!cacheExisted) { // libcni's result cache is not configurable in podman; leave the machine as found
                Files.deleteIfExists(Path.of("/var/lib/cni/results"));
                Files.deleteIfExists(Path.of("/var/lib/cni"));
            }
        }
        assertNothingLeft(dir, "usrsp-net");
    }

    /** The network configuration of a test: its directories under {@code dir}, a bridge of its own. */
    static String network(Path dir, String bridge) {
        return "{\"cniVersion\":\"1.0.0\",\"name\":\"img-net\",\"type\":\"userspace\",\"sharedDir\":\""
                + dir.resolve("shared") + "\",\"dataDir\":\"" + dir.resolve("data") + "\",\"host\":{\"engine\":"
                + "\"ovs-dpdk\",\"iftype\":\"vhostuser\",\"bridge\":{\"bridgeName\":\"" + bridge + "\"},\"options\":{"
                + "\"ovsdbSocket\":\"" + host.dbSocket() + "\"}},\"ipam\":{\"type\":\"host-local\",\"subnet\":"
                + "\"10.56.0.0/24\",\"dataDir\":\"" + dir.resolve("ipam") + "\"}}";
    }

    /**
     * After a container's exit: no bridge on the host switch, no socket, no store entry (and no lock file: the
     * ovs-dpdk engine's changes need none), no lease.
     */
    static void assertNothingLeft(Path dir, String network) throws IOException {
        assertThat(host.vsctl("list-br").strip()).isEmpty();
        assertThat(list(dir.resolve("shared"))).containsExactlyInAnyOrder("ready", "done");
        assertThat(list(dir.resolve("data"))).isEmpty();
        assertThat(list(dir.resolve("ipam").resolve(network))).noneMatch(lease -> lease.startsWith("10."));
    }

    static List<String> list(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(path -> path.getFileName().toString()).toList();
        }
    }

    static String image(Variant variant) {
        return "localhost/usrsp-" + variant.option() + ":test";
    }

    /** An image started through its {@code run.sh} or by podman itself, signalling through {@code dir/shared}. */
    record RunningImage(Process process, Path dir, CompletableFuture<String> output) {

        RunningImage(Process process, Path dir) {
            this(process, dir, CompletableFuture.supplyAsync(() -> read(process)));
        }

        static RunningImage start(Variant variant, Path dir, String network, String inside) throws IOException {
            Path config = Files.writeString(dir.resolve("net.json"), network);
            ProcessBuilder builder = new ProcessBuilder("bash", root.resolve("context-" + variant.option())
                    .resolve("run.sh").toString(), image(variant), config.toString(), "bash", "-c", inside)
                    .redirectErrorStream(true);
            Map<String, String> env = builder.environment();
            env.put("CONTAINER_ENGINE", "podman");
            env.put("CONTAINER_ENGINE_FLAGS", String.join(" ", podman.subList(1, podman.size())));
            Path plugin = Path.of(System.getProperty("userspace.plugin"));
            env.put("USRSP_CNI_PLUGIN", plugin.toString());
            env.put("CNI_PATH", plugin.getParent() + ":/usr/lib/cni");
            env.put("USRSP_DATA_DIR", dir.resolve("data").toString());
            env.put("USRSP_SHARED_DIR", dir.resolve("shared").toString());
            return new RunningImage(builder.start(), dir);
        }

        void awaitReady() throws InterruptedException {
            Path ready = dir.resolve("shared/ready");
            for (int i = 0; i < 3000 && !Files.exists(ready) && process.isAlive(); i++) {
                process.waitFor(100, TimeUnit.MILLISECONDS);
            }
            assertThat(ready).as("the container came up: " + (process.isAlive() ? "" : output.join())).exists();
        }

        /** Tells the container to end, waits for it and returns what it printed. */
        String finish() throws Exception {
            try {
                Files.createFile(dir.resolve("shared/done"));
                assertThat(process.waitFor(180, TimeUnit.SECONDS)).isTrue();
                String log = output.get(10, TimeUnit.SECONDS);
                assertThat(process.exitValue()).as(log).isZero();
                return log;
            } finally {
                process.destroy();
            }
        }
    }

    private static String read(Process process) {
        try {
            return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** The Debian mirror this machine's apt uses, so debootstrap reaches what apt reaches. */
    static String mirror() throws IOException {
        Path sources = Path.of("/etc/apt/sources.list.d/debian.sources");
        if (Files.exists(sources)) {
            for (String line : Files.readAllLines(sources)) {
                if (line.startsWith("URIs:")) {
                    return line.substring("URIs:".length()).trim().split("\\s+")[0];
                }
            }
        }
        return "http://deb.debian.org/debian";
    }

    private static void run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = read(process);
        assertThat(process.waitFor()).as(String.join(" ", command) + "\n" + output).isZero();
    }
}
