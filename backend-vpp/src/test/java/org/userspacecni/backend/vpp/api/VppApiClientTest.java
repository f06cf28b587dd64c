package org.userspacecni.backend.vpp.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.backend.vpp.sim.VppSimulator;

/**
 * What a real VPP cannot show of the client ({@link VppApiClientIT} runs it against one): the very messages it sends
 * on closing (the simulator records them), and a socket with nobody there or a peer that never answers.
 */
class VppApiClientTest {

    static final Codec CODEC = new Codec(ApiDefinitions.standard());

    @TempDir
    Path root;

    @Test
    void closeUnregisters() throws Exception {
        try (VppSimulator vpp = VppSimulator.start(root.resolve("api.sock"))) {
            VppApiClient.connect(vpp.apiSocket(), CODEC, Duration.ofSeconds(5)).close();
            // The simulator reads each connection on a thread of its own: wait until it has read the last words.
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!vpp.receivedMessages().contains("sockclnt_delete") && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(vpp.receivedMessages()).containsExactly("sockclnt_create", "sockclnt_delete");
        }
    }

    @Test
    void noSocketOrNoAnswerIsUnreachableWithinTheTimeout() throws IOException {
        assertThatThrownBy(() -> VppApiClient.connect(root.resolve("none.sock"), CODEC, Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(VppApiException.class, e -> assertThat(e.unreachable()).isTrue())
                .hasMessageContaining("cannot reach VPP's API at " + root.resolve("none.sock"));
        // A peer that accepts the connection and never says a word: the handshake times out.
        Path silent = root.resolve("silent.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(silent));
            assertThatThrownBy(() -> VppApiClient.connect(silent, CODEC, Duration.ofMillis(300)))
                    .isInstanceOfSatisfying(VppApiException.class, e -> assertThat(e.unreachable()).isTrue())
                    .hasMessageContaining("timed out after 300 ms");
            try (SocketChannel accepted = server.accept()) {
                assertThat(accepted.isConnected()).isTrue();
            }
        }
    }
}
