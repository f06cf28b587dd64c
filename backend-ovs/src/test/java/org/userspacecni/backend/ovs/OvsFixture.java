package org.userspacecni.backend.ovs;

import java.lang.System.Logger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.userspacecni.core.CniLog;
import org.userspacecni.core.ProgramContext;
import org.userspacecni.core.cni.NetConfDecoder;
import org.userspacecni.spi.Attachment;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.Network;
import org.userspacecni.spi.Sockets;
import org.userspacecni.testkit.OvsSandbox;
import org.userspacecni.testkit.PlacedSockets;

/**
 * A private ovsdb-server (no ovs-vswitchd: the control plane only, so the engine is told not to wait for
 * it) and attachments configured against it.
 */
final class OvsFixture implements AutoCloseable {

    final Path root;
    final OvsSandbox ovs;
    final BackendContext context;
    final VhostUserPorts host;

    OvsFixture(Path root) {
        this.root = root;
        this.ovs = OvsSandbox.start(root.resolve("ovs"));
        Logger log = new CniLog("test", System.err);
        this.context = new ProgramContext(Map.of(), log);
        this.host = new VhostUserPorts(context);
    }

    Path sharedDir() {
        return root.resolve("shared");
    }

    /** A configuration of network {@code name}; {@code host} is put inside the host section. */
    NetConf netConf(String name, String host) {
        return netConf(name, host, "");
    }

    /** The same, with {@code topLevel} fields added to the configuration. */
    NetConf netConf(String name, String host, String topLevel) {
        return netConf(name, host, topLevel, sharedDir());
    }

    /** The same, with its own shared directory. */
    NetConf netConf(String name, String host, String topLevel, Path sharedDir) {
        String json = "{\"cniVersion\":\"1.1.0\",\"name\":\"" + name + "\",\"type\":\"userspace\","
                + (topLevel.isEmpty() ? "" : topLevel + ",") + "\"sharedDir\":\""
                + sharedDir + "\",\"host\":{\"engine\":\"ovs-dpdk\",\"iftype\":\"vhostuser\",\"options\":{"
                + "\"ovsdbSocket\":\"" + ovs.dbSocket() + "\",\"waitForVswitchd\":\"false\"}"
                + (host.isEmpty() ? "" : "," + host) + "}}";
        return NetConfDecoder.netConf(NetConfDecoder.parseObject(json.getBytes(StandardCharsets.UTF_8)));
    }

    /** Where the plugin places the sockets of {@code netConf}'s attachments outside a pod. */
    Sockets sockets(NetConf netConf) {
        return PlacedSockets.in(netConf.sharedDirPath());
    }

    Attachment attachment(String containerId, String ifName, NetConf netConf) {
        return new Attachment(new AttachmentId(containerId, ifName), java.util.Optional.of("/proc/self/ns/net"),
                Network.of(netConf), "02:00:00:00:00:01", sockets(netConf));
    }

    /** ovs-vsctl's view of one column of a record, e.g. {@code get("Port", "abc-net1", "tag")}. */
    String get(String table, String record, String column) {
        return ovs.vsctl("get", table, record, column).strip();
    }

    String list(String command, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = command;
        System.arraycopy(args, 0, all, 1, args.length);
        return ovs.vsctl(all).strip();
    }

    @Override
    public void close() {
        ovs.close();
    }
}
