package com.example.vhosttap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.spi.Attachment;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.DatapathBackend;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.Network;
import org.userspacecni.testkit.PlacedSockets;

/**
 * A forwarder that ends while it starts (here its program exits at once, as testpmd does when the hugepages
 * are used up) makes ADD fail with 11 and the log's last words, having removed all it made.
 */
class FailedStartLeavesNothingIT {

    @Test
    void addIsTryAgainLaterAndNothingIsLeft(@TempDir Path root) {
        Path state = root.resolve("state");
        try (Hugepages hugepages = Hugepages.mount(root.resolve("huge"));
                DatapathBackend backend = Engine.backend(Map.of("USERSPACE_CNI_VHOST_TAP_TESTPMD", "/bin/false"))) {
            NetConf net = Engine.network("vt-failing", root.resolve("shared"),
                    Engine.hostSection(hugepages.dir(), state, ""));
            Attachment attachment = new Attachment(new AttachmentId("fa11ed" + "0".repeat(58), "net1"),
                    Optional.empty(), Network.of(net), "02:00:00:00:fa:01", PlacedSockets.in(net.sharedDirPath()));

            CniException add = catchThrowableOfType(CniException.class, () -> backend.host().add(attachment));

            assertThat(add).isNotNull();
            assertThat(add.code()).as(add.getMessage()).isEqualTo(ErrorCode.TRY_AGAIN_LATER.code());
            assertThat(add.getMessage()).contains("ended");
            assertThat(state.resolve("vt-failing")).doesNotExist();
            assertThat(root.resolve("shared").resolve("fa11ed000000-net1")).doesNotExist();
            assertThat(Path.of("/sys/class/net", ForwarderName.of("vt-failing", attachment.id()).value()))
                    .doesNotExist();
        }
    }
}
