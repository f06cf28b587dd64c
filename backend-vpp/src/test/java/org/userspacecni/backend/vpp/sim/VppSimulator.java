package org.userspacecni.backend.vpp.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.userspacecni.backend.vpp.api.ApiDefinitions;
import org.userspacecni.backend.vpp.api.Codec;
import org.userspacecni.backend.vpp.api.Frames;

/**
 * A simulator of VPP's binary-API server, for tests of the {@code vpp} engine on machines where VPP cannot run.
 * It listens on a unix socket like VPP's {@code api.sock}, speaks the real protocol (16-byte frames, the
 * sockclnt handshake, name_crc message table, context echo, dumps ended by control_ping) and keeps the state
 * VPP keeps for the messages the engine uses: interfaces, memif socket filenames, memif and vhost-user
 * interfaces, bridge domains and cross-connects. Every message it reads or writes goes through {@link Codec}
 * with the same {@link ApiDefinitions} the engine uses; no byte is packed by hand.
 *
 * <p>Faithful to VPP 26.06: memclnt's message ids (1..28 in file order, sockclnt_create 15, control_ping 23);
 * the name_crc keys of the table; silent drops (no reply, a line on stderr) of an unknown message id, a
 * payload shorter than its definition, or a wrong client_index; per-connection ordering; the return values of
 * the request handlers (see the constants below); memif socket id 0 as the built-in {@code memif.sock} in the
 * runtime directory (the API socket's directory, so {@code /run/vpp/memif.sock} for {@code /run/vpp/api.sock});
 * a listening socket file for each memif socket with master interfaces and for each vhost-user server
 * interface, as VPP binds them; {@code sw_interface_dump}'s filters (0 and ~0 mean all, case-insensitive name
 * substring); {@code bridge_domain_dump} answering nothing for bd_id 0 or a sw_if_index filter (unimplemented
 * in VPP); a deleted interface leaves its bridge domain, while an interface cross-connected to it keeps
 * pointing at the dead index, as VPP leaves it.
 *
 * <p>Simplified: no data plane, so link state changes only through {@link #setLinkUp}, and for a memif slave
 * when it is set admin up: it comes up if a master listens on its socket file (its connection is accepted by
 * the kernel; nothing is spoken on it) and stays up until it is set down or deleted; the listening sockets
 * are stream sockets that accept connections and speak nothing (VPP's memif socket is SOCK_SEQPACKET); ids of
 * non-memclnt messages start at {@value #FIRST_NON_MEMCLNT_ID} in file order; freed sw_if_index, bridge domain
 * and memif socket ids are reused lowest first (VPP reuses the most recently freed index and picks random free
 * bd and socket ids); a request must carry its own connection's handle (VPP routes any live handle); other
 * requests in the table are answered with retval {@value #UNIMPLEMENTED} and other dumps with no details; no
 * MTU, counters, events or non-ethernet checks. One deliberate difference: joining a bridge domain that does
 * not exist is refused with {@value #NO_SUCH_ENTRY}, where VPP would create it with default flags and no tag,
 * so an engine that forgets {@code bridge_domain_add_del_v2} fails here instead of half-working.
 */
public final class VppSimulator implements AutoCloseable {

    // VNET_API_ERROR codes (vnet/api_errno.h) the simulated handlers answer with, as VPP's handlers do
    public static final int UNSPECIFIED = -1;
    public static final int INVALID_SW_IF_INDEX = -2;
    public static final int NO_SUCH_ENTRY = -6;
    public static final int INVALID_VALUE = -7;
    public static final int UNIMPLEMENTED = -9;
    public static final int INVALID_SW_IF_INDEX_2 = -10;
    public static final int SYSCALL_ERROR_1 = -11;
    public static final int SYSCALL_ERROR_2 = -12;
    public static final int SYSCALL_ERROR_4 = -14;
    public static final int ADDRESS_NOT_FOUND_FOR_INTERFACE = -60;
    public static final int SUBIF_ALREADY_EXISTS = -68;
    public static final int INVALID_ARGUMENT = -73;
    public static final int UNEXPECTED_INTF_STATE = -74;
    public static final int IF_ALREADY_EXISTS = -79;
    public static final int VALUE_EXIST = -81;
    public static final int ADDRESS_IN_USE = -105;
    public static final int ENTRY_ALREADY_EXISTS = -116;
    public static final int BD_ALREADY_EXISTS = -119;
    public static final int BD_IN_USE = -120;
    public static final int BD_NOT_MODIFIABLE = -121;
    public static final int BD_ID_EXCEED_MAX = -122;
    public static final int DUPLICATE_IF_ADDRESS = -127;
    public static final int BD_ALREADY_HAS_BVI = -152;

    /** The version {@code show_version} and {@code show version} report. */
    public static final String VERSION = "26.06-sim";

    /** Where the ids of vnet and plugin messages start; memclnt keeps its real ids 1..28. */
    static final int FIRST_NON_MEMCLNT_ID = 100;
    static final long ALL = 0xFFFFFFFFL;
    static final long BD_ID_MAX = 0xFFFFFF;
    static final String BUILD_DATE = "2026-06-21T00:00:00";
    static final String DEFAULT_MEMIF_SOCKET = "memif.sock";
    static final int DEFAULT_RING_SIZE = 1024;
    static final int DEFAULT_BUFFER_SIZE = 2048;
    static final int PORT_TYPE_BVI = 1;
    static final int PORT_TYPE_UU_FWD = 2;
    static final int IF_STATUS_ADMIN_UP = 1;
    static final int IF_STATUS_LINK_UP = 2;
    static final String NO_MAC = "00:00:00:00:00:00";

    private static final ApiDefinitions DEFINITIONS = ApiDefinitions.standard();
    private static final Codec CODEC = new Codec(DEFINITIONS);
    private static final HexFormat MAC = HexFormat.ofDelimiter(":");
    private static final long PID = ProcessHandle.current().pid();

    // ---- snapshots of VPP's state, as tests see it ----

    public enum MemifRole { MASTER, SLAVE }

    public enum MemifMode { ETHERNET, IP, PUNT_INJECT }

    /** How an interface forwards: routed (VPP's L3 mode, the default), in a bridge domain, or cross-connected. */
    public sealed interface L2Mode {

        record L3() implements L2Mode {
        }

        /** {@code portType}: 0 normal, 1 BVI, 2 uu-fwd. */
        record Bridge(long bdId, int shg, int portType) implements L2Mode {
        }

        /** One direction: what arrives on the interface leaves on {@code txSwIfIndex}. */
        record CrossConnect(int txSwIfIndex) implements L2Mode {
        }
    }

    public record IpPrefix(InetAddress address, int length) {

        public IpPrefix {
            Objects.requireNonNull(address);
        }

        @Override
        public String toString() {
            return address.getHostAddress() + "/" + length;
        }
    }

    public record Memif(long socketId, long id, MemifRole role, MemifMode mode, int ringSize, int bufferSize,
            int rxQueues, int txQueues, String secret, boolean zeroCopy) {
    }

    /** {@code instance} is the device instance, the last number of {@code VirtualEthernet0/0/<n>}. */
    public record VhostUser(String socketFile, boolean server, int instance) {
    }

    /** An interface; {@code mac} is {@code 00:00:00:00:00:00} where VPP has none (local0, memif in IP mode). */
    public record Interface(int swIfIndex, String name, String deviceType, String mac, boolean adminUp,
            boolean linkUp, String tag, List<IpPrefix> addresses, L2Mode l2Mode, Optional<Memif> memif,
            Optional<VhostUser> vhostUser) {

        public Interface {
            Objects.requireNonNull(name);
            Objects.requireNonNull(deviceType);
            Objects.requireNonNull(mac);
            Objects.requireNonNull(tag);
            addresses = List.copyOf(addresses);
            Objects.requireNonNull(l2Mode);
            Objects.requireNonNull(memif);
            Objects.requireNonNull(vhostUser);
        }

        Interface withAdminUp(boolean up) {
            return new Interface(swIfIndex, name, deviceType, mac, up, linkUp, tag, addresses, l2Mode, memif, vhostUser);
        }

        Interface withLinkUp(boolean up) {
            return new Interface(swIfIndex, name, deviceType, mac, adminUp, up, tag, addresses, l2Mode, memif, vhostUser);
        }

        Interface withTag(String newTag) {
            return new Interface(swIfIndex, name, deviceType, mac, adminUp, linkUp, newTag, addresses, l2Mode, memif,
                    vhostUser);
        }

        Interface withAddresses(List<IpPrefix> newAddresses) {
            return new Interface(swIfIndex, name, deviceType, mac, adminUp, linkUp, tag, newAddresses, l2Mode, memif,
                    vhostUser);
        }

        Interface withL2Mode(L2Mode mode) {
            return new Interface(swIfIndex, name, deviceType, mac, adminUp, linkUp, tag, addresses, mode, memif,
                    vhostUser);
        }

        int statusFlags() {
            return (adminUp ? IF_STATUS_ADMIN_UP : 0) | (linkUp ? IF_STATUS_LINK_UP : 0);
        }
    }

    public record BridgeMember(int swIfIndex, int shg, int portType) {
    }

    /** A bridge domain; its members are the interfaces whose {@link L2Mode.Bridge} names it, by sw_if_index. */
    public record BridgeDomain(long bdId, boolean flood, boolean uuFlood, boolean forward, boolean learn,
            boolean arpTerm, boolean arpUfwd, int macAge, String tag, List<BridgeMember> members) {

        public BridgeDomain {
            Objects.requireNonNull(tag);
            members = List.copyOf(members);
        }

        BridgeDomain withMembers(List<BridgeMember> current) {
            return new BridgeDomain(bdId, flood, uuFlood, forward, learn, arpTerm, arpUfwd, macAge, tag, current);
        }
    }

    /** A memif socket filename; {@code listening} while master interfaces use it. */
    public record MemifSocket(long socketId, String filename, boolean listening) {
    }

    /** A socket file the simulator listens on, as VPP does for memif masters and vhost-user servers. */
    private record Listener(ServerSocketChannel channel, Path file) {

        static Listener bind(Path file) throws IOException {
            ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.bind(UnixDomainSocketAddress.of(file));
            } catch (IOException e) {
                channel.close();
                throw e;
            }
            return new Listener(channel, file);
        }

        void close() {
            try {
                channel.close();
                Files.deleteIfExists(file);
            } catch (IOException e) {
                log("closing " + file + ": " + e);
            }
        }
    }

    /** The message ids this VPP registers, and each module's first id for get_first_msg_id. */
    private record MessageTable(Map<String, Integer> idByName, Map<String, Integer> firstIdByModule) {
    }

    private final Path apiSocket;
    private final Path runtimeDirectory;
    private final Map<String, Integer> idByName;
    private final Map<Integer, String> nameById = new HashMap<>();
    private final Map<String, Integer> firstIdByModule;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger registrations = new AtomicInteger();
    private volatile boolean closed;

    // VPP's state, guarded by this
    private final TreeMap<Integer, Interface> interfaces = new TreeMap<>();
    /** Bridge domains without members: membership is each interface's {@link L2Mode}. */
    private final TreeMap<Long, BridgeDomain> bridgeDomains = new TreeMap<>();
    private final TreeMap<Long, String> memifSockets = new TreeMap<>();
    private final Map<Long, Listener> memifListeners = new HashMap<>();
    private final Map<Integer, Listener> vhostListeners = new HashMap<>();
    private final List<String> received = new ArrayList<>();
    private final Map<String, Deque<Integer>> failures = new HashMap<>();
    private int macsIssued;

    private VppSimulator(Path apiSocket, Set<String> lacking) throws IOException {
        this.apiSocket = apiSocket.toAbsolutePath();
        this.runtimeDirectory = this.apiSocket.getParent();
        MessageTable table = messageTable(lacking);
        idByName = table.idByName();
        idByName.forEach((name, id) -> nameById.put(id, name));
        firstIdByModule = table.firstIdByModule();
        interfaces.put(0, new Interface(0, "local0", "local", NO_MAC, false, false, "", List.of(), new L2Mode.L3(),
                Optional.empty(), Optional.empty()));
        memifSockets.put(0L, runtimeDirectory.resolve(DEFAULT_MEMIF_SOCKET).toString());

        Files.createDirectories(runtimeDirectory);
        deleteStaleSocket(this.apiSocket);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(this.apiSocket));
        acceptor = new Thread(this::accept, "vpp-simulator-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A VPP with every message of {@link ApiDefinitions#standard()}, listening on {@code apiSocket}. */
    public static VppSimulator start(Path apiSocket) throws IOException {
        return start(apiSocket, Set.of());
    }

    /**
     * A VPP without the {@code lacking} messages, as when a plugin is disabled: their name_crc keys are absent
     * from the handshake table and they have no id. memclnt messages cannot lack: they are VPP's core.
     */
    public static VppSimulator start(Path apiSocket, Set<String> lacking) throws IOException {
        return new VppSimulator(apiSocket, Set.copyOf(lacking));
    }

    public Path apiSocket() {
        return apiSocket;
    }

    // ---- test hooks ----

    public synchronized List<Interface> interfaces() {
        return List.copyOf(interfaces.values());
    }

    public synchronized Optional<Interface> findInterface(int swIfIndex) {
        return Optional.ofNullable(interfaces.get(swIfIndex));
    }

    public synchronized Optional<Interface> findInterface(String name) {
        return interfaces.values().stream().filter(candidate -> candidate.name().equals(name)).findFirst();
    }

    public synchronized List<BridgeDomain> bridgeDomains() {
        return bridgeDomains.values().stream().map(bd -> bd.withMembers(members(bd.bdId()))).toList();
    }

    public synchronized List<MemifSocket> memifSockets() {
        return memifSockets.entrySet().stream()
                .map(socket -> new MemifSocket(socket.getKey(), socket.getValue(),
                        memifListeners.containsKey(socket.getKey())))
                .toList();
    }

    /** The names of the messages received, all connections, in arrival order (dropped ones included). */
    public synchronized List<String> receivedMessages() {
        return List.copyOf(received);
    }

    /**
     * Makes the next {@code request} (any connection) fail with {@code retval}, leaving the state untouched;
     * several calls queue several failures. Only for requests whose reply carries a retval.
     */
    public synchronized void failNext(String request, int retval) {
        String reply = DEFINITIONS.replyOf(request);
        if (DEFINITIONS.isDump(request) || DEFINITIONS.message(reply).field("retval").isEmpty()) {
            throw new IllegalArgumentException(request + " is answered without a retval");
        }
        failures.computeIfAbsent(request, name -> new ArrayDeque<>()).add(retval);
    }

    /** What VPP would see when the peer of a memif or the guest of a vhost-user port connects or goes away. */
    public synchronized void setLinkUp(int swIfIndex, boolean up) {
        Interface changed = Optional.ofNullable(interfaces.get(swIfIndex))
                .orElseThrow(() -> new IllegalArgumentException("no interface " + swIfIndex));
        interfaces.put(swIfIndex, changed.withLinkUp(up));
    }

    /** VPP going away: every connection and socket closed, the API socket and listening socket files removed. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        closeQuietly(server);
        join(acceptor);
        connections.forEach(Connection::shutdown);
        connections.forEach(connection -> join(connection.thread));
        synchronized (this) {
            memifListeners.values().forEach(Listener::close);
            memifListeners.clear();
            vhostListeners.values().forEach(Listener::close);
            vhostListeners.clear();
        }
        try {
            Files.deleteIfExists(apiSocket);
        } catch (IOException e) {
            log("removing " + apiSocket + ": " + e);
        }
    }

    // ---- transport ----

    /** One client connection, served by its own thread, so its messages are answered in order. */
    private final class Connection implements Runnable {

        final SocketChannel channel;
        final Thread thread;
        /** The client handle, 0x80000000 | n; 0 until sockclnt_create. */
        volatile long handle;
        boolean closeAfterReply;

        Connection(SocketChannel channel, int number) {
            this.channel = channel;
            this.thread = new Thread(this, "vpp-simulator-client-" + number);
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            try {
                while (!closeAfterReply) {
                    for (byte[] reply : receive(this, Frames.read(channel))) {
                        Frames.write(channel, reply);
                    }
                }
            } catch (IOException e) {
                // the client went away, or the simulator is closing
            } finally {
                shutdown();
                connections.remove(this);
            }
        }

        void shutdown() {
            closeQuietly(channel);
        }
    }

    private void accept() {
        int number = 0;
        while (!closed) {
            try {
                Connection connection = new Connection(server.accept(), ++number);
                connections.add(connection);
                connection.thread.start();
            } catch (IOException e) {
                if (!closed) {
                    log("accept: " + e);
                }
                return;
            }
        }
    }

    /** The frames answering one received payload; none when VPP would drop it. */
    private List<byte[]> receive(Connection connection, byte[] payload) {
        int id = Frames.messageId(payload);
        String name = nameById.get(id);
        if (name == null) {
            return dropped("unknown message id " + id);
        }
        Map<String, Object> request;
        try {
            request = CODEC.decode(name, payload);
        } catch (RuntimeException e) {
            return dropped(name + " of " + payload.length + " bytes is shorter than its definition");
        }
        synchronized (this) {
            received.add(name);
            if (name.equals("sockclnt_create")) {
                return List.of(handshake(connection, request));
            }
            if (!request.containsKey("client_index") || !isRequest(name)) {
                return dropped(name + " is not a request a socket client may send");
            }
            if (number(request, "client_index") != connection.handle) {
                return dropped(name + " with client_index " + Long.toHexString(number(request, "client_index"))
                        + ", not this connection's " + Long.toHexString(connection.handle));
            }
            String reply = DEFINITIONS.replyOf(name);
            if (!idByName.containsKey(reply)) {
                return dropped(name + ": its reply " + reply + " is not in this VPP's table");
            }
            long context = number(request, "context");
            if (DEFINITIONS.isDump(name)) {
                return details(name, request).stream().map(values -> encode(reply, context, values)).toList();
            }
            Integer failure = Optional.ofNullable(failures.get(name)).map(Deque::poll).orElse(null);
            Map<String, Object> values = failure != null ? reply(failure) : answer(connection, name, request);
            return List.of(encode(reply, context, values));
        }
    }

    private static boolean isRequest(String name) {
        try {
            DEFINITIONS.replyOf(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private byte[] handshake(Connection connection, Map<String, Object> request) {
        connection.handle = 0x80000000L | registrations.incrementAndGet();
        List<Map<String, Object>> table = idByName.entrySet().stream()
                .sorted(Map.Entry.comparingByValue())
                .<Map<String, Object>>map(entry -> Map.of("index", (long) entry.getValue(),
                        "name", DEFINITIONS.message(entry.getKey()).nameCrc()))
                .toList();
        Map<String, Object> reply = new HashMap<>();
        reply.put("_vl_msg_id", (long) idByName.get("sockclnt_create_reply"));
        reply.put("client_index", 0L);
        reply.put("context", request.get("context"));
        reply.put("response", 0L);
        reply.put("index", connection.handle);
        reply.put("message_table", table);
        return CODEC.encode("sockclnt_create_reply", reply);
    }

    private byte[] encode(String name, long context, Map<String, Object> values) {
        Map<String, Object> message = new HashMap<>(values);
        message.put("_vl_msg_id", (long) idByName.get(name));
        message.put("context", context);
        return CODEC.encode(name, message);
    }

    private static List<byte[]> dropped(String why) {
        log("dropped " + why);
        return List.of();
    }

    // ---- requests ----

    /** The reply's fields other than the header, for a request answered by one reply. */
    private Map<String, Object> answer(Connection connection, String name, Map<String, Object> request) {
        return switch (name) {
            case "control_ping" -> reply(0, "client_index", 0L, "vpe_pid", PID);
            case "sockclnt_delete" -> sockclntDelete(connection, request);
            case "get_first_msg_id" -> firstMsgId(request);
            case "show_version" -> reply(0, "program", "vpe", "version", VERSION, "build_date", BUILD_DATE,
                    "build_directory", "/simulator");
            case "cli_inband" -> reply(0, "reply", cli(text(request, "cmd")));
            case "memif_socket_filename_add_del_v2" -> memifSocketFilename(request);
            case "memif_create_v2" -> memifCreate(request);
            case "memif_delete" -> memifDelete(request);
            case "create_vhost_user_if_v2" -> vhostUserCreate(request);
            case "delete_vhost_user_if" -> vhostUserDelete(request);
            case "sw_interface_set_flags" -> setFlags(request);
            case "sw_interface_tag_add_del" -> tag(request);
            case "sw_interface_add_del_address" -> address(request);
            case "bridge_domain_add_del_v2" -> bridgeDomainAddDel(request);
            case "sw_interface_set_l2_bridge" -> l2Bridge(request);
            case "sw_interface_set_l2_xconnect" -> l2Xconnect(request);
            default -> {
                log(name + " is not simulated: retval " + UNIMPLEMENTED);
                yield reply(UNIMPLEMENTED);
            }
        };
    }

    private Map<String, Object> sockclntDelete(Connection connection, Map<String, Object> request) {
        long index = number(request, "index");
        Optional<Connection> target = connections.stream()
                .filter(other -> other.handle != 0 && other.handle == index).findFirst();
        if (target.isEmpty()) {
            return Map.of("response", -1L);
        }
        if (target.get() == connection) {
            connection.closeAfterReply = true;
        } else {
            target.get().shutdown();
        }
        return Map.of("response", 1L);
    }

    private Map<String, Object> firstMsgId(Map<String, Object> request) {
        Integer first = firstIdByModule.get(text(request, "name"));
        return first == null ? reply(UNSPECIFIED, "first_msg_id", 0xFFFFL) : reply(0, "first_msg_id", (long) first);
    }

    private static String cli(String command) {
        return command.trim().equals("show version")
                ? "vpp v" + VERSION + " built by userspace-cni on simulator at " + BUILD_DATE + "\n"
                : "";
    }

    private Map<String, Object> memifSocketFilename(Map<String, Object> request) {
        long socketId = number(request, "socket_id");
        if (socketId == 0) {
            // id 0 is VPP's built-in memif.sock: neither replaced nor removed
            return reply(INVALID_ARGUMENT, "socket_id", socketId);
        }
        if (!flag(request, "is_add")) {
            int retval = !memifSockets.containsKey(socketId) ? INVALID_ARGUMENT
                    : memifInterfacesOn(socketId).findAny().isPresent() ? UNEXPECTED_INTF_STATE
                    : 0;
            if (retval == 0) {
                memifSockets.remove(socketId);
            }
            return reply(retval, "socket_id", socketId);
        }
        if (socketId == ALL) {
            socketId = lowestFree(memifSockets.keySet(), 1);
        }
        String filename = text(request, "socket_filename");
        if (filename.isEmpty()) {
            return reply(INVALID_ARGUMENT, "socket_id", socketId);
        }
        Path file = runtimeDirectory.resolve(filename);
        if (filename.startsWith("/")) {
            if (!Files.isDirectory(file.getParent())) {
                return reply(INVALID_ARGUMENT, "socket_id", socketId);
            }
        } else {
            try {
                // VPP puts relative names in its runtime directory, creating what is missing
                Files.createDirectories(file.getParent());
            } catch (IOException e) {
                return reply(SYSCALL_ERROR_1, "socket_id", socketId);
            }
        }
        String existing = memifSockets.get(socketId);
        if (existing != null) {
            // VPP accepts an identical add silently
            return reply(existing.equals(file.toString()) ? 0 : ENTRY_ALREADY_EXISTS, "socket_id", socketId);
        }
        memifSockets.put(socketId, file.toString());
        return reply(0, "socket_id", socketId);
    }

    private Map<String, Object> memifCreate(Map<String, Object> request) {
        long ringSize = number(request, "ring_size") == 0 ? DEFAULT_RING_SIZE : number(request, "ring_size");
        if (Long.bitCount(ringSize) != 1) {
            return reply(INVALID_ARGUMENT);
        }
        long socketId = number(request, "socket_id");
        String filename = memifSockets.get(socketId);
        if (filename == null) {
            return reply(INVALID_ARGUMENT);
        }
        long id = number(request, "id");
        MemifRole role = number(request, "role") == 0 ? MemifRole.MASTER : MemifRole.SLAVE;
        List<Memif> onSocket = memifInterfacesOn(socketId).map(memif -> memif.memif().orElseThrow()).toList();
        // a socket serves masters or slaves, not both, and each id once
        if (onSocket.stream().anyMatch(memif -> memif.role() != role || memif.id() == id)) {
            return reply(SUBIF_ALREADY_EXISTS);
        }
        long mode = number(request, "mode");
        if (mode != MemifMode.ETHERNET.ordinal() && mode != MemifMode.IP.ordinal()) {
            return reply(SYSCALL_ERROR_2);
        }
        if (role == MemifRole.MASTER && onSocket.isEmpty()) {
            int retval = listen(socketId, Path.of(filename));
            if (retval != 0) {
                return reply(retval);
            }
        }
        int swIfIndex = nextSwIfIndex();
        boolean ethernet = mode == MemifMode.ETHERNET.ordinal();
        Memif memif = new Memif(socketId, id, role, MemifMode.values()[(int) mode], (int) ringSize,
                number(request, "buffer_size") == 0 ? DEFAULT_BUFFER_SIZE : (int) number(request, "buffer_size"),
                Math.max(1, (int) number(request, "rx_queues")), Math.max(1, (int) number(request, "tx_queues")),
                text(request, "secret"), !flag(request, "no_zero_copy"));
        byte[] hwAddr = (byte[]) request.get("hw_addr");
        String mac = !ethernet ? NO_MAC : isZero(hwAddr) ? generatedMac() : MAC.formatHex(hwAddr);
        interfaces.put(swIfIndex, new Interface(swIfIndex, "memif" + socketId + "/" + id, "memif", mac, false, false,
                "", List.of(), new L2Mode.L3(), Optional.of(memif), Optional.empty()));
        return reply(0, "sw_if_index", (long) swIfIndex);
    }

    /** Binds the memif socket file for the first master on it; VPP removes a stale socket file first. */
    private int listen(long socketId, Path file) {
        try {
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                if (!Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
                    return VALUE_EXIST;
                }
                Files.delete(file);
            }
            memifListeners.put(socketId, Listener.bind(file));
            return 0;
        } catch (IOException e) {
            log("memif socket " + file + ": " + e);
            return SYSCALL_ERROR_4;
        }
    }

    private Map<String, Object> memifDelete(Map<String, Object> request) {
        Optional<Interface> memif = find(number(request, "sw_if_index")).filter(found -> found.memif().isPresent());
        if (memif.isEmpty()) {
            return reply(INVALID_SW_IF_INDEX);
        }
        delete(memif.get());
        return reply(0);
    }

    private Map<String, Object> vhostUserCreate(Map<String, Object> request) {
        String socketFile = text(request, "sock_filename");
        if (socketFile.isEmpty()) {
            return reply(INVALID_ARGUMENT, "sw_if_index", ALL);
        }
        Optional<Interface> existing = interfaces.values().stream()
                .filter(candidate -> candidate.vhostUser().filter(v -> v.socketFile().equals(socketFile)).isPresent())
                .findFirst();
        if (existing.isPresent()) {
            return reply(IF_ALREADY_EXISTS, "sw_if_index", (long) existing.get().swIfIndex());
        }
        boolean server = flag(request, "is_server");
        Listener listener = null;
        if (server) {
            // relative names are taken from the runtime directory, never the test's working directory
            Path file = runtimeDirectory.resolve(socketFile);
            try {
                Files.deleteIfExists(file);
                listener = Listener.bind(file);
            } catch (IOException e) {
                log("vhost-user socket " + file + ": " + e);
                return reply(SYSCALL_ERROR_2, "sw_if_index", ALL);
            }
        }
        int swIfIndex = nextSwIfIndex();
        int instance = (int) lowestFree(interfaces.values().stream()
                .flatMap(candidate -> candidate.vhostUser().stream())
                .map(vhost -> (long) vhost.instance()).toList(), 0);
        String name = "VirtualEthernet0/0/"
                + (flag(request, "renumber") ? number(request, "custom_dev_instance") : instance);
        String mac = flag(request, "use_custom_mac") ? MAC.formatHex((byte[]) request.get("mac_address"))
                : generatedMac();
        interfaces.put(swIfIndex, new Interface(swIfIndex, name, "vhost-user", mac, false, false,
                cString(text(request, "tag"), 64), List.of(), new L2Mode.L3(), Optional.empty(),
                Optional.of(new VhostUser(socketFile, server, instance))));
        if (listener != null) {
            vhostListeners.put(swIfIndex, listener);
        }
        return reply(0, "sw_if_index", (long) swIfIndex);
    }

    private Map<String, Object> vhostUserDelete(Map<String, Object> request) {
        Optional<Interface> vhost = find(number(request, "sw_if_index"))
                .filter(found -> found.vhostUser().isPresent());
        if (vhost.isEmpty()) {
            return reply(INVALID_SW_IF_INDEX);
        }
        delete(vhost.get());
        return reply(0);
    }

    /** Removes an interface with what hangs on it: its bridge membership, its listening socket. */
    private void delete(Interface gone) {
        interfaces.remove(gone.swIfIndex());
        gone.memif().ifPresent(memif -> {
            if (memifInterfacesOn(memif.socketId()).findAny().isEmpty()) {
                Optional.ofNullable(memifListeners.remove(memif.socketId())).ifPresent(Listener::close);
            }
        });
        Optional.ofNullable(vhostListeners.remove(gone.swIfIndex())).ifPresent(Listener::close);
    }

    private Map<String, Object> setFlags(Map<String, Object> request) {
        Optional<Interface> found = find(number(request, "sw_if_index"));
        if (found.isEmpty()) {
            return reply(INVALID_SW_IF_INDEX);
        }
        boolean up = (number(request, "flags") & IF_STATUS_ADMIN_UP) != 0;
        Interface changed = found.get().withAdminUp(up);
        if (changed.memif().filter(memif -> memif.role() == MemifRole.SLAVE).isPresent()) {
            changed = changed.withLinkUp(up && masterAnswers(memifSockets.get(changed.memif().get().socketId())));
        }
        interfaces.put(changed.swIfIndex(), changed);
        return reply(0);
    }

    /** Whether a memif master listens on {@code file}: a slave set admin up connects to it, as VPP's does. */
    private static boolean masterAnswers(String file) {
        try (SocketChannel peer = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return peer.connect(UnixDomainSocketAddress.of(file));
        } catch (IOException e) {
            return false;
        }
    }

    private Map<String, Object> tag(Map<String, Object> request) {
        Optional<Interface> found = find(number(request, "sw_if_index"));
        if (found.isEmpty()) {
            return reply(INVALID_SW_IF_INDEX);
        }
        String tag = cString(text(request, "tag"), 64);
        if (flag(request, "is_add") && tag.isEmpty()) {
            return reply(INVALID_VALUE);
        }
        interfaces.put(found.get().swIfIndex(), found.get().withTag(flag(request, "is_add") ? tag : ""));
        return reply(0);
    }

    private Map<String, Object> address(Map<String, Object> request) {
        Optional<Interface> found = find(number(request, "sw_if_index"));
        if (found.isEmpty()) {
            return reply(INVALID_SW_IF_INDEX);
        }
        Interface changed = found.get();
        if (flag(request, "del_all")) {
            interfaces.put(changed.swIfIndex(), changed.withAddresses(List.of()));
            return reply(0);
        }
        if (changed.swIfIndex() == 0) {
            // VPP logs "local0 interface doesn't support IP addressing" and still answers 0
            return reply(0);
        }
        IpPrefix prefix = prefix(map(request, "prefix"));
        List<IpPrefix> addresses = new ArrayList<>(changed.addresses());
        if (flag(request, "is_add")) {
            if (addresses.contains(prefix)) {
                return reply(prefix.address().getAddress().length == 4 ? ADDRESS_IN_USE : DUPLICATE_IF_ADDRESS);
            }
            addresses.add(prefix);
        } else if (!addresses.remove(prefix)) {
            return reply(ADDRESS_NOT_FOUND_FOR_INTERFACE);
        }
        interfaces.put(changed.swIfIndex(), changed.withAddresses(addresses));
        return reply(0);
    }

    private Map<String, Object> bridgeDomainAddDel(Map<String, Object> request) {
        long bdId = number(request, "bd_id");
        if (!flag(request, "is_add")) {
            int retval = !bridgeDomains.containsKey(bdId) ? (bdId == 0 ? BD_NOT_MODIFIABLE : NO_SUCH_ENTRY)
                    : members(bdId).isEmpty() ? 0
                    : BD_IN_USE;
            if (retval == 0) {
                bridgeDomains.remove(bdId);
            }
            return reply(retval, "bd_id", bdId);
        }
        if (bdId == ALL) {
            bdId = lowestFree(bridgeDomains.keySet(), 1);
        }
        // bd 0 always exists in VPP, so adding it is adding an existing one
        if (bdId == 0 || bridgeDomains.containsKey(bdId)) {
            return reply(BD_ALREADY_EXISTS, "bd_id", bdId);
        }
        if (bdId > BD_ID_MAX) {
            return reply(BD_ID_EXCEED_MAX, "bd_id", bdId);
        }
        bridgeDomains.put(bdId, new BridgeDomain(bdId, flag(request, "flood"), flag(request, "uu_flood"),
                flag(request, "forward"), flag(request, "learn"), flag(request, "arp_term"),
                flag(request, "arp_ufwd"), (int) number(request, "mac_age"), cString(text(request, "bd_tag"), 64),
                List.of()));
        return reply(0, "bd_id", bdId);
    }

    private Map<String, Object> l2Bridge(Map<String, Object> request) {
        Optional<Interface> found = find(number(request, "rx_sw_if_index"));
        if (found.isEmpty()) {
            return reply(INVALID_SW_IF_INDEX);
        }
        long portType = number(request, "port_type");
        if (portType > PORT_TYPE_UU_FWD) {
            return reply(INVALID_VALUE);
        }
        Interface joining = found.get();
        if (!flag(request, "enable")) {
            interfaces.put(joining.swIfIndex(), joining.withL2Mode(new L2Mode.L3()));
            return reply(0);
        }
        long bdId = number(request, "bd_id");
        if (bdId > BD_ID_MAX) {
            return reply(BD_ID_EXCEED_MAX);
        }
        if (!bridgeDomains.containsKey(bdId)) {
            return reply(NO_SUCH_ENTRY);
        }
        if (portType == PORT_TYPE_BVI && members(bdId).stream()
                .anyMatch(member -> member.portType() == PORT_TYPE_BVI && member.swIfIndex() != joining.swIfIndex())) {
            return reply(BD_ALREADY_HAS_BVI);
        }
        interfaces.put(joining.swIfIndex(), joining.withL2Mode(
                new L2Mode.Bridge(bdId, (int) number(request, "shg"), (int) portType)));
        return reply(0);
    }

    private Map<String, Object> l2Xconnect(Map<String, Object> request) {
        Optional<Interface> found = find(number(request, "rx_sw_if_index"));
        if (found.isEmpty()) {
            return reply(INVALID_SW_IF_INDEX);
        }
        if (!flag(request, "enable")) {
            interfaces.put(found.get().swIfIndex(), found.get().withL2Mode(new L2Mode.L3()));
            return reply(0);
        }
        Optional<Interface> tx = find(number(request, "tx_sw_if_index"));
        if (tx.isEmpty()) {
            return reply(INVALID_SW_IF_INDEX_2);
        }
        interfaces.put(found.get().swIfIndex(),
                found.get().withL2Mode(new L2Mode.CrossConnect(tx.get().swIfIndex())));
        return reply(0);
    }

    // ---- dumps ----

    /** The details answering a dump, each without its header. */
    private List<Map<String, Object>> details(String name, Map<String, Object> request) {
        return switch (name) {
            case "sw_interface_dump" -> swInterfaces(request).stream().map(VppSimulator::swInterfaceDetails).toList();
            case "memif_socket_filename_dump" -> memifSockets.entrySet().stream()
                    .<Map<String, Object>>map(socket -> Map.of("socket_id", socket.getKey(),
                            "socket_filename", cString(socket.getValue(), 108)))
                    .toList();
            case "memif_dump" -> interfaces.values().stream().filter(found -> found.memif().isPresent())
                    .map(VppSimulator::memifDetails).toList();
            case "sw_interface_vhost_user_dump" -> vhostUsers(number(request, "sw_if_index")).stream()
                    .map(VppSimulator::vhostUserDetails).toList();
            case "bridge_domain_dump" -> bridgeDomains(request).stream().map(this::bridgeDomainDetails).toList();
            default -> {
                log(name + " is not simulated: no details");
                yield List.of();
            }
        };
    }

    private List<Interface> swInterfaces(Map<String, Object> request) {
        long swIfIndex = number(request, "sw_if_index");
        boolean filtered = flag(request, "name_filter_valid");
        if (!filtered && swIfIndex != ALL && swIfIndex != 0) {
            return find(swIfIndex).stream().toList();
        }
        String filter = filtered ? text(request, "name_filter").toLowerCase(Locale.ROOT) : "";
        return interfaces.values().stream()
                .filter(candidate -> candidate.name().toLowerCase(Locale.ROOT).contains(filter))
                .toList();
    }

    private static Map<String, Object> swInterfaceDetails(Interface found) {
        Map<String, Object> details = new HashMap<>();
        details.put("sw_if_index", (long) found.swIfIndex());
        details.put("sup_sw_if_index", (long) found.swIfIndex());
        details.put("l2_address", MAC.parseHex(found.mac()));
        details.put("flags", (long) found.statusFlags());
        details.put("interface_name", found.name());
        details.put("interface_dev_type", found.deviceType());
        details.put("tag", found.tag());
        return details;
    }

    private static Map<String, Object> memifDetails(Interface found) {
        Memif memif = found.memif().orElseThrow();
        Map<String, Object> details = new HashMap<>();
        details.put("sw_if_index", (long) found.swIfIndex());
        details.put("hw_addr", MAC.parseHex(found.mac()));
        details.put("id", memif.id());
        details.put("role", (long) memif.role().ordinal());
        details.put("mode", (long) memif.mode().ordinal());
        details.put("zero_copy", memif.zeroCopy());
        details.put("socket_id", memif.socketId());
        details.put("ring_size", (long) memif.ringSize());
        details.put("buffer_size", (long) memif.bufferSize());
        details.put("flags", (long) found.statusFlags());
        details.put("if_name", found.name());
        return details;
    }

    private List<Interface> vhostUsers(long swIfIndex) {
        return interfaces.values().stream()
                .filter(candidate -> candidate.vhostUser().isPresent())
                .filter(candidate -> swIfIndex == ALL || candidate.swIfIndex() == swIfIndex)
                .toList();
    }

    private static Map<String, Object> vhostUserDetails(Interface found) {
        VhostUser vhost = found.vhostUser().orElseThrow();
        return Map.of("sw_if_index", (long) found.swIfIndex(), "interface_name", found.name(),
                "is_server", vhost.server(), "sock_filename", cString(vhost.socketFile(), 256));
    }

    private List<BridgeDomain> bridgeDomains(Map<String, Object> request) {
        long bdId = number(request, "bd_id");
        // VPP answers nothing for bd 0 and for a sw_if_index filter, which it does not implement
        if (number(request, "sw_if_index") != ALL || bdId == 0) {
            return List.of();
        }
        return bridgeDomains.values().stream().filter(bd -> bdId == ALL || bd.bdId() == bdId).toList();
    }

    private Map<String, Object> bridgeDomainDetails(BridgeDomain bd) {
        List<BridgeMember> members = members(bd.bdId());
        Map<String, Object> details = new HashMap<>();
        details.put("bd_id", bd.bdId());
        details.put("flood", bd.flood());
        details.put("uu_flood", bd.uuFlood());
        details.put("forward", bd.forward());
        details.put("learn", bd.learn());
        details.put("arp_term", bd.arpTerm());
        details.put("arp_ufwd", bd.arpUfwd());
        details.put("mac_age", (long) bd.macAge());
        details.put("bd_tag", bd.tag());
        details.put("bvi_sw_if_index", memberOfType(members, PORT_TYPE_BVI));
        details.put("uu_fwd_sw_if_index", memberOfType(members, PORT_TYPE_UU_FWD));
        details.put("sw_if_details", members.stream()
                .<Map<String, Object>>map(member -> Map.of("sw_if_index", (long) member.swIfIndex(),
                        "shg", (long) member.shg()))
                .toList());
        return details;
    }

    private static long memberOfType(List<BridgeMember> members, int portType) {
        return members.stream().filter(member -> member.portType() == portType)
                .mapToLong(BridgeMember::swIfIndex).findFirst().orElse(ALL);
    }

    // ---- state helpers ----

    private List<BridgeMember> members(long bdId) {
        List<BridgeMember> members = new ArrayList<>();
        for (Interface candidate : interfaces.values()) {
            if (candidate.l2Mode() instanceof L2Mode.Bridge bridge && bridge.bdId() == bdId) {
                members.add(new BridgeMember(candidate.swIfIndex(), bridge.shg(), bridge.portType()));
            }
        }
        return members;
    }

    private Stream<Interface> memifInterfacesOn(long socketId) {
        return interfaces.values().stream()
                .filter(candidate -> candidate.memif().filter(memif -> memif.socketId() == socketId).isPresent());
    }

    /** The interface a u32 sw_if_index names, as VALIDATE_SW_IF_INDEX finds it. */
    private Optional<Interface> find(long swIfIndex) {
        return swIfIndex > Integer.MAX_VALUE ? Optional.empty() : Optional.ofNullable(interfaces.get((int) swIfIndex));
    }

    private int nextSwIfIndex() {
        return (int) lowestFree(interfaces.keySet().stream().map(Integer::longValue).toList(), 1);
    }

    private static long lowestFree(Collection<Long> used, long from) {
        long candidate = from;
        while (used.contains(candidate)) {
            candidate++;
        }
        return candidate;
    }

    /** A locally administered MAC like VPP's random ones (02:fe:...), counted so that runs repeat. */
    private String generatedMac() {
        int issued = ++macsIssued;
        return MAC.formatHex(new byte[] {2, (byte) 0xfe, (byte) (issued >> 24), (byte) (issued >> 16),
                (byte) (issued >> 8), (byte) issued});
    }

    // ---- the message table ----

    private static MessageTable messageTable(Set<String> lacking) {
        Map<String, Integer> ids = new LinkedHashMap<>();
        Map<String, Integer> firstIds = new HashMap<>();
        Set<String> unknown = new HashSet<>(lacking);
        ObjectMapper mapper = new ObjectMapper();
        int next = FIRST_NON_MEMCLNT_ID;
        for (String file : ApiDefinitions.FILES) {
            JsonNode api = read(mapper, file);
            boolean memclnt = file.equals("memclnt");
            JsonNode messages = api.path("messages");
            Integer first = null;
            for (int position = 0; position < messages.size(); position++) {
                String name = messages.get(position).get(0).asText();
                if (memclnt && lacking.contains(name)) {
                    throw new IllegalArgumentException(name + " is memclnt, VPP's core: it cannot be missing");
                }
                unknown.remove(name);
                if (lacking.contains(name) || ids.containsKey(name)) {
                    continue;
                }
                int id = memclnt ? position + 1 : next++;
                ids.put(name, id);
                first = first == null ? id : first;
            }
            if (first != null) {
                firstIds.put(api.path("module").asText(file) + "_"
                        + String.format("%08x", Long.decode(api.path("vl_api_version").asText())), first);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("no VPP API messages " + unknown + " in " + ApiDefinitions.FILES);
        }
        return new MessageTable(Map.copyOf(ids), Map.copyOf(firstIds));
    }

    /** The same .api.json the engine's {@link ApiDefinitions} read, for what they do not keep: file order. */
    private static JsonNode read(ObjectMapper mapper, String file) {
        try (InputStream in = ApiDefinitions.class.getResourceAsStream(file + ".api.json")) {
            if (in == null) {
                throw new IllegalStateException(file + ".api.json is missing from the classpath");
            }
            return mapper.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- value helpers ----

    private static Map<String, Object> reply(int retval, Object... fieldsAndValues) {
        Map<String, Object> reply = new HashMap<>();
        reply.put("retval", (long) retval);
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            reply.put((String) fieldsAndValues[i], fieldsAndValues[i + 1]);
        }
        return reply;
    }

    private static long number(Map<String, Object> message, String field) {
        return ((Number) message.get(field)).longValue();
    }

    private static boolean flag(Map<String, Object> message, String field) {
        return (Boolean) message.get(field);
    }

    private static String text(Map<String, Object> message, String field) {
        return (String) message.get(field);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> message, String field) {
        return (Map<String, Object>) message.get(field);
    }

    /** An address_with_prefix as decoded: {address: {af, un: {ip4, ip6}}, len}. */
    private static IpPrefix prefix(Map<String, Object> prefix) {
        Map<String, Object> address = map(prefix, "address");
        byte[] bytes = (byte[]) map(address, "un").get(number(address, "af") == 0 ? "ip4" : "ip6");
        try {
            return new IpPrefix(InetAddress.getByAddress(bytes), (int) number(prefix, "len"));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of " + bytes.length + " bytes", e);
        }
    }

    /** A string as VPP keeps a fixed {@code string[size]}: at most size-1 bytes. */
    private static String cString(String text, int size) {
        return text.length() < size ? text : text.substring(0, size - 1);
    }

    private static boolean isZero(byte[] bytes) {
        return Arrays.equals(bytes, new byte[bytes.length]);
    }

    private static void deleteStaleSocket(Path file) throws IOException {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)
                && Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
            Files.delete(file);
        }
    }

    private static void closeQuietly(Channel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            log("closing: " + e);
        }
    }

    private static void join(Thread thread) {
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void log(String line) {
        System.err.println("vpp-simulator: " + line);
    }
}
