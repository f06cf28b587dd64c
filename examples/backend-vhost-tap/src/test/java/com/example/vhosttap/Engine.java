package com.example.vhosttap;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.userspacecni.core.CniLog;
import org.userspacecni.core.ProgramContext;
import org.userspacecni.core.cni.NetConfDecoder;
import org.userspacecni.spi.Attachment;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.DatapathBackend;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.Network;
import org.userspacecni.testkit.PlacedSockets;

/** The engine as the tests drive it directly: a backend as one program run creates it, and its configurations. */
final class Engine {

    private Engine() {
    }

    static DatapathBackend backend(Map<String, String> environment) {
        return new VhostTapBackendProvider().create(new ProgramContext(environment, new CniLog("vhost-tap-test",
                System.err)));
    }

    /**
     * The host section of a network whose forwarders run on {@code hugepages} and keep their state in
     * {@code state}; {@code more} adds fields ({@code ,"vhost":{...}}).
     */
    static String hostSection(Path hugepages, Path state, String more) {
        return "{\"engine\":\"" + VhostTapBackendProvider.ENGINE + "\",\"iftype\":\"vhostuser\",\"options\":{"
                + "\"hugepageDir\":\"" + hugepages + "\",\"stateDir\":\"" + state + "\"}" + more + "}";
    }

    /** The host section of a network of the engine's own {@code tap} type; {@code more} adds fields. */
    static String tapSection(String more) {
        return "{\"engine\":\"" + VhostTapBackendProvider.ENGINE + "\",\"iftype\":\"tap\"" + more + "}";
    }

    /** A network configuration, decoded as the plugin decodes it. */
    static NetConf network(String name, Path sharedDir, String hostSection) {
        String json = "{\"cniVersion\":\"1.1.0\",\"name\":\"" + name + "\",\"type\":\"userspace\",\"sharedDir\":\""
                + sharedDir + "\",\"host\":" + hostSection + "}";
        return NetConfDecoder.netConf(NetConfDecoder.parseObject(json.getBytes(StandardCharsets.UTF_8)));
    }

    /** The host end of attachment {@code id} of {@code network} whose socket is {@code socket}. */
    static Attachment hostEnd(String network, AttachmentId id, Path socket, Path hugepages, Path state) {
        NetConf net = network(network, socket.getParent(), hostSection(hugepages, state,
                ",\"vhost\":{\"mode\":\"server\",\"socketfile\":\"" + socket.getFileName() + "\"}"));
        return new Attachment(id, Optional.empty(), Network.of(net), "02:00:00:00:00:01", PlacedSockets.in(net.sharedDirPath()));
    }
}
