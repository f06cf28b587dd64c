package org.userspacecni.testkit.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.userspacecni.core.CniLog;
import org.userspacecni.core.ProgramContext;
import org.userspacecni.core.cni.NetConfDecoder;
import org.userspacecni.spi.DatapathBackend;
import org.userspacecni.spi.DatapathBackendProvider;
import org.userspacecni.spi.NetConf;

/** How the contracts reach a backend: as the programs do, through ServiceLoader and the engine's name. */
final class BackendUnderTest {

    private BackendUnderTest() {
    }

    /** The one provider on the class path whose engine is {@code engine}. */
    static DatapathBackendProvider provider(String engine) {
        List<DatapathBackendProvider> found = ServiceLoader.load(DatapathBackendProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(provider -> provider.engine().equals(engine)).toList();
        assertEquals(1, found.size(), "providers of engine '" + engine + "' found through ServiceLoader: " + found);
        return found.get(0);
    }

    /** A new backend of {@code engine}, as one program run creates it. */
    static DatapathBackend create(String engine, Map<String, String> environment) {
        return provider(engine).create(new ProgramContext(environment, new CniLog("tck", System.err)));
    }

    /** A network configuration, decoded as the plugin decodes stdin. */
    static NetConf netConf(String json) {
        return NetConfDecoder.netConf(NetConfDecoder.parseObject(json.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The container id of the {@code n}th attachment a contract makes: its first 12 characters, which engines put
     * in port and socket names, come from {@code distinct} (the network and interface), so they differ between
     * attachments that may exist at once.
     */
    static String containerId(String distinct, int n) {
        return String.format("%012x%052x", Integer.toUnsignedLong(distinct.hashCode()), n);
    }

    /** A locally administered MAC address of the {@code n}th attachment. */
    static String mac(int n) {
        return String.format("02:00:00:%02x:%02x:%02x", (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
    }

    /**
     * {@code hostSection} with the fixed socket file {@code socketfile}: {@code memif.socketfile} for a memif host
     * end, {@code vhost.socketfile} otherwise.
     */
    static String withSocketfile(String hostSection, String socketfile) {
        ObjectNode host = NetConfDecoder.parseObject(hostSection.getBytes(StandardCharsets.UTF_8));
        String key = host.path("iftype").asText().equals("memif") ? "memif" : "vhost";
        JsonNode settings = host.get(key);
        (settings instanceof ObjectNode object ? object : host.putObject(key)).put("socketfile", socketfile);
        return host.toString();
    }

    /** The {@code engine} field of a host or container section. */
    static String engineOf(String section) {
        return netConf("{\"cniVersion\":\"1.1.0\",\"name\":\"tck\",\"type\":\"userspace\",\"host\":" + section + "}")
                .host().engine();
    }
}
