package org.userspacecni.backend.vpp.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.backend.vpp.api.ApiDefinitions;
import org.userspacecni.backend.vpp.api.Codec;
import org.userspacecni.backend.vpp.api.Frames;
import org.userspacecni.backend.vpp.sim.VppSimulator.BridgeMember;
import org.userspacecni.backend.vpp.sim.VppSimulator.L2Mode;

/**
 * The simulator as a client of VPP's API socket sees it, over a real unix socket with the codec and framing
 * the engine uses: the handshake table, silent drops, memif sockets and interfaces, vhost-user server sockets,
 * bridge domains, a VPP without a plugin, fault injection and VPP going away.
 */
@Timeout(10)
class VppSimulatorTest {

    static final ApiDefinitions DEFINITIONS = ApiDefinitions.standard();
    static final Codec CODEC = new Codec(DEFINITIONS);
    static final long ALL = 0xFFFFFFFFL;
    /** memclnt 28 + vlib 18 + vpe 6 + interface 76 + memif 14 + vhost_user 12 + l2 72 messages. */
    static final int ALL_MESSAGES = 226;
    static final Set<String> MEMIF_MESSAGES = Set.of("memif_socket_filename_add_del",
            "memif_socket_filename_add_del_reply", "memif_socket_filename_add_del_v2",
            "memif_socket_filename_add_del_v2_reply", "memif_create", "memif_create_reply", "memif_create_v2",
            "memif_create_v2_reply", "memif_delete", "memif_delete_reply", "memif_socket_filename_details",
            "memif_socket_filename_dump", "memif_details", "memif_dump");

    @TempDir
    Path dir;

    @Test
    void handshakeTableHoldsTheRealMemclntIdsAndEveryNameCrc() throws IOException {
        try (VppSimulator vpp = VppSimulator.start(dir.resolve("api.sock"));
                RawClient first = RawClient.connect(vpp.apiSocket());
                RawClient second = RawClient.connect(vpp.apiSocket())) {
            Map<String, Object> reply = first.handshake();
            second.handshake();

            assertThat(reply.get("response")).isEqualTo(0L);
            assertThat(first.handle & 0x80000000L).isNotZero();
            assertThat(second.handle).isNotEqualTo(first.handle);
            assertThat(first.ids)
                    .containsEntry("sockclnt_create_455fb9c4", 15)
                    .containsEntry("sockclnt_create_reply_35166268", 16)
                    .containsEntry("sockclnt_delete_8ac76db6", 17)
                    .containsEntry("sockclnt_delete_reply_8f38b1ee", 18)
                    .containsEntry("get_first_msg_id_ebf79a66", 10)
                    .containsEntry("control_ping_51077d14", 23)
                    .containsEntry("control_ping_reply_f6b0b8ca", 24)
                    .containsKeys("cli_inband_f8377302", "show_version_51077d14", "show_version_reply_c919bde1",
                            "memif_socket_filename_add_del_v2_34223bdf", "memif_create_v2_8c7de5f7",
                            "memif_dump_51077d14", "memif_details_da34feb9", "create_vhost_user_if_v2_dba1cc1d",
                            "sw_interface_vhost_user_details_0cee1e53", "sw_interface_dump_aa610c27",
                            "sw_interface_details_6c221fc7", "sw_interface_add_del_address_5463d73b",
                            "bridge_domain_add_del_v2_600b7170", "bridge_domain_details_0fa506fd",
                            "sw_interface_set_l2_bridge_d0678b13", "sw_interface_set_l2_xconnect_4fa28a85")
                    .hasSize(ALL_MESSAGES);
            assertThat(first.ids.values()).doesNotHaveDuplicates();
            assertThat(first.ids.values().stream().filter(id -> id <= 28))
                    .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 28).boxed().toList());
            assertThat(first.request("control_ping", Map.of()).get("retval")).isEqualTo(0L);
            assertThat(second.request("show_version", Map.of())).containsEntry("program", "vpe")
                    .containsEntry("version", VppSimulator.VERSION);
        }
    }

    @Test
    void aWrongClientIndexGetsNoReply() throws IOException {
        try (VppSimulator vpp = VppSimulator.start(dir.resolve("api.sock"));
                RawClient client = RawClient.connect(vpp.apiSocket())) {
            client.handshake();

            client.send("control_ping", Map.of(), 7, client.handle + 1);
            client.send("control_ping", Map.of(), 8, client.handle);

            assertThat(client.next()).containsEntry("_name", "control_ping_reply").containsEntry("context", 8L);
            assertThatThrownBy(() -> client.read(Duration.ofMillis(200))).isInstanceOf(SocketTimeoutException.class);
            assertThat(vpp.receivedMessages()).containsExactly("sockclnt_create", "control_ping", "control_ping");
        }
    }

    @Test
    void unknownIdsAndShortPayloadsGetNoReply() throws IOException {
        try (VppSimulator vpp = VppSimulator.start(dir.resolve("api.sock"));
                RawClient client = RawClient.connect(vpp.apiSocket())) {
            client.handshake();
            byte[] create = client.encode("memif_create_v2", Map.of("role", 1L), 5);

            client.write(new byte[] {(byte) 0x7f, (byte) 0xff, 0, 0, 0, 0});
            client.write(Arrays.copyOf(create, create.length - 1));
            client.send("control_ping", Map.of(), 6, client.handle);

            assertThat(client.next()).containsEntry("_name", "control_ping_reply").containsEntry("context", 6L);
            assertThat(vpp.interfaces()).extracting(VppSimulator.Interface::name).containsExactly("local0");
        }
    }

    @Test
    void memifSocketIdsAreAllocatedAndIdZeroIsRefused() throws IOException {
        try (VppSimulator vpp = VppSimulator.start(dir.resolve("api.sock"));
                RawClient client = RawClient.connect(vpp.apiSocket())) {
            client.handshake();

            assertThat(client.request("memif_socket_filename_add_del_v2", socket(true, ALL, "a.sock")))
                    .containsEntry("retval", 0L).containsEntry("socket_id", 1L);
            String absolute = dir.resolve("b.sock").toString();
            assertThat(client.request("memif_socket_filename_add_del_v2", socket(true, ALL, absolute)))
                    .containsEntry("retval", 0L).containsEntry("socket_id", 2L);
            assertThat(client.request("memif_socket_filename_add_del_v2", socket(true, 0, absolute)))
                    .containsEntry("retval", (long) VppSimulator.INVALID_ARGUMENT);
            assertThat(client.request("memif_socket_filename_add_del_v2", socket(false, 0, "")))
                    .containsEntry("retval", (long) VppSimulator.INVALID_ARGUMENT);
            assertThat(client.request("memif_socket_filename_add_del_v2", socket(true, 5, absolute)))
                    .containsEntry("retval", 0L).containsEntry("socket_id", 5L);
            assertThat(client.request("memif_socket_filename_add_del_v2", socket(true, 5, absolute)))
                    .containsEntry("retval", 0L);
            assertThat(client.request("memif_socket_filename_add_del_v2", socket(true, 5, "other.sock")))
                    .containsEntry("retval", (long) VppSimulator.ENTRY_ALREADY_EXISTS);
            assertThat(client.request("memif_socket_filename_add_del_v2", socket(false, 9, "")))
                    .containsEntry("retval", (long) VppSimulator.INVALID_ARGUMENT);
            assertThat(client.request("memif_socket_filename_add_del_v2", socket(false, 2, "")))
                    .containsEntry("retval", 0L);

            assertThat(client.dump("memif_socket_filename_dump", Map.of()))
                    .extracting(details -> details.get("socket_id") + "=" + details.get("socket_filename"))
                    .containsExactly("0=" + dir.resolve("memif.sock"), "1=" + dir.resolve("a.sock"),
                            "5=" + absolute);
        }
    }

    @Test
    void memifCreatedAndDeletedShowsInSwInterfaceDumpWithItsTag() throws IOException {
        try (VppSimulator vpp = VppSimulator.start(dir.resolve("api.sock"));
                RawClient client = RawClient.connect(vpp.apiSocket())) {
            client.handshake();
            Path socketFile = dir.resolve("memif-a.sock");
            client.request("memif_socket_filename_add_del_v2", socket(true, ALL, socketFile.toString()));

            Map<String, Object> created = client.request("memif_create_v2", memif(0, 7, 1));
            long swIfIndex = (Long) created.get("sw_if_index");
            assertThat(created.get("retval")).isEqualTo(0L);
            assertThat(swIfIndex).isEqualTo(1L);
            assertConnectable(socketFile);
            assertThat(client.request("sw_interface_tag_add_del",
                    Map.of("is_add", true, "sw_if_index", swIfIndex, "tag", "pod-a/net1")).get("retval")).isEqualTo(0L);
            assertThat(client.request("sw_interface_set_flags", Map.of("sw_if_index", swIfIndex, "flags", 1L))
                    .get("retval")).isEqualTo(0L);

            List<Map<String, Object>> found = client.dump("sw_interface_dump",
                    Map.of("sw_if_index", ALL, "name_filter_valid", true, "name_filter", "MEMIF"));
            assertThat(found).hasSize(1);
            assertThat(found.get(0)).containsEntry("sw_if_index", swIfIndex).containsEntry("interface_name", "memif1/7")
                    .containsEntry("tag", "pod-a/net1").containsEntry("flags", 1L);
            assertThat(client.dump("memif_dump", Map.of())).singleElement().satisfies(memif -> assertThat(memif)
                    .containsEntry("role", 0L).containsEntry("id", 7L).containsEntry("socket_id", 1L)
                    .containsEntry("ring_size", 1024L).containsEntry("buffer_size", 2048L));
            assertThat(vpp.memifSockets()).contains(new VppSimulator.MemifSocket(1, socketFile.toString(), true));

            assertThat(client.request("memif_socket_filename_add_del_v2", socket(false, 1, "")))
                    .containsEntry("retval", (long) VppSimulator.UNEXPECTED_INTF_STATE);
            assertThat(client.request("memif_create_v2", memif(0, 7, 1)))
                    .containsEntry("retval", (long) VppSimulator.SUBIF_ALREADY_EXISTS);
            assertThat(client.request("memif_create_v2", memif(1, 8, 1)))
                    .containsEntry("retval", (long) VppSimulator.SUBIF_ALREADY_EXISTS);
            Map<String, Object> badRing = new HashMap<>(memif(0, 8, 1));
            badRing.put("ring_size", 1000L);
            assertThat(client.request("memif_create_v2", badRing))
                    .containsEntry("retval", (long) VppSimulator.INVALID_ARGUMENT);
            assertThat(client.request("memif_create_v2", memif(0, 8, 9)))
                    .containsEntry("retval", (long) VppSimulator.INVALID_ARGUMENT);

            assertThat(client.request("memif_delete", Map.of("sw_if_index", swIfIndex)).get("retval")).isEqualTo(0L);
            assertThat(socketFile).doesNotExist();
            assertThat(client.dump("sw_interface_dump", Map.of("sw_if_index", ALL)))
                    .extracting(details -> details.get("interface_name")).containsExactly("local0");
            assertThat(client.request("memif_delete", Map.of("sw_if_index", swIfIndex)))
                    .containsEntry("retval", (long) VppSimulator.INVALID_SW_IF_INDEX);
            assertThat(client.request("memif_delete", Map.of("sw_if_index", 0L)))
                    .containsEntry("retval", (long) VppSimulator.INVALID_SW_IF_INDEX);
        }
    }

    @Test
    void aBridgeDomainWithMembersIsNotDeleted() throws IOException {
        try (VppSimulator vpp = VppSimulator.start(dir.resolve("api.sock"));
                RawClient client = RawClient.connect(vpp.apiSocket())) {
            client.handshake();
            assertThat(client.request("bridge_domain_add_del_v2", bridgeDomain(true, 10, "net-a")))
                    .containsEntry("retval", 0L).containsEntry("bd_id", 10L);
            long swIfIndex = (Long) client.request("memif_create_v2", memif(1, 1, 0)).get("sw_if_index");
            assertThat(client.request("sw_interface_set_l2_bridge", Map.of("rx_sw_if_index", swIfIndex, "bd_id", 10L,
                    "shg", 1L, "enable", true)).get("retval")).isEqualTo(0L);

            assertThat(client.request("bridge_domain_add_del_v2", bridgeDomain(false, 10, "")))
                    .containsEntry("retval", (long) VppSimulator.BD_IN_USE);
            List<Map<String, Object>> details = client.dump("bridge_domain_dump",
                    Map.of("bd_id", ALL, "sw_if_index", ALL));
            assertThat(details).singleElement().satisfies(bd -> assertThat(bd)
                    .containsEntry("bd_id", 10L).containsEntry("bd_tag", "net-a").containsEntry("n_sw_ifs", 1L)
                    .containsEntry("bvi_sw_if_index", ALL));
            assertThat(details.get(0).get("sw_if_details")).asInstanceOf(InstanceOfAssertFactories.LIST)
                    .singleElement().asInstanceOf(InstanceOfAssertFactories.map(String.class, Object.class))
                    .containsEntry("sw_if_index", swIfIndex).containsEntry("shg", 1L);
            assertThat(vpp.bridgeDomains()).singleElement().satisfies(bd -> assertThat(bd.members())
                    .containsExactly(new BridgeMember((int) swIfIndex, 1, 0)));
            assertThat(vpp.findInterface((int) swIfIndex).orElseThrow().l2Mode())
                    .isEqualTo(new L2Mode.Bridge(10, 1, 0));

            assertThat(client.request("sw_interface_set_l2_bridge", Map.of("rx_sw_if_index", swIfIndex, "bd_id", 11L,
                    "enable", true))).containsEntry("retval", (long) VppSimulator.NO_SUCH_ENTRY);
            assertThat(client.request("sw_interface_set_l2_bridge", Map.of("rx_sw_if_index", swIfIndex, "bd_id", 10L,
                    "enable", false)).get("retval")).isEqualTo(0L);
            assertThat(client.request("bridge_domain_add_del_v2", bridgeDomain(false, 10, "")).get("retval"))
                    .isEqualTo(0L);
            assertThat(client.request("bridge_domain_add_del_v2", bridgeDomain(false, 10, "")))
                    .containsEntry("retval", (long) VppSimulator.NO_SUCH_ENTRY);
            assertThat(client.request("bridge_domain_add_del_v2", bridgeDomain(false, 0, "")))
                    .containsEntry("retval", (long) VppSimulator.BD_NOT_MODIFIABLE);
            assertThat(client.request("bridge_domain_add_del_v2", bridgeDomain(true, 0x1000000, "")))
                    .containsEntry("retval", (long) VppSimulator.BD_ID_EXCEED_MAX);
            assertThat(client.request("bridge_domain_add_del_v2", bridgeDomain(true, ALL, "")))
                    .containsEntry("retval", 0L).containsEntry("bd_id", 1L);
        }
    }

    @Test
    void deletingAnInterfaceTakesItOutOfItsBridgeDomain() throws IOException {
        try (VppSimulator vpp = VppSimulator.start(dir.resolve("api.sock"));
                RawClient client = RawClient.connect(vpp.apiSocket())) {
            client.handshake();
            client.request("bridge_domain_add_del_v2", bridgeDomain(true, 3, ""));
            long first = (Long) client.request("memif_create_v2", memif(1, 1, 0)).get("sw_if_index");
            long second = (Long) client.request("memif_create_v2", memif(1, 2, 0)).get("sw_if_index");
            client.request("sw_interface_set_l2_bridge", Map.of("rx_sw_if_index", first, "bd_id", 3L, "enable", true));
            assertThat(client.request("sw_interface_set_l2_xconnect",
                    Map.of("rx_sw_if_index", second, "tx_sw_if_index", first, "enable", true)).get("retval"))
                    .isEqualTo(0L);

            client.request("memif_delete", Map.of("sw_if_index", first));

            assertThat(vpp.bridgeDomains()).singleElement().satisfies(bd -> assertThat(bd.members()).isEmpty());
            assertThat(client.request("bridge_domain_add_del_v2", bridgeDomain(false, 3, "")).get("retval"))
                    .isEqualTo(0L);
            assertThat(vpp.findInterface((int) second).orElseThrow().l2Mode())
                    .isEqualTo(new L2Mode.CrossConnect((int) first));
        }
    }

    @Test
    void addressesAreKeptPerInterface() throws IOException {
        try (VppSimulator vpp = VppSimulator.start(dir.resolve("api.sock"));
                RawClient client = RawClient.connect(vpp.apiSocket())) {
            client.handshake();
            long swIfIndex = (Long) client.request("memif_create_v2", memif(1, 1, 0)).get("sw_if_index");
            Map<String, Object> add = Map.of("sw_if_index", swIfIndex, "is_add", true, "prefix", ipv4("10.1.1.2", 24));

            assertThat(client.request("sw_interface_add_del_address", add).get("retval")).isEqualTo(0L);
            assertThat(client.request("sw_interface_add_del_address", add))
                    .containsEntry("retval", (long) VppSimulator.ADDRESS_IN_USE);
            assertThat(vpp.findInterface((int) swIfIndex).orElseThrow().addresses())
                    .containsExactly(new VppSimulator.IpPrefix(InetAddress.getByName("10.1.1.2"), 24));
            assertThat(client.request("sw_interface_add_del_address",
                    Map.of("sw_if_index", 42L, "is_add", true, "prefix", ipv4("10.1.1.2", 24))))
                    .containsEntry("retval", (long) VppSimulator.INVALID_SW_IF_INDEX);
            assertThat(client.request("sw_interface_add_del_address",
                    Map.of("sw_if_index", swIfIndex, "is_add", false, "del_all", true)).get("retval")).isEqualTo(0L);
            assertThat(vpp.findInterface((int) swIfIndex).orElseThrow().addresses()).isEmpty();
        }
    }

    @Test
    void lackingMessagesAreAbsentFromTheTable() throws IOException {
        try (VppSimulator vpp = VppSimulator.start(dir.resolve("api.sock"), MEMIF_MESSAGES);
                RawClient client = RawClient.connect(vpp.apiSocket())) {
            client.handshake();

            assertThat(client.ids).hasSize(ALL_MESSAGES - MEMIF_MESSAGES.size())
                    .doesNotContainKeys(MEMIF_MESSAGES.stream().map(name -> DEFINITIONS.message(name).nameCrc())
                            .toArray(String[]::new))
                    .containsKey(DEFINITIONS.message("create_vhost_user_if_v2").nameCrc());
            assertThat(client.request("get_first_msg_id", Map.of("name", "memif_d48ac702")))
                    .containsEntry("retval", (long) VppSimulator.UNSPECIFIED);
            Map<String, Object> vhost = client.request("get_first_msg_id", Map.of("name", "vhost_user_d49ae8cd"));
            assertThat(vhost.get("retval")).isEqualTo(0L);
            assertThat(((Long) vhost.get("first_msg_id")).intValue())
                    .isEqualTo(client.ids.get(DEFINITIONS.message("create_vhost_user_if").nameCrc()));
        }
        assertThatThrownBy(() -> VppSimulator.start(dir.resolve("other.sock"), Set.of("control_ping")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VppSimulator.start(dir.resolve("other.sock"), Set.of("no_such_message")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void vhostUserServerSocketIsCreatedAndRemoved() throws IOException {
        try (VppSimulator vpp = VppSimulator.start(dir.resolve("api.sock"));
                RawClient client = RawClient.connect(vpp.apiSocket())) {
            client.handshake();
            Path socketFile = dir.resolve("vhost-1.sock");
            Map<String, Object> create = Map.of("is_server", true, "sock_filename", socketFile.toString(),
                    "tag", "pod-b/net2");

            Map<String, Object> created = client.request("create_vhost_user_if_v2", create);
            long swIfIndex = (Long) created.get("sw_if_index");
            assertThat(created.get("retval")).isEqualTo(0L);
            assertConnectable(socketFile);
            assertThat(client.dump("sw_interface_dump", Map.of("sw_if_index", swIfIndex))).singleElement()
                    .satisfies(details -> assertThat(details).containsEntry("interface_name", "VirtualEthernet0/0/0")
                            .containsEntry("tag", "pod-b/net2"));
            assertThat(client.request("create_vhost_user_if_v2", create))
                    .containsEntry("retval", (long) VppSimulator.IF_ALREADY_EXISTS)
                    .containsEntry("sw_if_index", swIfIndex);
            assertThat(client.dump("sw_interface_vhost_user_dump", Map.of("sw_if_index", ALL))).singleElement()
                    .satisfies(details -> assertThat(details).containsEntry("is_server", true)
                            .containsEntry("sock_filename", socketFile.toString()));

            assertThat(client.request("delete_vhost_user_if", Map.of("sw_if_index", swIfIndex)).get("retval"))
                    .isEqualTo(0L);
            assertThat(socketFile).doesNotExist();
            assertThat(client.request("delete_vhost_user_if", Map.of("sw_if_index", swIfIndex)))
                    .containsEntry("retval", (long) VppSimulator.INVALID_SW_IF_INDEX);
        }
    }

    @Test
    void failNextFailsOneRequestWithoutTouchingTheState() throws IOException {
        try (VppSimulator vpp = VppSimulator.start(dir.resolve("api.sock"));
                RawClient client = RawClient.connect(vpp.apiSocket())) {
            client.handshake();
            vpp.failNext("memif_create_v2", -1);

            assertThat(client.request("memif_create_v2", memif(1, 1, 0))).containsEntry("retval", -1L);
            assertThat(vpp.interfaces()).hasSize(1);
            assertThat(client.request("memif_create_v2", memif(1, 1, 0))).containsEntry("retval", 0L);
            vpp.setLinkUp(1, true);
            assertThat(client.dump("sw_interface_dump", Map.of("sw_if_index", 1L))).singleElement()
                    .satisfies(details -> assertThat(details).containsEntry("flags", 2L));
            assertThatThrownBy(() -> vpp.failNext("memif_dump", -1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void sockclntDeleteAnswersOneAndClosesTheConnection() throws IOException {
        try (VppSimulator vpp = VppSimulator.start(dir.resolve("api.sock"));
                RawClient client = RawClient.connect(vpp.apiSocket())) {
            client.handshake();

            assertThat(client.request("sockclnt_delete", Map.of("index", client.handle)))
                    .containsEntry("response", 1L);
            assertThatThrownBy(() -> client.read(Duration.ofSeconds(2))).isInstanceOf(EOFException.class);
        }
    }

    @Test
    void closingRemovesEverySocketAndEndsConnections() throws IOException {
        Path apiSocket = dir.resolve("run/api.sock");
        Path memifSocket = dir.resolve("run/memif.sock");
        VppSimulator vpp = VppSimulator.start(apiSocket);
        try (RawClient client = RawClient.connect(apiSocket)) {
            client.handshake();
            client.request("memif_create_v2", memif(0, 1, 0));
            assertConnectable(memifSocket);

            vpp.close();

            assertThat(apiSocket).doesNotExist();
            assertThat(memifSocket).doesNotExist();
            assertThatThrownBy(() -> client.read(Duration.ofSeconds(2))).isInstanceOf(EOFException.class);
        }
    }

    // ---- message fields ----

    static Map<String, Object> socket(boolean add, long socketId, String filename) {
        return Map.of("is_add", add, "socket_id", socketId, "socket_filename", filename);
    }

    static Map<String, Object> memif(long role, long id, long socketId) {
        return Map.of("role", role, "id", id, "socket_id", socketId);
    }

    static Map<String, Object> bridgeDomain(boolean add, long bdId, String tag) {
        return Map.of("bd_id", bdId, "flood", true, "uu_flood", true, "forward", true, "learn", true, "bd_tag", tag,
                "is_add", add);
    }

    static Map<String, Object> ipv4(String address, int length) throws IOException {
        return Map.of("address", Map.of("af", 0L, "un", Map.of("ip4", InetAddress.getByName(address).getAddress())),
                "len", (long) length);
    }

    static void assertConnectable(Path socketFile) throws IOException {
        assertThat(socketFile).exists();
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socketFile))) {
            assertThat(channel.isConnected()).isTrue();
        }
    }

    /** A bare client of the API socket, as the wire specification describes one, with a read timeout. */
    static final class RawClient implements AutoCloseable {

        static final Duration TIMEOUT = Duration.ofSeconds(2);

        final SocketChannel channel;
        final Selector selector;
        Map<String, Integer> ids = Map.of();
        Map<Integer, String> names = Map.of();
        long handle;
        long context = 100;

        private RawClient(SocketChannel channel) throws IOException {
            this.channel = channel;
            this.selector = Selector.open();
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
        }

        static RawClient connect(Path apiSocket) throws IOException {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(apiSocket));
            return new RawClient(channel);
        }

        /** sockclnt_create with its fixed id 15; keeps the table and the client handle. */
        Map<String, Object> handshake() throws IOException {
            write(CODEC.encode("sockclnt_create", Map.of("_vl_msg_id", 15L, "context", 1L, "name", "sim-test")));
            byte[] payload = read(TIMEOUT);
            assertThat(Frames.messageId(payload)).isEqualTo(16);
            Map<String, Object> reply = CODEC.decode("sockclnt_create_reply", payload);
            assertThat(reply.get("context")).isEqualTo(1L);
            ids = ((List<?>) reply.get("message_table")).stream().map(entry -> (Map<?, ?>) entry)
                    .collect(Collectors.toMap(entry -> (String) entry.get("name"),
                            entry -> ((Long) entry.get("index")).intValue()));
            names = ids.entrySet().stream().collect(Collectors.toMap(Map.Entry::getValue,
                    entry -> entry.getKey().substring(0, entry.getKey().lastIndexOf('_'))));
            handle = (Long) reply.get("index");
            return reply;
        }

        byte[] encode(String name, Map<String, Object> fields, long requestContext) {
            Map<String, Object> values = new HashMap<>(fields);
            values.put("_vl_msg_id", (long) ids.get(DEFINITIONS.message(name).nameCrc()));
            values.putIfAbsent("client_index", handle);
            values.put("context", requestContext);
            return CODEC.encode(name, values);
        }

        void send(String name, Map<String, Object> fields, long requestContext, long clientIndex) throws IOException {
            Map<String, Object> values = new HashMap<>(fields);
            values.put("client_index", clientIndex);
            write(encode(name, values, requestContext));
        }

        /** A request and its reply, which must carry the request's context. */
        Map<String, Object> request(String name, Map<String, Object> fields) throws IOException {
            long requestContext = ++context;
            send(name, fields, requestContext, handle);
            Map<String, Object> reply = next();
            assertThat(reply).containsEntry("_name", DEFINITIONS.replyOf(name))
                    .containsEntry("context", requestContext);
            return reply;
        }

        /** A dump and the control_ping after it: the details before the ping's reply. */
        List<Map<String, Object>> dump(String name, Map<String, Object> fields) throws IOException {
            long requestContext = ++context;
            send(name, fields, requestContext, handle);
            send("control_ping", Map.of(), requestContext, handle);
            List<Map<String, Object>> details = new ArrayList<>();
            for (Map<String, Object> message = next(); !message.get("_name").equals("control_ping_reply");
                    message = next()) {
                assertThat(message).containsEntry("_name", DEFINITIONS.replyOf(name))
                        .containsEntry("context", requestContext);
                details.add(message);
            }
            return details;
        }

        /** The next message, decoded by the name its id has in the table, under "_name". */
        Map<String, Object> next() throws IOException {
            byte[] payload = read(TIMEOUT);
            String name = names.get(Frames.messageId(payload));
            assertThat(name).as("message id %d", Frames.messageId(payload)).isNotNull();
            Map<String, Object> message = new HashMap<>(CODEC.decode(name, payload));
            message.put("_name", name);
            return message;
        }

        void write(byte[] payload) throws IOException {
            Frames.write(channel, payload);
        }

        /** The next payload; {@link SocketTimeoutException} when none arrives within {@code timeout}. */
        byte[] read(Duration timeout) throws IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
            return Frames.read(new ReadableByteChannel() {
                @Override
                public int read(ByteBuffer buffer) throws IOException {
                    int count;
                    while ((count = channel.read(buffer)) == 0) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            throw new SocketTimeoutException("nothing from the simulator in " + timeout);
                        }
                        selector.select(Math.max(1, left / 1_000_000));
                        selector.selectedKeys().clear();
                    }
                    return count;
                }

                @Override
                public boolean isOpen() {
                    return channel.isOpen();
                }

                @Override
                public void close() {
                }
            });
        }

        @Override
        public void close() throws IOException {
            selector.close();
            channel.close();
        }
    }
}
