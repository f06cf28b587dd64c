package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.testkit.Await;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.HostLocalIpam;
import org.userspacecni.testkit.NetworkNamespace;
import org.userspacecni.testkit.OvsSandbox;
import org.userspacecni.testkit.Testpmd;

/**
 * VLANs, policing and mirrors on a private OVS-DPDK, proven with packets: pods are testpmds in network namespaces
 * on the vhost-user ports the plugin's ADD made on one bridge. Two pods on different access VLANs do not hear each
 * other while a pod on the sender's VLAN does; a trunk pod receives both VLANs' packets, still tagged (testpmd strips
 * the tag and prints it); a policed pod's packets reach the others at its rate, not at the rate it sends; a mirror's
 * consumer receives what its producer sends and nothing of a bystander's, and DEL takes the mirror away while the
 * operator's and another network's stay as they were. CHECK sees a port whose VLANs, policing or mirror someone
 * changed.
 */
class OvsDatapathFeaturesIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** testpmd's txonly frames: 64 bytes. */
    private static final int FRAME_BYTES = 64;
    /** OVS's policer counts a frame's bytes after its Ethernet header, as the kernel's does. */
    private static final int POLICED_BITS = (FRAME_BYTES - 14) * 8;
    private static final Pattern RX_BPS = Pattern.compile("Rx-bps:\\s+(\\d+)");
    private static final Pattern TX_BPS = Pattern.compile("Tx-bps:\\s+(\\d+)");

    @TempDir
    Path root;

    private OvsSandbox ovs;
    private HostLocalIpam ipam;
    private final List<AutoCloseable> started = new ArrayList<>();

    @BeforeEach
    void start() {
        ovs = OvsSandbox.start(root.resolve("ovs"));
        ovs.startVswitchd("usrsp-vlans");
        ipam = HostLocalIpam.in(root.resolve("ipam"));
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
        ovs.close();
    }

    @Test
    void accessVlansAreApartAndATrunkReceivesBothTagged() throws Exception {
        Pod sender100 = add("send100", "\"vlan\":100", "\"policing\":{\"rate\":2000}");
        Pod listener100 = add("hear100", "\"vlanId\":100", "");
        Pod listener200 = add("hear200", "\"vlan\":200", "");
        Pod trunk = add("trunk", "\"trunk\":[{\"id\":100},{\"minID\":200,\"maxID\":201}]", "");
        assertThat(ovs.vsctl("get", "Port", trunk.port, "trunks").strip()).isEqualTo("[100, 200, 201]");
        assertThat(ovs.vsctl("get", "Port", listener200.port, "tag").strip()).isEqualTo("200");

        Path verbose = root.resolve("verbose.cmds");
        Files.writeString(verbose, "set verbose 1\n");
        Testpmd hears100 = listener100.testpmd(1, "rxonly");
        Testpmd hears200 = listener200.testpmd(1, "rxonly");
        Testpmd trunkHears = trunk.testpmd(1, "rxonly", "--enable-hw-vlan-strip", "--cmdline-file=" + verbose);
        Testpmd sends100 = sender100.testpmd(0, "txonly");
        long heard = Await.find("the pod on VLAN 100 receiving the sender's packets", WAIT,
                () -> hears100.rxPackets().filter(n -> n > 100), hears100::log);
        Await.until("the trunk pod receiving them tagged 100", WAIT,
                () -> trunkHears.log().contains("VLAN tci=0x64"), () -> tail(trunkHears.log()));
        sends100.close();
        assertThat(hears200.rxPackets().orElse(0L)).as("packets on VLAN 200 from a sender on VLAN 100, while the"
                + " pod on VLAN 100 received " + heard).isZero();
        assertThat(trunkHears.log()).doesNotContain("VLAN tci=0xc8");

        Pod sender200 = add("send200", "\"vlan\":200", "\"policing\":{\"rate\":2000}");
        Testpmd sends200 = sender200.testpmd(0, "txonly");
        Await.until("the pod on VLAN 200 receiving the second sender's packets", WAIT,
                () -> hears200.rxPackets().filter(n -> n > 100).isPresent(), hears200::log);
        Await.until("the trunk pod receiving them tagged 200", WAIT,
                () -> trunkHears.log().contains("VLAN tci=0xc8"), () -> tail(trunkHears.log()));
        sends200.close();
        System.err.println("VLANs: VLAN 100 heard " + hears100.rxPackets().orElse(0L) + ", VLAN 200 heard "
                + hears200.rxPackets().orElse(0L) + ", the trunk " + trunkHears.rxPackets().orElse(0L));

        for (Pod pod : List.of(sender100, listener100, listener200, trunk, sender200)) {
            pod.check(0);
        }
        ovs.vsctl("set", "Port", trunk.port, "trunks=100");
        trunk.check(ErrorCode.ATTACHMENT_DIFFERS.code());
        ovs.vsctl("set", "Interface", sender100.port, "ingress_policing_rate=0");
        sender100.check(ErrorCode.ATTACHMENT_DIFFERS.code());
        listener200.check(0);
        for (Pod pod : List.of(sender100, listener100, listener200, trunk, sender200)) {
            pod.delete();
        }
        assertThat(ovs.vsctl("--bare", "--columns=name", "list", "Port").strip()).as("ports after DEL").isEmpty();
    }

    @Test
    void aPolicedPodReachesOthersAtItsRateNotAtTheRateItSends() throws Exception {
        int rate = 10_000;
        Pod policed = add("policed", "", "\"policing\":{\"rate\":" + rate + ",\"burst\":1000}");
        Pod listener = add("listener", "", "");
        assertThat(ovs.vsctl("get", "Interface", policed.port, "ingress_policing_rate").strip())
                .isEqualTo(String.valueOf(rate));
        assertThat(ovs.vsctl("get", "Interface", policed.port, "ingress_policing_burst").strip()).isEqualTo("1000");

        Testpmd hears = listener.testpmd(1, "rxonly");
        Testpmd sends = policed.testpmd(0, "txonly");
        // testpmd prints a rate a second; five after the first that shows packets are the steady state.
        List<Long> receivedRates = Await.find("five seconds of the listener's receive rate", WAIT,
                () -> Optional.of(samples(RX_BPS, hears.log())).filter(rates -> rates.size() >= 6),
                () -> tail(hears.log()));
        List<Long> sentRates = samples(TX_BPS, sends.log());
        sends.close();
        // testpmd's rates count whole frames; the policer's, their bytes after the Ethernet header.
        long received = median(receivedRates.subList(receivedRates.size() - 5, receivedRates.size()))
                / (FRAME_BYTES * 8) * POLICED_BITS;
        long sent = median(sentRates.subList(Math.max(0, sentRates.size() - 5), sentRates.size()))
                / (FRAME_BYTES * 8) * POLICED_BITS;
        System.err.println("policing at " + rate + " kbit/s: the pod sent " + sent / 1000 + " kbit/s, the listener"
                + " received " + received / 1000 + " kbit/s (" + received / POLICED_BITS + " frames/s), as OVS"
                + " counts them");
        assertThat(sent).as("what the pod sent, bit/s as OVS counts them").isGreaterThan(3L * rate * 1000);
        assertThat(received).as("what reached the listener, bit/s as OVS counts them").isBetween(rate * 1000L / 2,
                rate * 1000L * 11 / 10);
        policed.check(0);
        policed.delete();
        listener.delete();
    }

    @Test
    void aMirrorsConsumerReceivesWhatItsProducerSendsAndTheLastDelTakesTheMirrorAway() throws Exception {
        Pod consumer = add("consumer", "", "\"mirrors\":[{\"name\":\"tap\",\"consumer\":true}]");
        Pod producer = add("producer", "", "\"policing\":{\"rate\":2000},"
                + "\"mirrors\":[{\"name\":\"tap\",\"ingress\":true,\"egress\":false}]");
        Pod bystander = add("bystander", "", "\"policing\":{\"rate\":2000}");
        // Neighbours: the operator's mirror of the bystander's port, and another network's mirror, on this bridge.
        ovs.vsctl("--", "--id=@p", "get", "Port", bystander.port, "--", "--id=@m", "create", "Mirror", "name=op-tap",
                "select-src-port=@p", "--", "add", "Bridge", "br-vlans", "mirrors", "@m");
        Pod otherNetwork = add("other", "vlans-other", "\"bridgeName\":\"br-vlans\"", "\"mirrors\":[{\"name\":\"tap-other\"}]");
        Pod otherBridge = add("otherbr", "vlans-other", "\"bridgeName\":\"br-other\"",
                "\"mirrors\":[{\"name\":\"tap\"}]");
        String neighbours = mirrors("op-tap", "tap-other");
        String namesake = ovs.vsctl("--bare", "--columns=_uuid,select_src_port", "find", "Mirror",
                "external_ids:userspace-cni/network=vlans-other", "name=tap");
        assertThat(namesake).as("another network's mirror named tap on another bridge").isNotBlank();

        Path verbose = root.resolve("verbose.cmds");
        Files.writeString(verbose, "set verbose 1\n");
        Testpmd copies = consumer.testpmd(1, "rxonly", "--cmdline-file=" + verbose);
        Testpmd sends = producer.testpmd(0, "txonly");
        Testpmd noise = bystander.testpmd(0, "txonly");
        Await.until("the consumer receiving the producer's packets", WAIT,
                () -> copies.log().contains("src=" + producer.mac.toUpperCase(Locale.ROOT)), () -> tail(copies.log()));
        Await.until("the bystander sending", WAIT, () -> noise.txPackets().filter(n -> n > 1000).isPresent(),
                noise::log);
        sends.close();
        noise.close();
        assertThat(copies.log()).as("the consumer receives copies of the producer's packets only")
                .doesNotContain("src=" + bystander.mac.toUpperCase(Locale.ROOT));

        producer.check(0);
        consumer.check(0);
        addRefused("intruder", "\"mirrors\":[{\"name\":\"op-tap\"}]");
        addRefused("intruder", "\"mirrors\":[{\"name\":\"tap-other\"}]");
        String tap = ovs.vsctl("--bare", "--columns=_uuid", "find", "Mirror", "external_ids:userspace-cni/network=vlans",
                "name=tap").strip();
        ovs.vsctl("--", "--id=@p", "get", "Port", producer.port, "--", "remove", "Mirror", tap, "select_src_port",
                "@p");
        producer.check(ErrorCode.ATTACHMENT_DIFFERS.code());

        producer.delete();
        assertThat(mirrors("tap")).as("the mirror keeps its consumer").contains("name=tap");
        consumer.delete();
        assertThat(ovs.vsctl("--bare", "--columns=_uuid", "find", "Mirror", "external_ids:userspace-cni/network=vlans",
                "name=tap").strip()).as("the mirror after its last port's DEL").isEmpty();
        assertThat(mirrors("op-tap", "tap-other")).isEqualTo(neighbours);
        assertThat(ovs.vsctl("--bare", "--columns=_uuid,select_src_port", "find", "Mirror",
                "external_ids:userspace-cni/network=vlans-other", "name=tap")).isEqualTo(namesake);
        System.err.println("mirrors left to their owners:\n" + neighbours + namesake);
        bystander.delete();
        assertThat(mirrors("op-tap")).as("the operator's mirror, its port gone").contains("name=op-tap");
        otherNetwork.delete();
        otherBridge.delete();
    }

    /** The named mirrors as OVS lists them: name, ports selected and output, marks. */
    private String mirrors(String... names) {
        StringBuilder rows = new StringBuilder();
        for (String name : names) {
            String found = ovs.vsctl("--columns=name,select_src_port,select_dst_port,output_port,external_ids",
                    "--format=list", "--data=bare", "find", "Mirror", "name=" + name).strip();
            if (!found.isEmpty()) {
                rows.append(found.replaceAll("(?m)^name\\s*: ", "name=")).append('\n');
            }
        }
        return rows.toString();
    }

    /** An ADD that must fail with 7 and leave no port behind. */
    private void addRefused(String name, String more) throws Exception {
        String before = ovs.vsctl("--bare", "--columns=name", "list", "Port");
        NetworkNamespace netns = NetworkNamespace.create();
        started.add(netns);
        String config = config("vlans", "\"bridgeName\":\"br-vlans\"", more);
        CniInvocation.Outcome added = PluginFixture.invocation(name + "0000000000000000", netns).run("ADD", config);
        assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isEqualTo(1);
        assertThat(added.json().path("code").asInt()).as(added.stdout()).isEqualTo(7);
        assertThat(ovs.vsctl("--bare", "--columns=name", "list", "Port")).isEqualTo(before);
    }

    /** A pod of network {@code vlans} on bridge {@code br-vlans}, with {@code vlans} in its bridge section. */
    private Pod add(String name, String vlans, String more) throws Exception {
        return add(name, "vlans", "\"bridgeName\":\"br-vlans\"" + (vlans.isEmpty() ? "" : "," + vlans), more);
    }

    private String config(String network, String bridge, String more) {
        return "{\"cniVersion\":\"1.1.0\",\"name\":\"" + network + "\",\"type\":\"userspace\",\"sharedDir\":\""
                + root.resolve("shared") + "\",\"dataDir\":\"" + root.resolve("data") + "\",\"host\":{\"engine\":"
                + "\"ovs-dpdk\",\"iftype\":\"vhostuser\",\"netType\":\"bridge\",\"vhost\":{\"mode\":\"client\"},"
                + "\"bridge\":{" + bridge + "},"
                + (more.isEmpty() ? "" : more + ",") + "\"options\":{\"ovsdbSocket\":\"" + ovs.dbSocket() + "\"}},"
                + "\"ipam\":" + ipam.section() + "}";
    }

    private Pod add(String name, String network, String bridge, String more) throws Exception {
        NetworkNamespace netns = NetworkNamespace.create();
        started.add(netns);
        String containerId = name + "0000000000000000";
        String config = config(network, bridge, more);
        CniInvocation plugin = PluginFixture.invocation(containerId, netns);
        CniInvocation.Outcome added = plugin.run("ADD", config);
        assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
        String socket = added.json().at("/interfaces/0/socketPath").asText();
        String mac = added.json().at("/interfaces/1/mac").asText(added.json().at("/interfaces/0/mac").asText());
        String check = config.substring(0, config.length() - 1) + ",\"prevResult\":" + added.stdout().strip() + "}";
        return new Pod(netns, plugin, config, check, socket, Path.of(socket).getFileName().toString(), mac);
    }

    private final class Pod {
        final NetworkNamespace netns;
        final CniInvocation plugin;
        final String config;
        final String check;
        final String socket;
        final String port;
        final String mac;

        Pod(NetworkNamespace netns, CniInvocation plugin, String config, String check, String socket, String port,
                String mac) {
            this.netns = netns;
            this.plugin = plugin;
            this.config = config;
            this.check = check;
            this.socket = socket;
            this.port = port;
            this.mac = mac;
        }

        /** testpmd on this pod's port, as its frontend (the host port is a vhost-user client). */
        Testpmd testpmd(int cpu, String mode, String... options) {
            Testpmd testpmd = Testpmd.start(netns, cpu, List.of("--vdev=net_virtio_user0,path=" + socket
                    + ",server=1,mac=" + mac), mode, root.resolve("testpmd-" + port + "-" + mode + ".log"), options);
            started.add(testpmd);
            return testpmd;
        }

        void check(int code) {
            CniInvocation.Outcome checked = plugin.run("CHECK", check);
            assertThat(checked.exitCode()).as(checked.stdout() + checked.stderr()).isEqualTo(code == 0 ? 0 : 1);
            if (code != 0) {
                assertThat(checked.json().path("code").asInt()).as(checked.stdout()).isEqualTo(code);
            }
        }

        void delete() {
            CniInvocation.Outcome deleted = plugin.run("DEL", config);
            assertThat(deleted.exitCode()).as(deleted.stdout() + deleted.stderr()).isZero();
        }
    }

    private static List<Long> samples(Pattern rate, String log) {
        List<Long> samples = new ArrayList<>();
        Matcher matcher = rate.matcher(log);
        while (matcher.find()) {
            long value = Long.parseLong(matcher.group(1));
            if (value > 0 || !samples.isEmpty()) {
                samples.add(value);
            }
        }
        return samples;
    }

    private static long median(List<Long> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }

    private static String tail(String log) {
        return log.substring(Math.max(0, log.length() - 4000));
    }
}
