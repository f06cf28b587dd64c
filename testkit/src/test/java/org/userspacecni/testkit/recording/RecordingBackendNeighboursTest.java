package org.userspacecni.testkit.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.core.CniLog;
import org.userspacecni.core.ProgramContext;
import org.userspacecni.core.cni.NetConfDecoder;
import org.userspacecni.spi.Attachment;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.HostPort;
import org.userspacecni.spi.HostSide;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.Network;
import org.userspacecni.spi.PortName;
import org.userspacecni.testkit.Neighbour;
import org.userspacecni.testkit.PlacedSockets;

/** The recording engine names sockets as every engine does, and removes only ports of the network asked. */
class RecordingBackendNeighboursTest {

    private static final String ID = "0123456789ab" + "0".repeat(52);
    private static final String SIBLING = "0123456789ab" + "1".repeat(52);

    @TempDir
    Path dir;

    private HostSide host() {
        return new RecordingBackend(new ProgramContext(Map.of(RecordingBackend.DIR_VARIABLE,
                dir.resolve("switch").toString()), new CniLog("test", System.err)));
    }

    private NetConf net(String name, String vhost) {
        String json = "{\"cniVersion\":\"1.1.0\",\"name\":\"" + name + "\",\"type\":\"userspace\",\"sharedDir\":\""
                + dir.resolve("shared") + "\",\"host\":{\"engine\":\"recording\",\"iftype\":\"vhostuser\""
                + vhost + "}}";
        return NetConfDecoder.netConf(NetConfDecoder.parseObject(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static Attachment attachment(NetConf net, String containerId) {
        return new Attachment(new AttachmentId(containerId, "net1"), Optional.empty(), Network.of(net), "02:00:00:00:00:01",
                PlacedSockets.in(net.sharedDirPath()));
    }

    @Test
    void containerIdsSharingTheirStartGetTheOriginalAndTheDistinctName() {
        NetConf net = net("n", "");
        HostPort first = host().add(attachment(net, ID));
        HostPort second = host().add(attachment(net, SIBLING));

        assertThat(first.socketPath()).isEqualTo(dir.resolve("shared/0123456789ab-net1").toString());
        assertThat(second.socketPath()).isEqualTo(dir.resolve("shared")
                .resolve(PortName.distinct("n", new AttachmentId(SIBLING, "net1"))).toString());
        assertThat(host().add(attachment(net, SIBLING)).socketPath()).isEqualTo(second.socketPath());
    }

    @Test
    void aFileAtTheOriginalNameIsLeftAndTheDistinctNameTaken() {
        NetConf net = net("n", "");
        try (Neighbour container = Neighbour.listenAt(dir.resolve("shared/0123456789ab-net1"))) {
            HostPort port = host().add(attachment(net, ID));

            assertThat(port.socketPath()).isNotEqualTo(container.socket().toString());
            host().delete(attachment(net, ID));
            container.assertUnchanged();
        }
    }

    @Test
    void aFixedSocketfileOfAnotherAttachmentIsSeven() {
        NetConf net = net("n", ",\"vhost\":{\"socketfile\":\"vhost0\"}");
        host().add(attachment(net, ID));

        CniException refused = catchThrowableOfType(CniException.class, () -> host().add(attachment(net, SIBLING)));

        assertThat(refused).isNotNull();
        assertThat(refused.code()).isEqualTo(7);
    }

    @Test
    void delAndGcOfAnotherNetworkLeaveThePort() {
        host().add(attachment(net("n", ""), ID));

        host().delete(attachment(net("other", ""), ID));
        host().gc(Network.of(net("other", "")), PlacedSockets.in(net("other", "").sharedDirPath()), Set.of());

        assertThat(RecordingBackend.portFile(dir.resolve("switch"), new AttachmentId(ID, "net1"))).exists();
        host().delete(attachment(net("n", ""), ID));
        assertThat(RecordingBackend.portFile(dir.resolve("switch"), new AttachmentId(ID, "net1"))).doesNotExist();
    }
}
