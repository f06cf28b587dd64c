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
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.backend.vpp.sim.VppSimulator;

/** The client against the simulator of VPP's API server, and against a peer that never answers. */
class VppApiClientTest {

    static final Codec CODEC = new Codec(ApiDefinitions.standard());

    @TempDir
    Path root;

    @Test
    void callsAndDumpsByTheIdsOfTheHandshakeTable() throws IOException {
        try (VppSimulator vpp = VppSimulator.start(root.resolve("api.sock"));
                VppApiClient client = VppApiClient.connect(vpp.apiSocket(), CODEC, Duration.ofSeconds(5))) {
            client.require(List.of("show_version", "bridge_domain_dump", "bridge_domain_add_del_v2"));
            assertThat(client.call("show_version", Map.of()).get("version")).isEqualTo(VppSimulator.VERSION);
            client.call("bridge_domain_add_del_v2", Map.of("bd_id", 12, "bd_tag", "one", "is_add", true));
            client.call("bridge_domain_add_del_v2", Map.of("bd_id", 13, "bd_tag", "two", "is_add", true));
            List<Map<String, Object>> domains = client.dump("bridge_domain_dump", Map.of("bd_id", 0xFFFFFFFFL,
                    "sw_if_index", 0xFFFFFFFFL));
            assertThat(domains).extracting(row -> row.get("bd_tag")).containsExactlyInAnyOrder("one", "two");
        }
    }

    @Test
    void aNegativeRetvalIsAnExceptionCarryingIt() throws IOException {
        try (VppSimulator vpp = VppSimulator.start(root.resolve("api.sock"));
                VppApiClient client = VppApiClient.connect(vpp.apiSocket(), CODEC, Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> client.call("bridge_domain_add_del_v2", Map.of("bd_id", 12, "is_add", false)))
                    .isInstanceOfSatisfying(VppApiException.class, e -> {
                        assertThat(e.retval()).isEqualTo(VppApiException.NO_SUCH_ENTRY);
                        assertThat(e.unreachable()).isFalse();
                    });
        }
    }

    @Test
    void aVppLackingMessagesIsRefusedWithAllOfThemNamed() throws IOException {
        try (VppSimulator vpp = VppSimulator.start(root.resolve("api.sock"),
                Set.of("memif_create_v2", "memif_create_v2_reply", "memif_dump", "memif_details"));
                VppApiClient client = VppApiClient.connect(vpp.apiSocket(), CODEC, Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> client.require(List.of("show_version", "memif_create_v2", "memif_dump")))
                    .hasMessageContaining("[memif_create_v2_8c7de5f7, memif_create_v2_reply_5383d31f, "
                            + "memif_details_da34feb9, memif_dump_51077d14]");
        }
    }

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
