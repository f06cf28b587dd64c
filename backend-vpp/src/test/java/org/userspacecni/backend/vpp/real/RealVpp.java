package org.userspacecni.backend.vpp.real;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.userspacecni.backend.vpp.api.ApiDefinitions;
import org.userspacecni.backend.vpp.api.Codec;
import org.userspacecni.backend.vpp.api.VppApiClient;
import org.userspacecni.backend.vpp.sim.VppSimulator.BridgeDomain;
import org.userspacecni.backend.vpp.sim.VppSimulator.BridgeMember;
import org.userspacecni.backend.vpp.sim.VppSimulator.Interface;
import org.userspacecni.backend.vpp.sim.VppSimulator.IpPrefix;
import org.userspacecni.backend.vpp.sim.VppSimulator.L2Mode;
import org.userspacecni.backend.vpp.sim.VppSimulator.Memif;
import org.userspacecni.backend.vpp.sim.VppSimulator.MemifMode;
import org.userspacecni.backend.vpp.sim.VppSimulator.MemifRole;
import org.userspacecni.backend.vpp.sim.VppSimulator.MemifSocket;
import org.userspacecni.backend.vpp.sim.VppSimulator.VhostUser;
import org.userspacecni.testkit.VppSandbox;

/**
 * A real VPP for tests ({@link VppSandbox}) and its state read back as the simulator's snapshots, so that a test
 * asserts the same things of both. The state is VPP's own answer to its dumps ({@code sw_interface_dump},
 * {@code memif_dump}, {@code memif_socket_filename_dump}, {@code sw_interface_vhost_user_dump},
 * {@code bridge_domain_dump}, {@code l2_xconnect_dump}) and to its CLI where no dump of ours says it (addresses,
 * whether a memif socket listens, a connected memif's ring counts).
 *
 * <p>What VPP does not tell: a memif's secret (always {@code ""} here), and its queue counts before the memif
 * connects (0 until then: VPP reports the rings it negotiated). Tests prove those by connecting a peer.
 */
public final class RealVpp implements AutoCloseable {

    private static final Codec CODEC = new Codec(ApiDefinitions.standard());
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final long ALL = 0xFFFFFFFFL;
    private static final int ADMIN_UP = 1;
    private static final int LINK_UP = 2;
    private static final Pattern SOCKET_ROW = Pattern.compile("^\\s+(\\d+)\\s+(yes \\(\\d+\\)|no)\\s+(\\S.*)$");
    private static final Pattern RINGS = Pattern.compile("num-s2m-rings (\\d+) num-m2s-rings (\\d+)");

    private final VppSandbox sandbox;

    private RealVpp(VppSandbox sandbox) {
        this.sandbox = sandbox;
    }

    /** A VPP with the memif and vhost-user plugins, in {@code dir}. */
    public static RealVpp start(Path dir) {
        return new RealVpp(VppSandbox.start(dir));
    }

    /** A VPP loading only {@code plugins}, in {@code dir}. */
    public static RealVpp start(Path dir, Set<String> plugins) {
        return new RealVpp(VppSandbox.start(dir, plugins));
    }

    public VppSandbox sandbox() {
        return sandbox;
    }

    public Path apiSocket() {
        return sandbox.apiSocket();
    }

    /** Runs a CLI command through the API ({@code cli_inband}) and returns what VPP printed. */
    public String cli(String command) {
        try (VppApiClient client = connect()) {
            return (String) client.call("cli_inband", Map.of("cmd", command)).get("reply");
        }
    }

    public List<Interface> interfaces() {
        try (VppApiClient client = connect()) {
            Map<Integer, Memif> memifs = memifs(client);
            Map<Integer, VhostUser> vhosts = new HashMap<>();
            List<Map<String, Object>> vhostRows = client.supports(List.of("sw_interface_vhost_user_dump"))
                    ? client.dump("sw_interface_vhost_user_dump", Map.of("sw_if_index", ALL)) : List.of();
            for (Map<String, Object> row : vhostRows) {
                String name = (String) row.get("interface_name");
                vhosts.put(integer(row, "sw_if_index"), new VhostUser((String) row.get("sock_filename"),
                        Boolean.TRUE.equals(row.get("is_server")),
                        Integer.parseInt(name.substring(name.lastIndexOf('/') + 1))));
            }
            Map<Integer, L2Mode> l2 = new HashMap<>();
            for (BridgeDomain domain : bridgeDomains(client)) {
                domain.members().forEach(member -> l2.put(member.swIfIndex(),
                        new L2Mode.Bridge(domain.bdId(), member.shg(), member.portType())));
            }
            client.dump("l2_xconnect_dump", Map.of()).forEach(row -> l2.put(integer(row, "rx_sw_if_index"),
                    new L2Mode.CrossConnect(integer(row, "tx_sw_if_index"))));
            Map<String, List<IpPrefix>> addresses = addresses(
                    (String) client.call("cli_inband", Map.of("cmd", "show interface address")).get("reply"));
            List<Interface> interfaces = new ArrayList<>();
            for (Map<String, Object> row : client.dump("sw_interface_dump", Map.of("sw_if_index", ALL))) {
                int swIfIndex = integer(row, "sw_if_index");
                int flags = integer(row, "flags");
                String name = (String) row.get("interface_name");
                interfaces.add(new Interface(swIfIndex, name, (String) row.get("interface_dev_type"),
                        HexFormat.ofDelimiter(":").formatHex((byte[]) row.get("l2_address")), (flags & ADMIN_UP) != 0,
                        (flags & LINK_UP) != 0, (String) row.get("tag"), addresses.getOrDefault(name, List.of()),
                        l2.getOrDefault(swIfIndex, new L2Mode.L3()), Optional.ofNullable(memifs.get(swIfIndex)),
                        Optional.ofNullable(vhosts.get(swIfIndex))));
            }
            return interfaces;
        }
    }

    public Optional<Interface> findInterface(int swIfIndex) {
        return interfaces().stream().filter(found -> found.swIfIndex() == swIfIndex).findFirst();
    }

    public Optional<Interface> findInterface(String name) {
        return interfaces().stream().filter(found -> found.name().equals(name)).findFirst();
    }

    public List<BridgeDomain> bridgeDomains() {
        try (VppApiClient client = connect()) {
            return bridgeDomains(client);
        }
    }

    /**
     * The memif socket files VPP knows, id 0 (its default) among them; {@code listening} while a master uses one.
     * None in a VPP without the memif plugin.
     */
    public List<MemifSocket> memifSockets() {
        List<MemifSocket> sockets = new ArrayList<>();
        try (VppApiClient client = connect()) {
            if (!client.supports(List.of("memif_dump"))) {
                return sockets;
            }
        }
        boolean inTable = false;
        for (String line : cli("show memif").split("\n")) {
            if (line.startsWith("sockets")) {
                inTable = true;
            } else if (inTable && line.startsWith("interface")) {
                break;
            } else if (inTable) {
                Matcher row = SOCKET_ROW.matcher(line);
                if (row.matches()) {
                    sockets.add(new MemifSocket(Long.parseLong(row.group(1)), row.group(3).trim(),
                            row.group(2).startsWith("yes")));
                }
            }
        }
        return sockets;
    }

    /** VPP going away: it keeps nothing, so a restarted one is empty. */
    public void stop() {
        sandbox.stop();
    }

    public void start() {
        sandbox.start();
    }

    @Override
    public void close() {
        sandbox.close();
    }

    private VppApiClient connect() {
        return VppApiClient.connect(sandbox.apiSocket(), CODEC, TIMEOUT);
    }

    private Map<Integer, Memif> memifs(VppApiClient client) {
        Map<Integer, Memif> memifs = new HashMap<>();
        if (!client.supports(List.of("memif_dump"))) {
            return memifs; // a VPP without the memif plugin
        }
        for (Map<String, Object> row : client.dump("memif_dump", Map.of())) {
            int swIfIndex = integer(row, "sw_if_index");
            MemifRole role = MemifRole.values()[integer(row, "role")];
            String shown = (String) client.call("cli_inband", Map.of("cmd", "show memif " + row.get("if_name")))
                    .get("reply");
            Matcher rings = RINGS.matcher(shown);
            boolean connected = rings.find();
            int s2m = connected ? Integer.parseInt(rings.group(1)) : 0;
            int m2s = connected ? Integer.parseInt(rings.group(2)) : 0;
            boolean master = role == MemifRole.MASTER;
            memifs.put(swIfIndex, new Memif(integer(row, "socket_id"), integer(row, "id"), role,
                    MemifMode.values()[integer(row, "mode")], integer(row, "ring_size"), integer(row, "buffer_size"),
                    master ? s2m : m2s, master ? m2s : s2m, "", Boolean.TRUE.equals(row.get("zero_copy"))));
        }
        return memifs;
    }

    private static List<BridgeDomain> bridgeDomains(VppApiClient client) {
        List<BridgeDomain> domains = new ArrayList<>();
        for (Map<String, Object> row : client.dump("bridge_domain_dump", Map.of("bd_id", ALL, "sw_if_index", ALL))) {
            int bvi = integer(row, "bvi_sw_if_index");
            int uuFwd = integer(row, "uu_fwd_sw_if_index");
            List<BridgeMember> members = ((List<?>) row.get("sw_if_details")).stream().map(member -> {
                int swIfIndex = integer((Map<?, ?>) member, "sw_if_index");
                int portType = swIfIndex == bvi ? 1 : swIfIndex == uuFwd ? 2 : 0;
                return new BridgeMember(swIfIndex, integer((Map<?, ?>) member, "shg"), portType);
            }).toList();
            domains.add(new BridgeDomain(integer(row, "bd_id"), flag(row, "flood"), flag(row, "uu_flood"),
                    flag(row, "forward"), flag(row, "learn"), flag(row, "arp_term"), flag(row, "arp_ufwd"),
                    integer(row, "mac_age"), (String) row.get("bd_tag"), members));
        }
        return domains;
    }

    /** {@code show interface address}: a line per interface ({@code name (up):}), then {@code L3 a/len} lines. */
    private static Map<String, List<IpPrefix>> addresses(String shown) {
        Map<String, List<IpPrefix>> addresses = new HashMap<>();
        String current = null;
        for (String line : shown.split("\n")) {
            if (!line.startsWith(" ") && line.contains(" (")) {
                current = line.substring(0, line.indexOf(" ("));
            } else if (current != null && line.trim().startsWith("L3 ")) {
                String prefix = line.trim().substring(3).trim();
                int slash = prefix.indexOf('/');
                try {
                    addresses.computeIfAbsent(current, name -> new ArrayList<>()).add(new IpPrefix(
                            InetAddress.getByName(prefix.substring(0, slash)),
                            Integer.parseInt(prefix.substring(slash + 1))));
                } catch (UnknownHostException e) {
                    throw new IllegalStateException("VPP showed an address that is none: " + line, e);
                }
            }
        }
        return addresses;
    }

    private static int integer(Map<?, ?> row, String field) {
        return (int) ((Number) row.get(field)).longValue();
    }

    private static boolean flag(Map<?, ?> row, String field) {
        return Boolean.TRUE.equals(row.get(field));
    }
}
