package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.userspacecni.core.Json;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.HostLocalIpam;
import org.userspacecni.testkit.HostState;
import org.userspacecni.testkit.NetworkNamespace;
import org.userspacecni.testkit.OvsSandbox;

/**
 * A node with a real OVS-DPDK (a private ovsdb-server and a DPDK-enabled ovs-vswitchd on hugepages), a real
 * network namespace and the real host-local, for the tests of what one attachment's commands do to the others.
 * The switch is started once per test class; each test works in directories of its own ({@link #begin}) and
 * {@link #end} closes the sockets it bound and removes every bridge, so the next test finds the switch empty.
 * Its configurations are the README's: engine {@code ovs-dpdk}, vhost-user in client mode on a bridge.
 */
final class DpdkNode implements AutoCloseable {

    static final String BRIDGE = "br-nb";
    static final String NETWORK = "nb-net";
    static final String OTHER_NETWORK = "nb-other";

    final OvsSandbox ovs;
    final NetworkNamespace netns;
    private Path dir;
    private HostLocalIpam ipam;
    private final List<AutoCloseable> opened = new ArrayList<>();

    private DpdkNode(OvsSandbox ovs, NetworkNamespace netns) {
        this.ovs = ovs;
        this.netns = netns;
    }

    /** Starts ovsdb-server and the DPDK ovs-vswitchd under {@code root}, and makes a network namespace. */
    static DpdkNode start(Path root, String filePrefix) {
        OvsSandbox ovs = OvsSandbox.start(root.resolve("ovs"));
        NetworkNamespace netns = null;
        try {
            ovs.startVswitchd(filePrefix);
            netns = NetworkNamespace.create();
        } finally {
            if (netns == null) {
                ovs.close();
            }
        }
        return new DpdkNode(ovs, netns);
    }

    /** A test begins: its plugin directories and leases under {@code testDir}. */
    void begin(Path testDir) {
        this.dir = testDir;
        this.ipam = HostLocalIpam.in(testDir.resolve("ipam"));
    }

    /** The test ends: the sockets it bound are closed, and the switch has no bridge any more. */
    void end() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
        opened.clear();
        for (String bridge : ovs.vsctl("list-br").strip().lines().filter(line -> !line.isEmpty()).toList()) {
            ovs.vsctl("--if-exists", "del-br", bridge);
        }
    }

    /** Something the test opened, closed at {@link #end}. */
    <T extends AutoCloseable> T closeAtEnd(T closeable) {
        opened.add(closeable);
        return closeable;
    }

    Path sharedDir() {
        return dir.resolve("shared");
    }

    Path dataDir() {
        return dir.resolve("data");
    }

    Path deviceInfoDir() {
        return dir.resolve("devinfo");
    }

    HostLocalIpam ipam() {
        return ipam;
    }

    /** Leases from now on come from {@code subnet} (a small one makes addresses scarce). */
    void ipamRange(String subnet, String gateway) {
        ipam = new HostLocalIpam(ipam.dataDir(), subnet, gateway);
    }

    /**
     * A CNI 1.1.0 configuration of {@code network} for {@code containerId}, as the README writes one: vhost-user
     * client mode on {@link #BRIDGE}, host-local, and the device-info file the runtime asks for. A tree, for the
     * test to change.
     */
    ObjectNode config(String network, String containerId) {
        ObjectNode config = tree("{\"cniVersion\":\"1.1.0\",\"type\":\"userspace\",\"name\":\""
                + network + "\",\"sharedDir\":\"" + sharedDir() + "\",\"dataDir\":\"" + dataDir() + "\","
                + "\"host\":{\"engine\":\"ovs-dpdk\",\"iftype\":\"vhostuser\",\"netType\":\"bridge\","
                + "\"vhost\":{\"mode\":\"client\"},\"bridge\":{\"bridgeName\":\"" + BRIDGE + "\"},"
                + "\"options\":{\"ovsdbSocket\":\"" + ovs.dbSocket() + "\"}},"
                + "\"container\":{\"engine\":\"ovs-dpdk\",\"iftype\":\"vhostuser\",\"netType\":\"interface\","
                + "\"vhost\":{\"mode\":\"server\"}},"
                + "\"ipam\":" + ipam.section() + ","
                + "\"runtimeConfig\":{\"CNIDeviceInfoFile\":\"" + deviceInfoFile(network, containerId) + "\"}}");
        return config;
    }

    ObjectNode config(String containerId) {
        return config(NETWORK, containerId);
    }

    /** The GC configuration of {@code network} keeping exactly {@code valid} (container ids, interface net1). */
    ObjectNode gcConfig(String network, String... valid) {
        ObjectNode config = config(network, "gc");
        config.remove("runtimeConfig");
        ArrayNode attachments = config.putArray("cni.dev/valid-attachments");
        Arrays.stream(valid).forEach(id -> attachments.addObject().put("containerID", id).put("ifname", "net1"));
        return config;
    }

    private static ObjectNode tree(String json) {
        try {
            return (ObjectNode) Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code config} with the fixed socket file {@code name}. */
    static ObjectNode withSocketfile(String name, ObjectNode config) {
        ((ObjectNode) config.path("host").path("vhost")).put("socketfile", name);
        return config;
    }

    /** {@code config} with {@code prevResult}, for CHECK. */
    static ObjectNode withPrevResult(ObjectNode config, CniInvocation.Outcome added) {
        ObjectNode check = config.deepCopy();
        check.set("prevResult", added.json());
        return check;
    }

    /** Where the runtime asks for the device-info file: short, whatever the lengths of network and id. */
    Path deviceInfoFile(String network, String containerId) {
        return deviceInfoDir().resolve(HexFormat.of().toHexDigits((network + "/" + containerId).hashCode()) + ".json");
    }

    /** The built plugin for attachment {@code containerId}/net1 in the test's network namespace. */
    CniInvocation plugin(String containerId) {
        return PluginFixture.invocation(containerId, netns);
    }

    /** What attachments can leave on this node now. */
    HostState state() {
        return HostState.of(ovs, ipam, sharedDir(), dataDir(), deviceInfoDir());
    }

    /** Runs ADD and expects it to succeed. */
    CniInvocation.Outcome add(String containerId, ObjectNode config) {
        CniInvocation.Outcome added = plugin(containerId).run("ADD", config.toString());
        assertThat(added.exitCode()).as("ADD " + containerId + ": " + added.stdout() + added.stderr()).isZero();
        return added;
    }

    /** Runs {@code command} and expects exit 0. */
    void succeeds(String command, String containerId, ObjectNode config) {
        CniInvocation.Outcome outcome = plugin(containerId).run(command, config.toString());
        assertThat(outcome.exitCode()).as(command + " " + containerId + ": " + outcome.stdout() + outcome.stderr())
                .isZero();
    }

    /** Runs {@code command} and expects the CNI error {@code code}; the error document. */
    CniInvocation.Outcome fails(String command, String containerId, ObjectNode config, int code) {
        CniInvocation.Outcome outcome = plugin(containerId).run(command, config.toString());
        assertThat(outcome.exitCode()).as(command + " " + containerId + ": " + outcome.stdout() + outcome.stderr())
                .isEqualTo(1);
        assertThat(outcome.json().path("code").asInt()).as(command + " " + containerId + ": " + outcome.stdout()
                + outcome.stderr()).isEqualTo(code);
        return outcome;
    }

    /** A regular file under the test's directory, for configurations that name one where a directory belongs. */
    Path regularFile(String name) {
        try {
            Files.createDirectories(dir);
            return Files.writeString(dir.resolve(name), "not a directory\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try (OvsSandbox started = ovs; NetworkNamespace created = netns) {
            // Closes both, even when one of them fails.
        }
    }
}
