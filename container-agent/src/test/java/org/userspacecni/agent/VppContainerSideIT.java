package org.userspacecni.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.userspacecni.backend.vpp.real.RealVpp;
import org.userspacecni.backend.vpp.sim.VppSimulator.BridgeDomain;
import org.userspacecni.backend.vpp.sim.VppSimulator.BridgeMember;
import org.userspacecni.backend.vpp.sim.VppSimulator.Interface;
import org.userspacecni.backend.vpp.sim.VppSimulator.IpPrefix;
import org.userspacecni.backend.vpp.sim.VppSimulator.L2Mode;
import org.userspacecni.backend.vpp.sim.VppSimulator.Memif;
import org.userspacecni.backend.vpp.sim.VppSimulator.MemifMode;
import org.userspacecni.backend.vpp.sim.VppSimulator.MemifRole;
import org.userspacecni.backend.vpp.sim.VppSimulator.MemifSocket;
import org.userspacecni.core.Json;
import org.userspacecni.testkit.Await;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.HostLocalIpam;
import org.userspacecni.testkit.NetworkNamespace;

/**
 * The {@code vpp} engine end to end on two real VPPs, a host's and a container's: the plugin ADDs a memif
 * attachment, and the host's VPP has the tagged memif master on {@code <sharedDir>/memif-<cid12>-net1.sock},
 * admin up, in bridge domain 7 that the engine made and marked; {@code usrsp-agent run} gives the container's
 * VPP the slave on the same socket file, admin up, tagged, with the IPAM addresses at their own prefix lengths
 * (IPv4 /24 and /28, IPv6); the two ends connect (link up on both, one queue pair each way); {@code status}
 * reports the link as the container's VPP sees it, up and then down. DEL takes everything away on the host, and
 * the agent takes the container's end away.
 */
class VppContainerSideIT {

    static final String NETWORK = "userspace-vpp-net";
    static final String IF_NAME = "net1";
    static final long BRIDGE_DOMAIN = 7;
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path root;

    static Stream<Arguments> subnets() {
        return Stream.of(
                Arguments.of("IPv4 /24", List.of("10.56.217.0/24")),
                Arguments.of("IPv4 /28", List.of("10.56.218.16/28")),
                Arguments.of("IPv4 /28 and IPv6 /64", List.of("10.56.219.32/28", "fd00:56:219::/64")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("subnets")
    void theHostsMasterAndTheContainersSlaveMeetOnOneSocketAndGoAwayWithDel(String label, List<String> subnets)
            throws Exception {
        String containerId = UUID.randomUUID().toString().replace("-", "")
                + UUID.randomUUID().toString().replace("-", "");
        Path shared = root.resolve("shared");
        Path socket = shared.resolve("memif-" + containerId.substring(0, 12) + "-" + IF_NAME + ".sock");
        String tag = tag(NETWORK, containerId, IF_NAME);
        Path dataDir = root.resolve("data").resolve(containerId);
        Path ipamDir = root.resolve("ipam");

        List<AutoCloseable> cleanup = new ArrayList<>();
        try {
            RealVpp hostVpp = RealVpp.start(root.resolve("host-vpp"));
            cleanup.add(0, hostVpp);
            RealVpp containerVpp = RealVpp.start(root.resolve("container-vpp"));
            cleanup.add(0, containerVpp);
            NetworkNamespace netns = NetworkNamespace.create();
            cleanup.add(0, netns);

            String config = "{\"cniVersion\":\"1.1.0\",\"name\":\"" + NETWORK + "\",\"type\":\"userspace\","
                    + "\"sharedDir\":\"" + shared + "\",\"dataDir\":\"" + root.resolve("data") + "\","
                    + "\"host\":{\"engine\":\"vpp\",\"iftype\":\"memif\",\"netType\":\"bridge\","
                    + "\"bridge\":{\"bridgeName\":\"" + BRIDGE_DOMAIN + "\"},"
                    + "\"options\":{\"apiSocket\":\"" + hostVpp.apiSocket() + "\"}},"
                    + "\"container\":{\"engine\":\"vpp\",\"iftype\":\"memif\",\"netType\":\"interface\"},"
                    + "\"ipam\":" + hostLocal(ipamDir, subnets) + "}";
            CniInvocation plugin = new CniInvocation(Path.of(System.getProperty("userspace.plugin")))
                    .env("CNI_CONTAINERID", containerId).env("CNI_NETNS", netns.path().toString())
                    .env("CNI_IFNAME", IF_NAME).env("CNI_PATH", HostLocalIpam.CNI_BIN.toString());

            CniInvocation.Outcome added = plugin.run("ADD", config);
            assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
            List<IpPrefix> addresses = addresses(added.json());
            assertThat(addresses).as("one address per subnet: " + added.stdout()).hasSameSizeAs(subnets);
            assertThat(addresses).extracting(IpPrefix::length)
                    .containsExactlyElementsOf(subnets.stream().map(VppContainerSideIT::prefixLength).toList());

            // The host's end: the tagged master, admin up, in the bridge domain the engine made and marked.
            Interface master = tagged(hostVpp, tag).orElseThrow(() -> new AssertionError(
                    "no interface tagged " + tag + " in the host's VPP: " + hostVpp.interfaces()));
            Memif hostMemif = master.memif().orElseThrow(() -> new AssertionError(master + " is not a memif"));
            assertThat(hostMemif.role()).isEqualTo(MemifRole.MASTER);
            assertThat(hostMemif.mode()).isEqualTo(MemifMode.ETHERNET);
            assertThat(hostMemif.id()).isZero();
            assertThat(hostVpp.memifSockets()).contains(new MemifSocket(hostMemif.socketId(), socket.toString(), true));
            assertThat(master.adminUp()).isTrue();
            assertThat(hostVpp.interfaces()).extracting(Interface::name).containsExactly("local0", master.name());
            assertThat(master.addresses()).isEmpty();
            assertThat(master.l2Mode()).isEqualTo(new L2Mode.Bridge(BRIDGE_DOMAIN, 0, 0));
            BridgeDomain bridgeDomain = hostVpp.bridgeDomains().stream().filter(bd -> bd.bdId() == BRIDGE_DOMAIN)
                    .findFirst().orElseThrow(() -> new AssertionError("no bridge domain " + BRIDGE_DOMAIN + " in "
                            + hostVpp.bridgeDomains()));
            assertThat(bridgeDomain.tag()).isEqualTo("usrsp:created");
            assertThat(bridgeDomain.flood()).isTrue();
            assertThat(bridgeDomain.forward()).isTrue();
            assertThat(bridgeDomain.learn()).isTrue();
            assertThat(bridgeDomain.members()).containsExactly(new BridgeMember(master.swIfIndex(), 0, 0));
            assertThat(isSocket(socket)).as(socket + " is the socket the host's VPP listens on").isTrue();

            // The container's end, as the agent makes it in the container's VPP.
            Path agentLog = root.resolve("agent-" + label.replaceAll("[^A-Za-z0-9]", "") + ".log");
            Process agent = new ProcessBuilder(System.getProperty("usrsp.agent"), "--data-dir", dataDir.toString(),
                    "--shared-dir", shared.toString(), "--engine-option", "vpp.apiSocket=" + containerVpp.apiSocket().toString(),
                    "--state-dir", root.resolve("agent-" + label.replaceAll("[^A-Za-z0-9]", "")).toString(), "run")
                    .redirectErrorStream(true).redirectOutput(agentLog.toFile()).start();
            cleanup.add(0, () -> stop(agent));
            // The agent says so once every step of the attachment is done, addresses last.
            Await.until("the agent applies the attachment", WAIT, () -> read(agentLog).contains("applied "),
                    () -> containerVpp.interfaces() + "\nagent: " + read(agentLog));
            Interface slave = Await.find("the agent's memif in the container's VPP", WAIT,
                    () -> tagged(containerVpp, tag), () -> containerVpp.interfaces() + "\nagent: " + read(agentLog));
            Memif containerMemif = slave.memif().orElseThrow(() -> new AssertionError(slave + " is not a memif"));
            assertThat(containerMemif.role()).isEqualTo(MemifRole.SLAVE);
            assertThat(containerMemif.mode()).isEqualTo(MemifMode.ETHERNET);
            assertThat(containerMemif.id()).isEqualTo(hostMemif.id());
            assertThat(containerVpp.memifSockets())
                    .contains(new MemifSocket(containerMemif.socketId(), socket.toString(), false));
            assertThat(slave.adminUp()).isTrue();
            assertThat(slave.addresses()).containsExactlyInAnyOrderElementsOf(addresses);
            assertThat(slave.l2Mode()).isEqualTo(new L2Mode.L3());
            assertThat(slave.mac()).isEqualTo(storedMac(dataDir.resolve(IF_NAME + ".json")));
            assertThat(containerVpp.interfaces()).extracting(Interface::name).containsExactly("local0", slave.name());

            // The two ends connect: link up on both, and each reports the one queue pair they agreed on.
            Await.until("the memif connects", WAIT, () -> linkUp(hostVpp, tag) && linkUp(containerVpp, tag),
                    () -> hostVpp.cli("show memif") + "\n" + containerVpp.cli("show memif"));
            Memif connectedMaster = tagged(hostVpp, tag).flatMap(Interface::memif).orElseThrow();
            Memif connectedSlave = tagged(containerVpp, tag).flatMap(Interface::memif).orElseThrow();
            assertThat(List.of(connectedMaster.rxQueues(), connectedMaster.txQueues(), connectedSlave.rxQueues(),
                    connectedSlave.txQueues())).containsOnly(1);

            // status reports the link as the container's VPP has it: up, as the slave reached the host's master,
            // and down once the container's VPP takes its end down (it leaves the connection).
            String[] status = {"--data-dir", dataDir.toString(), "--shared-dir", shared.toString(), "--engine-option",
                    "vpp.apiSocket=" + containerVpp.apiSocket().toString(), "status"};
            String line = "(?m)^" + NETWORK + " +" + IF_NAME + " +vpp +%s +" + socket.getFileName() + "$";
            AgentProcess.Outcome up = AgentProcess.run(status);
            assertThat(up.stdout()).as(up.stderr()).containsPattern(line.formatted("up"));
            assertThat(up.exitCode()).isZero();
            containerVpp.sandbox().vppctl("set", "interface", "state", slave.name(), "down");
            Await.until("the container's memif link goes down", WAIT, () -> !linkUp(containerVpp, tag),
                    () -> containerVpp.cli("show memif"));
            AgentProcess.Outcome down = AgentProcess.run(status);
            assertThat(down.stdout()).as(down.stderr()).containsPattern(line.formatted("down"));
            assertThat(down.exitCode()).isEqualTo(1);

            // DEL: nothing of the attachment is left on the host, and the agent removes the container's end.
            CniInvocation.Outcome deleted = plugin.run("DEL", config);
            assertThat(deleted.exitCode()).as(deleted.stdout() + deleted.stderr()).isZero();
            assertThat(hostVpp.interfaces()).extracting(Interface::name).containsExactly("local0");
            assertThat(hostVpp.memifSockets()).extracting(MemifSocket::socketId).containsExactly(0L);
            assertThat(hostVpp.bridgeDomains()).extracting(BridgeDomain::bdId).doesNotContain(BRIDGE_DOMAIN);
            assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).as(socket + " is gone").isFalse();
            // The agent removes the interface, then its socket id: done when both are gone.
            Await.until("the agent removes the container's memif and its socket", WAIT,
                    () -> tagged(containerVpp, tag).isEmpty() && containerVpp.memifSockets().size() == 1,
                    () -> containerVpp.interfaces() + " " + containerVpp.memifSockets() + "\nagent: " + read(agentLog));
            assertThat(containerVpp.interfaces()).extracting(Interface::name).containsExactly("local0");
            assertThat(containerVpp.memifSockets()).extracting(MemifSocket::socketId).containsExactly(0L);
            assertThat(dataDir).doesNotExist();
            assertThat(leases(ipamDir)).isEmpty();
            assertThat(agent.isAlive()).as("the agent keeps following the store: " + read(agentLog)).isTrue();
        } finally {
            closeAll(cleanup);
        }
    }

    /** The host-local section: one range per subnet, so a dual-stack case leases one address of each family. */
    static String hostLocal(Path dataDir, List<String> subnets) {
        return "{\"type\":\"host-local\",\"ranges\":["
                + subnets.stream().map(subnet -> "[{\"subnet\":\"" + subnet + "\"}]").collect(Collectors.joining(","))
                + "],\"dataDir\":\"" + dataDir + "\"}";
    }

    /**
     * The ownership mark of the engine (docs/vpp.md):
     * usrsp:<sha256(network), 8 hex>:<cid, 12>~<sha256(cid), 18 hex>:<ifname>.
     */
    static String tag(String network, String containerId, String ifName) throws NoSuchAlgorithmException {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(network.getBytes(StandardCharsets.UTF_8));
        byte[] container = MessageDigest.getInstance("SHA-256").digest(containerId.getBytes(StandardCharsets.UTF_8));
        return "usrsp:" + HexFormat.of().formatHex(digest, 0, 4) + ":" + containerId.substring(0, 12) + "~"
                + HexFormat.of().formatHex(container).substring(0, 18) + ":" + ifName;
    }

    static Optional<Interface> tagged(RealVpp vpp, String tag) {
        return vpp.interfaces().stream().filter(iface -> iface.tag().equals(tag)).findFirst();
    }

    static boolean linkUp(RealVpp vpp, String tag) {
        return tagged(vpp, tag).map(Interface::linkUp).orElse(false);
    }

    /** The {@code ips[].address} of a CNI result, as VPP keeps an address with its prefix. */
    static List<IpPrefix> addresses(JsonNode result) {
        List<IpPrefix> addresses = new ArrayList<>();
        for (JsonNode ip : result.path("ips")) {
            String cidr = ip.path("address").asText();
            int slash = cidr.indexOf('/');
            try {
                addresses.add(new IpPrefix(InetAddress.getByName(cidr.substring(0, slash)),
                        Integer.parseInt(cidr.substring(slash + 1))));
            } catch (UnknownHostException e) {
                throw new AssertionError("not an address: " + cidr, e);
            }
        }
        return addresses;
    }

    static int prefixLength(String subnet) {
        return Integer.parseInt(subnet.substring(subnet.indexOf('/') + 1));
    }

    static String storedMac(Path document) throws IOException {
        return Json.mapper().readTree(document.toFile()).path("mac").asText();
    }

    /** The addresses host-local still holds: every file of its store but its lock and its last-reserved marks. */
    static List<String> leases(Path ipamDir) throws IOException {
        if (!Files.isDirectory(ipamDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(ipamDir)) {
            return files.filter(Files::isRegularFile).map(file -> file.getFileName().toString())
                    .filter(name -> !name.equals("lock") && !name.startsWith("last_reserved_ip")).sorted().toList();
        }
    }

    static boolean isSocket(Path path) {
        try {
            return Files.exists(path, LinkOption.NOFOLLOW_LINKS)
                    && ((int) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000) == 0140000;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes each resource, in order, even when one fails; the first failure is thrown at the end. */
    static void closeAll(List<AutoCloseable> resources) throws Exception {
        Exception first = null;
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Stops the agent by its pid (SIGTERM) and waits for it. */
    static void stop(Process agent) throws InterruptedException {
        agent.destroy();
        if (!agent.waitFor(30, TimeUnit.SECONDS)) {
            agent.destroyForcibly();
            agent.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
