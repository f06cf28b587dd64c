package org.userspacecni.backend.vpp.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.testkit.VppSandbox;

/**
 * The API client against a real VPP: the handshake's message table, calls and dumps, a request VPP refuses with
 * the {@code retval} VPP really gives, and a VPP without a plugin refused with every missing message named.
 */
class VppApiClientIT {

    static final Codec CODEC = new Codec(ApiDefinitions.standard());
    static final long ALL = 0xFFFFFFFFL;

    @TempDir
    Path root;

    static VppApiClient connect(VppSandbox vpp) {
        return VppApiClient.connect(vpp.apiSocket(), CODEC, Duration.ofSeconds(10));
    }

    @Test
    void everyMessageOfOurDefinitionsIsInTheTableOfThisVppAndCallsAndDumpsWork() {
        try (VppSandbox vpp = VppSandbox.start(root.resolve("vpp")); VppApiClient client = connect(vpp)) {
            client.require(List.of("show_version", "cli_inband", "sw_interface_dump", "sw_interface_set_flags",
                    "sw_interface_tag_add_del", "sw_interface_add_del_address", "memif_socket_filename_add_del_v2",
                    "memif_socket_filename_dump", "memif_create_v2", "memif_delete", "memif_dump",
                    "create_vhost_user_if_v2", "delete_vhost_user_if", "sw_interface_vhost_user_dump",
                    "bridge_domain_add_del_v2", "bridge_domain_dump", "sw_interface_set_l2_bridge",
                    "sw_interface_set_l2_xconnect", "l2_xconnect_dump"));
            Map<String, Object> version = client.call("show_version", Map.of());
            assertThat(vpp.vppctl("show", "version")).contains((String) version.get("version"));
            client.call("bridge_domain_add_del_v2", Map.of("bd_id", 12, "flood", true, "bd_tag", "one", "is_add", true));
            client.call("bridge_domain_add_del_v2", Map.of("bd_id", 13, "learn", true, "bd_tag", "two", "is_add", true));
            List<Map<String, Object>> domains = client.dump("bridge_domain_dump", Map.of("bd_id", ALL,
                    "sw_if_index", ALL));
            assertThat(domains).filteredOn(row -> ((Number) row.get("bd_id")).longValue() != 0)
                    .extracting(row -> row.get("bd_id") + ":" + row.get("bd_tag") + ":" + row.get("flood") + ":"
                            + row.get("learn")).containsExactlyInAnyOrder("12:one:true:false", "13:two:false:true");
            assertThat(vpp.vppctl("show", "bridge-domain")).contains("12").contains("13");
            assertThat(client.dump("memif_dump", Map.of())).isEmpty();
        }
    }

    /** The codes the engine relies on, as VPP 26.10 gives them (the simulator answers the same). */
    @Test
    void aRequestVppRefusesIsAnExceptionCarryingTheRetvalVppGave() {
        try (VppSandbox vpp = VppSandbox.start(root.resolve("vpp")); VppApiClient client = connect(vpp)) {
            assertRefused(() -> client.call("bridge_domain_add_del_v2", Map.of("bd_id", 12, "is_add", false)),
                    VppApiException.NO_SUCH_ENTRY);
            client.call("bridge_domain_add_del_v2", Map.of("bd_id", 14, "is_add", true));
            assertRefused(() -> client.call("bridge_domain_add_del_v2", Map.of("bd_id", 14, "is_add", true)),
                    VppApiException.BD_ALREADY_EXISTS);
            vpp.vppctl("create", "interface", "memif", "id", "0", "master");
            vpp.vppctl("set", "interface", "l2", "bridge", "memif0/0", "14");
            assertRefused(() -> client.call("bridge_domain_add_del_v2", Map.of("bd_id", 14, "is_add", false)),
                    VppApiException.BD_IN_USE);
            assertRefused(() -> client.call("bridge_domain_add_del_v2", Map.of("bd_id", 0x1000000, "is_add", true)),
                    -122);
            assertRefused(() -> client.call("memif_delete", Map.of("sw_if_index", 77)),
                    VppApiException.INVALID_SW_IF_INDEX);
            assertRefused(() -> client.call("sw_interface_tag_add_del", Map.of("is_add", true, "sw_if_index", 77,
                    "tag", "x")), VppApiException.INVALID_SW_IF_INDEX);
            assertRefused(() -> client.call("memif_socket_filename_add_del_v2", Map.of("is_add", false,
                    "socket_id", 42, "socket_filename", "")), -73);
            assertThat(vpp.vppctl("show", "bridge-domain", "14", "detail")).contains("memif0/0");
        }
    }

    static void assertRefused(Runnable call, int retval) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(VppApiException.class, e -> {
            assertThat(e.retval()).isEqualTo(retval);
            assertThat(e.unreachable()).isFalse();
            assertThat(e.getMessage()).contains("with retval " + retval);
        });
    }

    @Test
    void closeUnregistersFromVpp() {
        try (VppSandbox vpp = VppSandbox.start(root.resolve("vpp"))) {
            VppApiClient client = connect(vpp);
            assertThat(vpp.vppctl("show", "api", "clients")).contains(VppApiClient.CLIENT_NAME);
            client.close();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (vpp.vppctl("show", "api", "clients").contains(VppApiClient.CLIENT_NAME)) {
                assertThat(System.nanoTime()).as("VPP to forget the client").isLessThan(deadline);
            }
        }
    }

    @Test
    void aVppWithoutAPluginIsRefusedWithEveryMissingMessageNamed() {
        try (VppSandbox vpp = VppSandbox.start(root.resolve("vpp"), Set.of("memif_plugin.so"));
                VppApiClient client = connect(vpp)) {
            client.require(List.of("show_version", "memif_create_v2", "memif_dump"));
            assertThatThrownBy(() -> client.require(List.of("show_version", "create_vhost_user_if_v2",
                    "sw_interface_vhost_user_dump"))).isInstanceOfSatisfying(VppApiException.class, e -> {
                        assertThat(e.retval()).isZero();
                        assertThat(e.unreachable()).isFalse();
                    }).hasMessageContaining("lacks the API messages [create_vhost_user_if_v2_")
                    .hasMessageContaining("create_vhost_user_if_v2_reply_")
                    .hasMessageContaining("sw_interface_vhost_user_details_")
                    .hasMessageContaining("sw_interface_vhost_user_dump_")
                    .hasMessageNotContaining("show_version");
            assertThat(client.supports(List.of("memif_create_v2"))).isTrue();
            assertThat(client.supports(List.of("create_vhost_user_if_v2"))).isFalse();
        }
    }
}
