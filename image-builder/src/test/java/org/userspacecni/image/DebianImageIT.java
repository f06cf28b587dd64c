package org.userspacecni.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.testkit.OvsSandbox;

/**
 * The debian12 image, built here and run under a real container runtime. A Debian base is made with
 * debootstrap and imported; {@code usrsp-image} writes the context; buildah builds it; {@code run.sh} starts
 * it with podman (private storage, runc) attached by the CNI plugin to a private host OVS-DPDK. Inside, the
 * entrypoint's checks pass, the container's OVS-DPDK starts, the agent applies the attachment and reports
 * it up, and pings cross from the host bridge; on exit nothing is left on the host switch.
 */
class DebianImageIT {

    @TempDir
    static Path root;
    static OvsSandbox host;
    static List<String> storage;

    @BeforeAll
    static void build() throws Exception {
        storage = List.of("--root", root.resolve("storage").toString(), "--runroot", root.resolve("run").toString(),
                "--storage-driver", "vfs");
        run(List.of("debootstrap", "--variant=minbase", "bookworm", root.resolve("rootfs").toString(), mirror()));
        List<String> importBase = new ArrayList<>(List.of("podman"));
        importBase.addAll(storage);
        importBase.addAll(List.of("import", "-", "localhost/debian-base:12"));
        run(List.of("sh", "-c", "tar -C " + root.resolve("rootfs") + " -c . | " + String.join(" ", importBase)));
        run(List.of(System.getProperty("usrsp.image"), "--variant", "ovs", "--base", "debian12", "--agent", "local",
                "--agent-dir", System.getProperty("usrsp.agent.dist"), "--output", root.resolve("context").toString()));
        List<String> bud = new ArrayList<>(List.of("buildah"));
        bud.addAll(storage);
        bud.addAll(List.of("bud", "--format", "docker", "--isolation", "chroot", "--build-arg",
                "BASE_IMAGE=localhost/debian-base", "--build-arg", "BASE_TAG=12", "-t", "localhost/usrsp-ovs:test",
                root.resolve("context").toString()));
        run(bud);
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
    void theImageJoinsTheHostSwitchAndTrafficCrosses() throws Exception {
        Path plugin = Path.of(System.getProperty("userspace.plugin"));
        Path config = Files.writeString(root.resolve("net.json"), "{\"cniVersion\":\"1.0.0\",\"name\":\"img-net\","
                + "\"type\":\"userspace\",\"sharedDir\":\"" + root.resolve("shared") + "\",\"dataDir\":\""
                + root.resolve("data") + "\",\"host\":{\"engine\":\"ovs-dpdk\",\"iftype\":\"vhostuser\","
                + "\"bridge\":{\"bridgeName\":\"br-img\"},\"options\":{\"ovsdbSocket\":\"" + host.dbSocket() + "\"}},"
                + "\"ipam\":{\"type\":\"host-local\",\"subnet\":\"10.56.0.0/24\",\"dataDir\":\"" + root.resolve("ipam")
                + "\"}}");
        String inside = "ovs-vsctl --timeout=60 wait-until Interface net1 link_state=up && usrsp-agent status"
                + " && ip addr add 10.99.0.2/24 dev br0 && ip link set br0 up"
                + " && touch /var/lib/cni/usrspcni/shared/ready"
                + " && while [ ! -e /var/lib/cni/usrspcni/shared/done ]; do sleep 0.1; done";
        ProcessBuilder builder = new ProcessBuilder("bash", root.resolve("context/run.sh").toString(),
                "localhost/usrsp-ovs:test", config.toString(), "bash", "-c", inside).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("CONTAINER_ENGINE", "podman");
        env.put("CONTAINER_ENGINE_FLAGS", String.join(" ", storage)
                + " --runtime runc --cgroup-manager cgroupfs --events-backend file");
        env.put("USRSP_CNI_PLUGIN", plugin.toString());
        env.put("CNI_PATH", plugin.getParent() + ":/usr/lib/cni");
        env.put("USRSP_DATA_DIR", root.resolve("data").toString());
        env.put("USRSP_SHARED_DIR", root.resolve("shared").toString());
        Process container = builder.start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> read(container));
        Path ready = root.resolve("shared/ready");
        try {
            // The command inside says when it is up by a file in the shared directory, and ends on another.
            for (int i = 0; i < 3000 && !Files.exists(ready) && container.isAlive(); i++) {
                container.waitFor(100, TimeUnit.MILLISECONDS);
            }
            assertThat(ready).as("the container came up").exists();
            host.inNetns("ip", "addr", "add", "10.99.0.1/24", "dev", "br-img");
            host.inNetns("ip", "link", "set", "br-img", "up");
            assertThat(host.inNetns("ping", "-c", "3", "-W", "5", "10.99.0.2")).contains("3 received");
            Files.createFile(root.resolve("shared/done"));
            assertThat(container.waitFor(180, TimeUnit.SECONDS)).isTrue();
            assertThat(container.exitValue()).isZero();
        } finally {
            container.destroy();
        }
        String log = output.get(10, TimeUnit.SECONDS);
        assertThat(log).contains("ok    hugepages reserved").contains("usrsp-agent: applied")
                .containsPattern("net1 ovs-dpdk [0-9a-f]{12}-net1 up");
        assertThat(host.vsctl("list-br").strip()).isEmpty();
        try (var left = Files.list(root.resolve("shared"))) {
            assertThat(left.map(path -> path.getFileName().toString())).containsExactlyInAnyOrder("ready", "done");
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
