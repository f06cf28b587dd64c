package org.userspacecni.backend.vpp;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.userspacecni.core.CniLog;
import org.userspacecni.core.ProgramContext;
import org.userspacecni.core.cni.NetConfDecoder;
import org.userspacecni.spi.Attachment;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.Network;
import org.userspacecni.testkit.PlacedSockets;
import org.userspacecni.testkit.tck.ContainerDatapath;
import org.userspacecni.testkit.tck.ContainerSideContract;

/**
 * The backend TCK's container-side contract: a memif slave in the container's VPP joined to a master that the
 * engine's host side made in the host's VPP (both real VPPs).
 */
class VppContainerSideContractIT extends ContainerSideContract {

    @Override
    protected ContainerDatapath start(Path root) {
        TckVpp host = new TckVpp(root.resolve("host-vpp"));
        TckVpp container = new TckVpp(root.resolve("container-vpp"));
        VppHostSide hostSide = new VppHostSide(new ProgramContext(Map.of(), new CniLog("tck-host", System.err)));
        return new ContainerDatapath() {
            @Override
            public String containerSection() {
                return "{\"engine\":\"vpp\",\"iftype\":\"memif\",\"netType\":\"interface\",\"memif\":{\"role\":"
                        + "\"slave\"},\"options\":{\"apiSocket\":\"" + container.apiSocket() + "\"}}";
            }

            @Override
            public Map<String, String> environment() {
                return Map.of(VppSettings.API_SOCKET.variable().orElseThrow(), container.apiSocket().toString());
            }

            @Override
            public void openHostEnd(String network, AttachmentId id, Path socket) {
                hostSide.add(hostEnd(network, id, socket));
            }

            @Override
            public void closeHostEnd(String network, AttachmentId id) {
                hostSide.delete(hostEnd(network, id, root));
            }

            private Attachment hostEnd(String network, AttachmentId id, Path socket) {
                String json = "{\"cniVersion\":\"1.1.0\",\"name\":\"" + network + "\",\"type\":\"userspace\","
                        + "\"sharedDir\":\"" + socket.getParent() + "\",\"host\":{\"engine\":\"vpp\",\"iftype\":"
                        + "\"memif\",\"netType\":\"interface\",\"memif\":{\"socketfile\":\"" + socket.getFileName()
                        + "\"},\"options\":{\"apiSocket\":\"" + host.apiSocket() + "\"}}}";
                NetConf net = NetConfDecoder.netConf(NetConfDecoder.parseObject(json.getBytes(StandardCharsets.UTF_8)));
                return new Attachment(id, Optional.empty(), Network.of(net), "02:00:00:00:00:01",
                        PlacedSockets.in(net.sharedDirPath()));
            }

            @Override
            public int applied(String network) {
                return container.tagged(network);
            }

            @Override
            public boolean holds(String network, AttachmentId id) {
                return container.tagged(network, id);
            }

            @Override
            public void stop() {
                container.stop();
            }

            @Override
            public void restart() {
                container.start();
            }

            @Override
            public void close() {
                container.stop();
                host.stop();
            }
        };
    }
}
