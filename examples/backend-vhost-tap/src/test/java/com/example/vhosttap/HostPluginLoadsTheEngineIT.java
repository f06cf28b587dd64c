package com.example.vhosttap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.HostLocalIpam;
import org.userspacecni.testkit.NetworkNamespace;

/**
 * The built userspace plugin runs the engine from this jar alone, put on its class path with
 * {@code USERSPACE_CNI_BACKENDS}: ADD, CHECK and DEL with the real host-local IPAM in a real network namespace,
 * and nothing left after, for both of its interface types (vhostuser, and its own tap, which has no socket). Without the jar the same ADD is the plugin's unknown-engine error.
 */
@Timeout(120)
class HostPluginLoadsTheEngineIT {

    private static final String NETWORK = "vt-plugin";

    @Test
    void addCheckDelThroughTheBuiltPluginWithTheJarOnItsClassPath(@TempDir Path root) {
        HostLocalIpam ipam = HostLocalIpam.in(root.resolve("ipam"));
        String containerId = "b1091e" + "0".repeat(58);
        try (Hugepages hugepages = Hugepages.mount(root.resolve("huge"));
                NetworkNamespace netns = NetworkNamespace.create()) {
            CniInvocation plugin = plugin(containerId, netns).env("USERSPACE_CNI_BACKENDS", jar().toString());
            String config = config(root, hugepages, ipam);

            CniInvocation.Outcome added = plugin.run("ADD", config);
            assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
            JsonNode result = added.json();
            Path socket = root.resolve("shared").resolve(containerId.substring(0, 12) + "-net1");
            assertThat(result.at("/interfaces/0/socketPath").asText()).isEqualTo(socket.toString());
            assertThat(socket).exists();
            String forwarder = ForwarderName.of(NETWORK, new AttachmentId(containerId, "net1")).value();
            assertThat(hugepages.processes()).as("forwarders").hasSize(1);
            assertThat(Path.of("/sys/class/net", forwarder)).exists();

            String withResult = config.substring(0, config.length() - 1) + ",\"prevResult\":" + result + "}";
            CniInvocation.Outcome checked = plugin.run("CHECK", withResult);
            assertThat(checked.exitCode()).as(checked.stdout() + checked.stderr()).isZero();

            CniInvocation.Outcome deleted = plugin.run("DEL", withResult);
            assertThat(deleted.exitCode()).as(deleted.stdout() + deleted.stderr()).isZero();
            assertThat(hugepages.processes()).as("forwarders left").isEmpty();
            assertThat(Path.of("/sys/class/net", forwarder)).doesNotExist();
            assertThat(socket).doesNotExist();
            assertThat(root.resolve("state").resolve(NETWORK)).doesNotExist();
            assertThat(hugepages.files()).as("hugepage files left").isEmpty();
            assertThat(ipam.leases()).as("leases left").isEmpty();
        }
    }

    @Test
    void theEnginesOwnTapTypeThroughTheBuiltPluginHasNoSocketAndItsDeviceIsInTheContainer(@TempDir Path root) {
        HostLocalIpam ipam = HostLocalIpam.in(root.resolve("ipam"));
        String containerId = "b1091e" + "2".repeat(58);
        AttachmentId id = new AttachmentId(containerId, "net1");
        try (NetworkNamespace netns = NetworkNamespace.create()) {
            CniInvocation plugin = plugin(containerId, netns).env("USERSPACE_CNI_BACKENDS", jar().toString());
            String config = "{\"cniVersion\":\"1.1.0\",\"name\":\"" + NETWORK + "\",\"type\":\"userspace\","
                    + "\"sharedDir\":\"" + root.resolve("shared") + "\",\"dataDir\":\"" + root.resolve("data")
                    + "\",\"host\":" + Engine.tapSection("") + ",\"ipam\":" + ipam.section() + "}";

            CniInvocation.Outcome added = plugin.run("ADD", config);
            assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
            JsonNode result = added.json();
            assertThat(result.at("/interfaces/0/socketPath").isMissingNode()).as(result.toString()).isTrue();
            String tap = ForwarderName.of(NETWORK, id).value();
            assertThat(ContainerTaps.devices(Optional.of(netns.path().toString())).get(tap))
                    .isEqualTo(ContainerTaps.mark(NETWORK, id));

            String withResult = config.substring(0, config.length() - 1) + ",\"prevResult\":" + result + "}";
            CniInvocation.Outcome checked = plugin.run("CHECK", withResult);
            assertThat(checked.exitCode()).as(checked.stdout() + checked.stderr()).isZero();

            CniInvocation.Outcome deleted = plugin.run("DEL", withResult);
            assertThat(deleted.exitCode()).as(deleted.stdout() + deleted.stderr()).isZero();
            assertThat(ContainerTaps.devices(Optional.of(netns.path().toString()))).doesNotContainKey(tap);
            assertThat(ipam.leases()).as("leases left").isEmpty();
        }
    }

    @Test
    void withoutTheJarTheEngineIsUnknownAndNothingIsLeft(@TempDir Path root) {
        HostLocalIpam ipam = HostLocalIpam.in(root.resolve("ipam"));
        try (Hugepages hugepages = Hugepages.mount(root.resolve("huge"));
                NetworkNamespace netns = NetworkNamespace.create()) {
            CniInvocation.Outcome added = plugin("b1091e" + "1".repeat(58), netns)
                    .run("ADD", config(root, hugepages, ipam));

            assertThat(added.exitCode()).isNotZero();
            assertThat(added.json().path("code").asInt()).isEqualTo(7);
            assertThat(added.json().path("msg").asText()).startsWith("unknown engine 'vhost-tap'");
            assertThat(hugepages.processes()).isEmpty();
            assertThat(ipam.leases()).isEmpty();
        }
    }

    private static CniInvocation plugin(String containerId, NetworkNamespace netns) {
        String built = System.getProperty("userspace.plugin", "");
        if (!Files.isExecutable(Path.of(built))) {
            throw new IllegalStateException("no built userspace plugin at userspace.plugin='" + built + "': build"
                    + " userspace-cni first and pass -Duserspace.plugin=<its host-plugin/target/dist/cni/bin/userspace>");
        }
        return new CniInvocation(Path.of(built))
                .env("CNI_CONTAINERID", containerId)
                .env("CNI_NETNS", netns.path().toString())
                .env("CNI_IFNAME", "net1")
                .env("CNI_PATH", HostLocalIpam.CNI_BIN.toString());
    }

    private static Path jar() {
        Path jar = Path.of(System.getProperty("vhosttap.jar", ""));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the engine's jar is not built at vhosttap.jar='" + jar + "': run mvn verify");
        }
        return jar;
    }

    private static String config(Path root, Hugepages hugepages, HostLocalIpam ipam) {
        return "{\"cniVersion\":\"1.1.0\",\"name\":\"" + NETWORK + "\",\"type\":\"userspace\","
                + "\"sharedDir\":\"" + root.resolve("shared") + "\",\"dataDir\":\"" + root.resolve("data") + "\","
                + "\"host\":" + Engine.hostSection(hugepages.dir(), root.resolve("state"),
                        ",\"vhost\":{\"mode\":\"server\"}")
                + ",\"ipam\":" + ipam.section() + "}";
    }
}
