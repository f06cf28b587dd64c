package org.userspacecni.host;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.HostLocalIpam;
import org.userspacecni.testkit.HostState;
import org.userspacecni.testkit.NetworkNamespace;
import org.userspacecni.testkit.OvsSandbox;

/**
 * A node for the reliability tests: a private ovsdb-server (no ovs-vswitchd, so the plugin is told not to
 * wait for one and ports are rows), the real host-local IPAM plugin, a real network namespace, and the
 * plugin's roots (shared, data and device-info directories) in one temporary directory.
 */
final class OvsdbHost implements AutoCloseable {

    static final String BRIDGE = "br-rel";

    final Path root;
    final OvsSandbox ovs;
    final NetworkNamespace netns;
    final HostLocalIpam ipam;

    OvsdbHost(Path root) {
        this.root = root;
        this.ovs = OvsSandbox.start(root.resolve("ovs"));
        NetworkNamespace namespace = null;
        try {
            namespace = NetworkNamespace.create();
        } finally {
            if (namespace == null) {
                ovs.close();
            }
        }
        this.netns = namespace;
        this.ipam = HostLocalIpam.in(root.resolve("ipam"));
    }

    Path sharedDir() {
        return root.resolve("shared");
    }

    Path dataDir() {
        return root.resolve("data");
    }

    Path deviceInfoDir() {
        return root.resolve("devinfo");
    }

    /** A CNI 1.1.0 configuration of network {@code name} on {@link #BRIDGE}; {@code ipamType} replaces host-local. */
    String config(String name, String ipamType, String containerId) {
        return "{\"cniVersion\":\"1.1.0\",\"name\":\"" + name + "\",\"type\":\"userspace\",\"sharedDir\":\""
                + sharedDir() + "\",\"dataDir\":\"" + dataDir() + "\",\"host\":{"
                + "\"engine\":\"ovs-dpdk\",\"iftype\":\"vhostuser\",\"bridge\":{\"bridgeName\":\"" + BRIDGE + "\"},"
                + "\"options\":{\"ovsdbSocket\":\"" + ovs.dbSocket() + "\",\"waitForVswitchd\":\"false\"}},"
                + "\"runtimeConfig\":{\"CNIDeviceInfoFile\":\"" + deviceInfoDir().resolve(containerId + ".json")
                + "\"},\"ipam\":" + ipam.section().replace("\"host-local\"", "\"" + ipamType + "\"") + "}";
    }

    String config(String containerId) {
        return config("rel-net", "host-local", containerId);
    }

    /** The GC configuration of network {@code name} keeping none of its attachments. */
    String gcConfig(String name) {
        return config(name, "host-local", "gc").replaceFirst("\\{", "{\"cni.dev/valid-attachments\":[],");
    }

    CniInvocation plugin(String containerId) {
        return PluginFixture.invocation(containerId, netns);
    }

    /** What attachments can leave on this node now. */
    HostState state() {
        return HostState.of(ovs, ipam, sharedDir(), dataDir(), deviceInfoDir());
    }

    List<String> ports() {
        return ovs.vsctl("list-ports", BRIDGE).strip().lines().collect(Collectors.toList());
    }

    @Override
    public void close() {
        try {
            netns.close();
        } finally {
            ovs.close();
        }
    }

}
