package org.userspacecni.backend.vpp;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.userspacecni.backend.vpp.api.ApiDefinitions;
import org.userspacecni.backend.vpp.api.Codec;
import org.userspacecni.backend.vpp.api.VppApiClient;
import org.userspacecni.spi.InterfaceType;
import org.userspacecni.spi.MemifMode;
import org.userspacecni.spi.MemifRole;

/**
 * One connection to a VPP, in the engine's terms: interfaces with their tags, memif sockets and memif
 * interfaces, vhost-user interfaces, bridge domains, cross-connects and addresses. Each method is one API
 * call (or one dump); failures are {@link org.userspacecni.backend.vpp.api.VppApiException}s.
 */
final class Vpp implements AutoCloseable {

    /** The requests of VPP's core the engine sends; a VPP lacking one is refused when connecting. */
    static final List<String> CORE = List.of("show_version", "sw_interface_dump", "sw_interface_set_flags",
            "sw_interface_tag_add_del", "sw_interface_add_del_address", "bridge_domain_add_del_v2",
            "bridge_domain_dump", "sw_interface_set_l2_bridge", "sw_interface_set_l2_xconnect");
    /** The memif plugin's requests: needed for memif attachments only. */
    static final List<String> MEMIF = List.of("memif_socket_filename_add_del_v2", "memif_socket_filename_dump",
            "memif_create_v2", "memif_delete", "memif_dump");
    /** The vhost-user plugin's requests: needed for vhost-user attachments only. */
    static final List<String> VHOST = List.of("create_vhost_user_if_v2", "delete_vhost_user_if",
            "sw_interface_vhost_user_dump");
    /** The request {@link #counters} sends. */
    static final List<String> SHOW = List.of("cli_inband");
    static final long ALL = 0xFFFFFFFFL;
    static final int ADMIN_UP = 1;
    static final int LINK_UP = 2;

    private static final Codec CODEC = new Codec(ApiDefinitions.standard());
    /** One counter of {@code show interface}: its name and its value, the last two columns of a line. */
    private static final Pattern COUNTER = Pattern.compile("(?m)\\s([a-z][a-z0-9-]*(?: [a-z0-9-]+)?)\\s+(\\d+)\\s*$");

    record Interface(int swIfIndex, String name, String tag, boolean adminUp, boolean linkUp) {
    }

    record Memif(int swIfIndex, int socketId, int id, MemifRole role, MemifMode mode) {
    }

    record Vhost(int swIfIndex, String socket, boolean server) {
    }

    record BridgeDomain(int id, String tag, List<Integer> members) {
    }

    /** What a memif interface is made with; zero sizes and queues are VPP's defaults. */
    record MemifSpec(MemifRole role, MemifMode mode, int socketId, int id, int queues, int ringSize, int bufferSize,
            String secret, Optional<byte[]> mac) {
    }

    private final VppApiClient client;
    private final boolean memif;
    private final boolean vhost;

    private Vpp(VppApiClient client) {
        this.client = client;
        this.memif = client.supports(MEMIF);
        this.vhost = client.supports(VHOST);
    }

    /**
     * Connects to VPP and checks its core messages. A VPP without the memif or vhost-user plugin serves the
     * other kind of attachment, and has no interfaces of the kind it lacks; {@link #require} refuses the kind.
     */
    static Vpp open(Path apiSocket, Duration timeout) {
        VppApiClient client = VppApiClient.connect(apiSocket, CODEC, timeout);
        try {
            client.require(CORE);
            return new Vpp(client);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** Fails, naming every message missing, when VPP lacks what interfaces of {@code iftype} need. */
    void require(InterfaceType iftype) {
        client.require(InterfaceType.MEMIF.equals(iftype) ? MEMIF : VHOST);
    }

    String version() {
        Map<String, Object> reply = client.call("show_version", Map.of());
        return reply.get("program") + " " + reply.get("version");
    }

    List<Interface> interfaces() {
        return client.dump("sw_interface_dump", Map.of("sw_if_index", ALL)).stream().map(row -> {
            int flags = integer(row, "flags");
            return new Interface(integer(row, "sw_if_index"), (String) row.get("interface_name"),
                    (String) row.get("tag"), (flags & ADMIN_UP) != 0, (flags & LINK_UP) != 0);
        }).toList();
    }

    /** Whether this VPP answers CLI commands through the API ({@code cli_inband}), which {@link #counters} needs. */
    boolean showsCounters() {
        return client.supports(SHOW);
    }

    /**
     * The counters of interface {@code name} as {@code show interface} prints them, by the CLI's names ("rx
     * packets", "drops", "rx-miss"...); VPP leaves a counter out while it is zero. The API's counters are in the
     * stats segment, whose file descriptor VPP hands over through {@code SCM_RIGHTS}, which the JDK's unix-domain
     * channels cannot receive: the CLI through the API is the way to them here.
     */
    Map<String, Long> counters(String name) {
        if (!name.matches("[A-Za-z0-9/_.:-]{1,64}")) {
            throw new IllegalArgumentException("not an interface name: " + name);
        }
        String shown = (String) client.call("cli_inband", Map.of("cmd", "show interface " + name)).get("reply");
        Map<String, Long> counters = new HashMap<>();
        Matcher counter = COUNTER.matcher(shown == null ? "" : shown);
        while (counter.find()) {
            counters.put(counter.group(1), Long.parseLong(counter.group(2)));
        }
        return counters;
    }

    /** The interfaces this tag marks: one, or none (more only if someone copied our tag). */
    List<Interface> tagged(VppTag tag) {
        return interfaces().stream().filter(iface -> tag.marks(iface.tag())).toList();
    }

    Map<Integer, String> memifSockets() {
        Map<Integer, String> sockets = new HashMap<>();
        if (!memif) {
            return sockets;
        }
        client.dump("memif_socket_filename_dump", Map.of())
                .forEach(row -> sockets.put(integer(row, "socket_id"), (String) row.get("socket_filename")));
        return sockets;
    }

    /** Registers a memif socket file; VPP picks the id. */
    int addMemifSocket(Path socket) {
        return integer(client.call("memif_socket_filename_add_del_v2", Map.of("is_add", true, "socket_id", ALL,
                "socket_filename", socket.toString())), "socket_id");
    }

    /** Registers a memif socket file under {@code socketId}, which must be free. */
    int addMemifSocket(Path socket, int socketId) {
        return integer(client.call("memif_socket_filename_add_del_v2", Map.of("is_add", true, "socket_id", socketId,
                "socket_filename", socket.toString())), "socket_id");
    }

    void deleteMemifSocket(int socketId) {
        client.call("memif_socket_filename_add_del_v2", Map.of("is_add", false, "socket_id", socketId,
                "socket_filename", ""));
    }

    List<Memif> memifs() {
        if (!memif) {
            return List.of();
        }
        return client.dump("memif_dump", Map.of()).stream().map(row -> new Memif(integer(row, "sw_if_index"),
                integer(row, "socket_id"), integer(row, "id"), MemifRole.values()[integer(row, "role")],
                MemifMode.values()[integer(row, "mode")])).toList();
    }

    int createMemif(MemifSpec spec) {
        Map<String, Object> request = new HashMap<>();
        request.put("role", spec.role().ordinal()); // MemifRole and MemifMode are declared in VPP's numbering
        request.put("mode", spec.mode().ordinal());
        request.put("rx_queues", spec.queues());
        request.put("tx_queues", spec.queues());
        request.put("id", spec.id());
        request.put("socket_id", spec.socketId());
        request.put("ring_size", spec.ringSize());
        request.put("buffer_size", spec.bufferSize());
        request.put("no_zero_copy", false);
        request.put("use_dma", false);
        request.put("hw_addr", spec.mac().orElse(new byte[6]));
        request.put("secret", spec.secret());
        return integer(client.call("memif_create_v2", request), "sw_if_index");
    }

    void deleteMemif(int swIfIndex) {
        client.call("memif_delete", Map.of("sw_if_index", swIfIndex));
    }

    int createVhost(Path socket, boolean server, Optional<byte[]> mac, String tag) {
        Map<String, Object> request = new HashMap<>();
        request.put("is_server", server);
        request.put("sock_filename", socket.toString());
        request.put("use_custom_mac", mac.isPresent());
        request.put("mac_address", mac.orElse(new byte[6]));
        request.put("tag", tag);
        return integer(client.call("create_vhost_user_if_v2", request), "sw_if_index");
    }

    void deleteVhost(int swIfIndex) {
        client.call("delete_vhost_user_if", Map.of("sw_if_index", swIfIndex));
    }

    List<Vhost> vhosts() {
        if (!vhost) {
            return List.of();
        }
        return client.dump("sw_interface_vhost_user_dump", Map.of("sw_if_index", ALL)).stream()
                .map(row -> new Vhost(integer(row, "sw_if_index"), (String) row.get("sock_filename"),
                        Boolean.TRUE.equals(row.get("is_server")))).toList();
    }

    void tag(int swIfIndex, String tag) {
        client.call("sw_interface_tag_add_del", Map.of("is_add", true, "sw_if_index", swIfIndex, "tag", tag));
    }

    void adminUp(int swIfIndex) {
        client.call("sw_interface_set_flags", Map.of("sw_if_index", swIfIndex, "flags", ADMIN_UP));
    }

    void addAddress(int swIfIndex, InetAddress address, int prefixLength) {
        boolean ip6 = address.getAddress().length == 16;
        Map<String, Object> ip = Map.of("af", ip6 ? 1 : 0, "un", Map.of(ip6 ? "ip6" : "ip4", address.getAddress()));
        client.call("sw_interface_add_del_address", Map.of("sw_if_index", swIfIndex, "is_add", true,
                "del_all", false, "prefix", Map.of("address", ip, "len", prefixLength)));
    }

    List<BridgeDomain> bridgeDomains() {
        return client.dump("bridge_domain_dump", Map.of("bd_id", ALL, "sw_if_index", ALL)).stream()
                .map(row -> new BridgeDomain(integer(row, "bd_id"), (String) row.get("bd_tag"),
                        ((List<?>) row.get("sw_if_details")).stream()
                                .map(member -> integer((Map<?, ?>) member, "sw_if_index")).toList()))
                .toList();
    }

    /** A bridge domain that floods, forwards and learns, as the original made them. */
    void addBridgeDomain(int id, String tag) {
        client.call("bridge_domain_add_del_v2", Map.of("bd_id", id, "flood", true, "uu_flood", true, "forward", true,
                "learn", true, "bd_tag", tag, "is_add", true));
    }

    void deleteBridgeDomain(int id) {
        client.call("bridge_domain_add_del_v2", Map.of("bd_id", id, "is_add", false));
    }

    void joinBridge(int swIfIndex, int bridgeDomain) {
        client.call("sw_interface_set_l2_bridge", Map.of("rx_sw_if_index", swIfIndex, "bd_id", bridgeDomain,
                "enable", true));
    }

    /** Sends what arrives on {@code rx} out of {@code tx}; one direction. */
    void crossConnect(int rx, int tx) {
        client.call("sw_interface_set_l2_xconnect", Map.of("rx_sw_if_index", rx, "tx_sw_if_index", tx,
                "enable", true));
    }

    @Override
    public void close() {
        client.close();
    }

    private static int integer(Map<?, ?> row, String field) {
        return ((Number) row.get(field)).intValue();
    }
}
