package org.userspacecni.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.testkit.OvsSandbox;
import org.userspacecni.testkit.VppSandbox;

/**
 * The debian12 images, built here and run under a real container runtime. A Debian base is made with
 * debootstrap and imported; {@code usrsp-image} writes the context of each variant a test uses; buildah builds
 * it, once, when a test first needs it (the vpp variant from the project's VPP tarball, so nothing comes from
 * FD.io's repository).
 * {@code run.sh} starts each with podman (private storage, runc) attached by the CNI plugin to a private host
 * switch: in the ovs image the container's OVS-DPDK starts, the agent applies the attachment and pings
 * cross; in the dpdk image testpmd, started with the entrypoint's EAL arguments, sends packets the host switch
 * counts; in the vpp image the container's VPP joins a host VPP over memif and packets cross both ways. Podman's
 * own CNI backend runs the plugin too. On exit nothing is left on the host switch.
 */
class DebianImageIT {

    static final String SHARED_IN_CONTAINER = "/var/lib/cni/usrspcni/shared";
    /** Inside a container: says it is up by a file in the shared directory, and ends on another. */
    static final String SIGNAL = "touch " + SHARED_IN_CONTAINER + "/ready && while [ ! -e " + SHARED_IN_CONTAINER
            + "/done ]; do sleep 0.1; done";

    /** Set by scripts/test (scripts/lib/setup.sh's ensure_vpp): the project's VPP build tarball. */
    static final String VPP_TARBALL = "USERSPACE_CNI_VPP_TARBALL";

    @TempDir
    static Path root;
    static OvsSandbox host;
    static VppSandbox hostVpp;
    static List<String> podman;
    static ImageStorage images;
    static final Set<Variant> BUILT = EnumSet.noneOf(Variant.class);

    @BeforeAll
    static void base() throws Exception {
        images = new ImageStorage(root);
        podman = images.podman();
        DebianBase.importWith(podman);
    }

    /** The image of {@code variant}, its context written and built on first use. */
    static synchronized String image(Variant variant) throws Exception {
        if (BUILT.add(variant)) {
            Path context = root.resolve("context-" + variant.option());
            List<String> write = new ArrayList<>(List.of(System.getProperty("usrsp.image"), "--variant",
                    variant.option(), "--base", "debian12", "--agent", "local", "--agent-dir",
                    System.getProperty("usrsp.agent.dist"), "--output", context.toString()));
            if (variant == Variant.VPP) {
                write.addAll(List.of("--vpp-from", vppTarball().toString()));
            }
            run(write);
            List<String> bud = new ArrayList<>(images.buildah());
            bud.addAll(List.of("bud", "--format", "docker", "--isolation", "chroot", "--build-arg",
                    "BASE_IMAGE=localhost/debian-base", "--build-arg", "BASE_TAG=12", "-t", imageName(variant),
                    context.toString()));
            run(bud);
        }
        return imageName(variant);
    }

    /** The private host OVS-DPDK, started on first use. */
    static synchronized OvsSandbox host() {
        if (host == null) {
            host = OvsSandbox.start(root.resolve("host-ovs"));
            host.startVswitchd("usrsp-img");
        }
        return host;
    }

    static Path vppTarball() {
        String tarball = System.getenv(VPP_TARBALL);
        assertThat(tarball).as("the vpp image is built from the project's VPP tarball: scripts/test sets "
                + VPP_TARBALL + " (scripts/lib/setup.sh, ensure_vpp)").isNotBlank();
        assertThat(Path.of(tarball)).as(VPP_TARBALL).isRegularFile();
        return Path.of(tarball);
    }

    @AfterAll
    static void stop() {
        if (host != null) {
            host.close();
        }
        if (hostVpp != null) {
            hostVpp.close();
        }
    }

    @Test
    void theOvsImageJoinsTheHostSwitchAndTrafficCrosses() throws Exception {
        Path dir = Files.createDirectories(root.resolve("ovs"));
        String inside = "ovs-vsctl --timeout=60 wait-until Interface net1 link_state=up && usrsp-agent status"
                + " && ip addr add 10.99.0.2/24 dev br0 && ip link set br0 up && " + SIGNAL;
        RunningImage container = RunningImage.start(Variant.OVS, dir, network(dir, "br-img"), inside);
        container.awaitReady();
        host().inNetns("ip", "addr", "add", "10.99.0.1/24", "dev", "br-img");
        host().inNetns("ip", "link", "set", "br-img", "up");
        assertThat(host().inNetns("ping", "-c", "3", "-W", "5", "10.99.0.2")).contains("3 received");
        String log = container.finish();
        assertThat(log).contains("ok    hugepages reserved").contains("usrsp-agent: applied")
                .containsPattern("net1 +ovs-dpdk +up +[0-9a-f]{12}-net1");
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
        String port = host().vsctl("--bare", "--columns=name", "find", "Interface", "type=dpdkvhostuserclient").strip();
        host().vsctl("--timeout=60", "wait-until", "Interface", port, "statistics:rx_packets>0");
        String log = container.finish();
        Matcher eal = Pattern.compile("USRSP_EAL_ARGS=(.*)").matcher(log);
        assertThat(eal.find()).as(log).isTrue();
        assertThat(eal.group(1)).contains("--in-memory").contains("--vdev=net_virtio_user0,path="
                + SHARED_IN_CONTAINER + "/" + port + ",server=1");
        assertThat(log).containsPattern("net1 +ovs-dpdk +up +" + port).contains("Bye...");
        assertNothingLeft(dir, "img-net");
    }

    /**
     * The vpp image, its VPP from the project's tarball, against a private host VPP: the plugin makes the host's
     * memif master in bridge domain 58, where the test put a loopback as the gateway 10.58.0.1 (VPP's loopback
     * as a bridge's routed interface); the agent makes the container VPP's memif slave with the IPAM address.
     * Inside, once {@code usrsp-agent status} says the link is up, VPP's packet generator (part of VPP itself: this
     * VPP has no ping plugin) sends one UDP packet to the gateway: the container VPP resolves it by ARP across the
     * memif (VPP drops the packet that needed the address while it asks), the host's loopback answers, and the
     * answer lands in the container VPP's neighbour table; then 50 UDP packets follow, which the host VPP counts on
     * the memif. Each side's own counters are read: the
     * container's tx and the host's rx, the host's tx and the container's rx (read later, so at least as many).
     */
    @Test
    void theVppImageFromTheProjectsTarballJoinsTheHostVppAndPacketsCross() throws Exception {
        Path dir = Files.createDirectories(root.resolve("vpp"));
        hostVpp = VppSandbox.start(root.resolve("host-vpp"));
        hostVpp.vppctl("create", "bridge-domain", "58");
        hostVpp.vppctl("create", "loopback", "interface", "mac", "02:fe:58:00:00:01");
        hostVpp.vppctl("set", "interface", "l2", "bridge", "loop0", "58", "bvi");
        hostVpp.vppctl("set", "interface", "ip", "address", "loop0", "10.58.0.1/24");
        hostVpp.vppctl("set", "interface", "state", "loop0", "up");
        String vppctl = "vppctl -s /run/vpp/cli.sock ";
        String inside = "set -e; timeout 120 bash -c 'until usrsp-agent status; do sleep 0.1; done'; "
                + vppctl + "show interface address; "
                + vppctl + "'" + udpStream("resolve", 1) + "'; " + vppctl + "packet-generator enable-stream resolve; "
                + "timeout 60 bash -c 'until " + vppctl + "show ip neighbors | grep -q \" 10.58.0.1 \"; do sleep 0.1;"
                + " done'; "
                + vppctl + "'" + udpStream("udp", 50) + "'; " + vppctl + "packet-generator enable-stream udp; "
                + SIGNAL + "; " + vppctl + "show ip neighbors; echo counters:; " + vppctl + "show interface";
        RunningImage container = RunningImage.start(Variant.VPP, dir, vppNetwork(dir), inside);
        long hostTx;
        try {
            container.awaitReady();
            String memif = hostVpp.vppctl("show", "interface").lines().filter(line -> line.startsWith("memif"))
                    .map(line -> line.split("\\s+")[0]).findFirst().orElseThrow();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (counter(hostVpp.vppctl("show", "interface", memif), memif, "rx packets") < 51) {
                assertThat(System.nanoTime()).as("the host VPP counts the ARP request and the 50 UDP packets on "
                        + memif + ": " + hostVpp.vppctl("show", "interface", memif)).isLessThan(deadline);
                Thread.sleep(50); // the polling interval
            }
            assertThat(hostVpp.vppctl("show", "memif", memif)).contains("connected");
            hostTx = counter(hostVpp.vppctl("show", "interface", memif), memif, "tx packets");
        } catch (Exception | AssertionError e) {
            container.abandon();
            throw e;
        }
        String log = container.finish();

        assertThat(log).contains("ok    hugepages: not needed").contains("usrsp-agent: applied")
                .containsPattern("net1 +vpp +up +\\S+").contains("10.58.0.2/24");
        assertThat(log).containsPattern("10\\.58\\.0\\.1\\s+D\\s+02:fe:58:00:00:01");
        String counters = log.substring(log.lastIndexOf("counters:"));
        String containerMemif = counters.lines().filter(line -> line.startsWith("memif"))
                .map(line -> line.split("\\s+")[0]).findFirst().orElseThrow();
        assertThat(counter(counters, containerMemif, "tx packets")).as("the container VPP sent the ARP request and"
                + " the 50 UDP packets").isGreaterThanOrEqualTo(51);
        assertThat(hostTx).as("the host VPP sent the ARP reply").isPositive();
        assertThat(counter(counters, containerMemif, "rx packets")).as("what the host VPP had sent when it had"
                + " counted the 51, read later in the container").isGreaterThanOrEqualTo(hostTx);
        assertThat(hostVpp.vppctl("show", "interface")).doesNotContain("memif");
        assertThat(list(dir.resolve("shared"))).containsExactlyInAnyOrder("ready", "done");
        assertThat(list(dir.resolve("data"))).as("no store entry; the vpp engine's lock file stays")
                .containsExactly("userspace-cni.lock");
        assertThat(list(dir.resolve("ipam").resolve("img-vpp-net"))).noneMatch(lease -> lease.startsWith("10."));
    }

    /** A packet-generator stream of {@code count} UDP packets routed by VPP (ip4-lookup) to the gateway. */
    static String udpStream(String name, int count) {
        return "packet-generator new { name " + name + " limit " + count + " size 64-64 node ip4-lookup data {"
                + " UDP: 10.58.0.2 -> 10.58.0.1 UDP: 4321 -> 1234 length 30 checksum 0 incrementing 1 } }";
    }

    /** A counter of {@code iface} in VPP's {@code show interface} table; 0 when VPP shows none (nothing counted). */
    static long counter(String table, String iface, String name) {
        String current = "";
        for (String line : table.lines().toList()) {
            if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0))) {
                current = line.split("\\s+")[0];
            }
            Matcher count = Pattern.compile(name + "\\s+(\\d+)\\s*$").matcher(line);
            if (current.equals(iface) && count.find()) {
                return Long.parseLong(count.group(1));
            }
        }
        return 0;
    }

    /** The vpp engine's network: a memif master on the host VPP in bridge domain 58, a VPP in the container. */
    static String vppNetwork(Path dir) {
        return "{\"cniVersion\":\"1.0.0\",\"name\":\"img-vpp-net\",\"type\":\"userspace\",\"sharedDir\":\""
                + dir.resolve("shared") + "\",\"dataDir\":\"" + dir.resolve("data") + "\",\"host\":{\"engine\":"
                + "\"vpp\",\"iftype\":\"memif\",\"netType\":\"bridge\",\"memif\":{\"role\":\"master\",\"mode\":"
                + "\"ethernet\"},\"bridge\":{\"bridgeName\":\"58\"},\"options\":{\"apiSocket\":\""
                + hostVpp.apiSocket() + "\"}},\"container\":{\"engine\":\"vpp\",\"iftype\":\"memif\",\"netType\":"
                + "\"interface\"},\"ipam\":{\"type\":\"host-local\",\"subnet\":\"10.58.0.0/24\",\"dataDir\":\""
                + dir.resolve("ipam") + "\"}}";
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
            assertThat(host().vsctl("--bare", "--columns=name", "find", "Interface",
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
                + "\"ovsdbSocket\":\"" + host().dbSocket() + "\"}},\"ipam\":{\"type\":\"host-local\",\"subnet\":"
                + "\"10.56.0.0/24\",\"dataDir\":\"" + dir.resolve("ipam") + "\"}}";
    }

    /**
     * After a container's exit: no bridge on the host switch, no socket, no store entry (and no lock file: the
     * ovs-dpdk engine's changes need none), no lease.
     */
    static void assertNothingLeft(Path dir, String network) throws IOException {
        assertThat(host().vsctl("list-br").strip()).isEmpty();
        assertThat(list(dir.resolve("shared"))).containsExactlyInAnyOrder("ready", "done");
        assertThat(list(dir.resolve("data"))).isEmpty();
        assertThat(list(dir.resolve("ipam").resolve(network))).noneMatch(lease -> lease.startsWith("10."));
    }

    static List<String> list(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(path -> path.getFileName().toString()).toList();
        }
    }

    static String imageName(Variant variant) {
        return "localhost/usrsp-" + variant.option() + ":test";
    }

    /** An image started through its {@code run.sh} or by podman itself, signalling through {@code dir/shared}. */
    record RunningImage(Process process, Path dir, CompletableFuture<String> output) {

        RunningImage(Process process, Path dir) {
            this(process, dir, CompletableFuture.supplyAsync(() -> read(process)));
        }

        static RunningImage start(Variant variant, Path dir, String network, String inside) throws Exception {
            String image = image(variant); // built first: its context holds run.sh
            Path config = Files.writeString(dir.resolve("net.json"), network);
            ProcessBuilder builder = new ProcessBuilder("bash", root.resolve("context-" + variant.option())
                    .resolve("run.sh").toString(), image, config.toString(), "bash", "-c", inside)
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

        /** After a failure: tells the container to end and waits for it, so nothing is left running. */
        void abandon() throws Exception {
            Path done = dir.resolve("shared/done");
            if (!Files.exists(done)) {
                Files.createFile(done);
            }
            process.waitFor(180, TimeUnit.SECONDS);
            process.destroy();
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

    private static void run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = read(process);
        assertThat(process.waitFor()).as(String.join(" ", command) + "\n" + output).isZero();
    }
}
