package org.userspacecni.core.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.userspacecni.core.fuzz.HostileInput;
import org.userspacecni.core.fuzz.Property;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.Side;

import static org.userspacecni.core.fuzz.CniErrorShape.assertWellFormed;

/**
 * Hostile network configurations: arbitrary bytes, arbitrary JSON objects and valid configurations with values
 * swapped for other types, nasty strings and numbers out of range. Every stage of the decoder either answers
 * or refuses with a well-formed CNI error; nothing else escapes, and what it accepts keeps the configuration's
 * invariants (a one-element name, absolute paths without '..', an MTU and VLAN in range, plain socket names).
 * Inputs per run: 1,000 byte strings, 1,000 JSON objects, 3,000 mutations (see {@link Property} to reproduce).
 */
class HostileNetConfTest {

    static final List<ObjectNode> VALID = Arrays.asList(
            NetConfDecoder.parseObject(NetConfDecoderTest.ORIGINAL_OVS.getBytes(StandardCharsets.UTF_8)),
            NetConfDecoder.parseObject("""
                    {"cniVersion":"1.1.0","name":"vpp-net","type":"userspace","mtu":9000,
                     "sharedDir":"/run/usrsp/shared","dataDir":"/run/usrsp/data","logFile":"/var/log/u.log",
                     "host":{"engine":"vpp","iftype":"memif","netType":"bridge",
                             "memif":{"role":"master","mode":"ip","socketfile":"m.sock","queues":2,
                                      "ringSize":1024,"bufferSize":2048,"secret":"s3cret"},
                             "bridge":{"bridgeName":"4","vlanId":100},"options":{"apiSocket":"/run/vpp/api.sock"}},
                     "ipam":{"type":"host-local","subnet":"10.1.0.0/16","routes":[{"dst":"0.0.0.0/0"}]},
                     "prevResult":{"cniVersion":"1.1.0","interfaces":[{"name":"eth0","mac":"02:00:00:00:00:01",
                        "mtu":1500,"sandbox":"/var/run/netns/x","socketPath":"/s"}],
                        "ips":[{"address":"10.1.2.3/16","gateway":"10.1.0.1","interface":0}],
                        "routes":[{"dst":"0.0.0.0/0","gw":"10.1.0.1","mtu":1400,"table":5}],
                        "dns":{"nameservers":["10.0.0.53"],"domain":"x","search":["a"],"options":["ndots:2"]}},
                     "cni.dev/valid-attachments":[{"containerID":"c1","ifname":"net1"}]}"""
                    .getBytes(StandardCharsets.UTF_8)),
            NetConfDecoder.parseObject("""
                    {"cniVersion":"0.4.0","name":"n","host":{"engine":"ovs-dpdk","iftype":"vhostuser",
                     "vhost":{"mode":"server","socketfile":"sock1","group":"kvm"}},
                     "prevResult":{"cniVersion":"0.4.0","ips":[{"version":"6","address":"fd00::2/64"}]},
                     "cni.dev/attachments":[]}""".getBytes(StandardCharsets.UTF_8)));

    @Test
    void arbitraryBytesAreACniErrorOrAConfiguration() {
        Property.forAll(1000, HostileInput::bytes, HostileNetConfTest::decodeEveryStage);
    }

    @Test
    void arbitraryJsonObjectsAreACniErrorOrAConfiguration() {
        Property.forAll(1000, HostileInput::object, config -> decodeEveryStage(HostileInput.text(config)));
    }

    @Test
    void mutatedConfigurationsAreACniErrorOrAConfiguration() {
        Property.forAll(3000, random -> HostileInput.mutation(random, VALID.get(random.nextInt(VALID.size()))),
                config -> decodeEveryStage(HostileInput.text(config)));
    }

    @Test
    void theValidConfigurationsDecode() {
        VALID.forEach(config -> assertThat(answerOrRefuse(() -> NetConfDecoder.netConf(config))).isPresent());
    }

    /** A name one character longer than a file name may be is refused, so it never becomes one. */
    @Test
    void aNetworkNameLongerThanAPathElementIsSeven() {
        ObjectNode config = VALID.get(0).deepCopy().put("name", "n".repeat(256));
        assertThatThrownBy(() -> NetConfDecoder.netConf(config)).isInstanceOfSatisfying(CniException.class,
                e -> assertThat(e.code()).isEqualTo(7));
    }

    /** Each stage on its own, so that one refusal does not hide what the next would do. */
    static void decodeEveryStage(byte[] stdin) {
        Optional<ObjectNode> parsed = answerOrRefuse(() -> NetConfDecoder.parseObject(stdin));
        if (parsed.isEmpty()) {
            return;
        }
        ObjectNode config = parsed.get();
        CniVersion version = answerOrRefuse(() -> NetConfDecoder.version(config)).orElse(CniVersion.LATEST);
        answerOrRefuse(() -> NetConfDecoder.netConf(config)).ifPresent(HostileNetConfTest::keepsItsInvariants);
        answerOrRefuse(() -> NetConfDecoder.prevResult(config, version));
        answerOrRefuse(() -> NetConfDecoder.validAttachments(config));
    }

    static <T> Optional<T> answerOrRefuse(Supplier<T> stage) {
        try {
            return Optional.of(stage.get());
        } catch (CniException e) {
            assertWellFormed(e);
            return Optional.empty();
        }
    }

    static void keepsItsInvariants(NetConf conf) {
        assertThat(conf.name()).hasSizeLessThanOrEqualTo(NetConf.MAX_NAME_LENGTH)
                .matches("[A-Za-z0-9][A-Za-z0-9_.\\-]*");
        for (Optional<String> path : List.of(conf.sharedDir(), conf.dataDir(), conf.logFile())) {
            path.ifPresent(p -> assertThat(p).startsWith("/").doesNotContain("\0")
                    .satisfies(text -> assertThat(text.split("/")).doesNotContain("..")));
        }
        conf.mtu().ifPresent(mtu -> assertThat(mtu).isBetween(NetConf.MIN_MTU, NetConf.MAX_MTU));
        conf.ipam().ifPresent(ipam -> assertThat(ipam.type()).matches("[A-Za-z0-9][A-Za-z0-9_.+-]*"));
        keepsItsInvariants(conf.host());
        conf.container().ifPresent(HostileNetConfTest::keepsItsInvariants);
    }

    static void keepsItsInvariants(Side side) {
        assertThat(side.engine()).isNotBlank();
        assertThat(side.iftype()).isNotNull();
        side.bridge().vlanId().ifPresent(vlan -> assertThat(vlan).isBetween(1, 4094));
        for (Optional<String> socket : List.of(side.vhost().socketfile(), side.memif().socketfile())) {
            socket.ifPresent(name -> assertThat(name).isNotEmpty().isNotIn(".", "..").doesNotContain("/", "\0"));
        }
    }
}
