package org.userspacecni.core.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.userspacecni.core.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.InterfaceType;
import org.userspacecni.spi.LogLevel;
import org.userspacecni.spi.MemifMode;
import org.userspacecni.spi.MemifRole;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.NetType;
import org.userspacecni.spi.VhostMode;

/** The original plugin's configurations decode unchanged; each way of being wrong has its code. */
class NetConfDecoderTest {

    static final String ORIGINAL_OVS = """
            {"cniVersion":"0.3.1","type":"userspace","name":"userspace-ovs-net-1",
             "kubeconfig":"/etc/cni/net.d/multus.d/multus.kubeconfig",
             "logFile":"/var/log/userspace-ovs-net-1-cni.log","logLevel":"debug",
             "host":{"engine":"ovs-dpdk","iftype":"vhostuser","netType":"bridge",
                     "vhost":{"mode":"client"},"bridge":{"bridgeName":"br-4"}},
             "container":{"engine":"ovs-dpdk","iftype":"vhostuser","netType":"interface",
                          "vhost":{"mode":"server"}},
             "ipam":{"type":"host-local","subnet":"10.56.217.0/24",
                     "rangeStart":"10.56.217.131","rangeEnd":"10.56.217.190",
                     "routes":[{"dst":"0.0.0.0/0"}],"gateway":"10.56.217.1"}}""";

    @Test
    void decodesTheOriginalOvsConfigurationUnchanged() {
        NetConf conf = decode(ORIGINAL_OVS);
        assertThat(conf.name()).isEqualTo("userspace-ovs-net-1");
        assertThat(conf.host().engine()).isEqualTo("ovs-dpdk");
        assertThat(conf.host().iftype()).isEqualTo(InterfaceType.VHOSTUSER);
        assertThat(conf.host().netType()).contains(NetType.BRIDGE);
        assertThat(conf.host().vhost().mode()).contains(VhostMode.CLIENT);
        assertThat(conf.host().bridge().bridgeName()).contains("br-4");
        assertThat(conf.container().orElseThrow().vhost().mode()).contains(VhostMode.SERVER);
        assertThat(conf.ipam().orElseThrow().type()).isEqualTo("host-local");
        assertThat(conf.logLevel()).isEqualTo(LogLevel.DEBUG);
        assertThat(conf.logFile()).contains("/var/log/userspace-ovs-net-1-cni.log");
        assertThat(conf.kubeconfig()).contains("/etc/cni/net.d/multus.d/multus.kubeconfig");
        assertThat(conf.sharedDirPath()).isEqualTo(NetConf.DEFAULT_SHARED_DIR);
    }

    @Test
    void decodesTheOriginalVppConfigurationWithDefaults() {
        NetConf conf = decode("""
                {"cniVersion":"0.3.1","type":"userspace","name":"userspace-vpp-net",
                 "host":{"engine":"vpp","iftype":"memif","netType":"bridge",
                         "memif":{"role":"master","mode":"ethernet"},"bridge":{"bridgeName":"4"}}}""");
        assertThat(conf.host().memif().role()).contains(MemifRole.MASTER);
        assertThat(conf.host().memif().mode()).isEqualTo(MemifMode.ETHERNET);
        assertThat(conf.container()).isEmpty();
        assertThat(conf.ipam()).isEmpty();
        assertThat(conf.logLevel()).isEqualTo(LogLevel.WARNING);
        assertThat(conf.host().bridge().vlanId()).isEmpty();
    }

    @Test
    void aContainerSectionWithoutEngineOrInterfaceTypeTakesTheHosts() {
        NetConf conf = decode("""
                {"cniVersion":"1.0.0","name":"n","host":{"engine":"ovs-dpdk","iftype":"vhostuser"},
                 "container":{"netType":"interface","vhost":{"mode":"server"}}}""");
        assertThat(conf.container().orElseThrow().engine()).isEqualTo("ovs-dpdk");
        assertThat(conf.container().orElseThrow().iftype()).isEqualTo(InterfaceType.VHOSTUSER);
    }

    @Test
    void ignoresFieldsItDoesNotKnowBecauseRuntimesAddTheirOwn() {
        NetConf conf = decode("""
                {"cniVersion":"1.1.0","name":"n","type":"userspace","runtimeConfig":{"x":1},
                 "args":{"cni":{"a":"b"}},"prevResult":null,
                 "host":{"engine":"vpp","iftype":"memif","futureField":[1,2]}}""");
        assertThat(conf.host().engine()).isEqualTo("vpp");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"host\":{\"engine\":\"e\",\"iftype\":\"VhostUser\"}}                  | 2 | host.iftype: unsupported value 'VhostUser' (an interface type is a lower-case name",
        "{\"host\":{\"engine\":\"e\",\"iftype\":\"tap,x\"}}                      | 2 | host.iftype: unsupported value 'tap,x'",
        "{\"host\":{\"engine\":\"e\",\"iftype\":\"memif\",\"netType\":\"l3\"}}    | 2 | host.netType: unsupported value 'l3'",
        "{\"host\":{\"engine\":\"e\",\"iftype\":\"vhostuser\",\"vhost\":{\"mode\":\"both\"}}} | 2 | host.vhost.mode: unsupported value 'both'",
        "{\"host\":{\"engine\":\"e\",\"iftype\":\"memif\",\"memif\":{\"role\":\"boss\"}}}     | 2 | host.memif.role: unsupported value 'boss'",
        "{\"logLevel\":\"loud\",\"host\":{\"engine\":\"e\",\"iftype\":\"memif\"}}  | 2 | logLevel: unsupported value 'loud'",
        "{}                                                                    | 7 | missing 'host' section",
        "{\"host\":{\"iftype\":\"memif\"}}                                        | 7 | host: missing 'engine'",
        "{\"host\":{\"engine\":\"vpp\"}}                                          | 7 | host: missing 'iftype'",
        "{\"host\":{\"engine\":\"e\",\"iftype\":\"memif\",\"bridge\":{\"vlanId\":4095}}}     | 7 | host.bridge: 'vlanId' must be between 1 and 4094",
        "{\"host\":{\"engine\":\"e\",\"iftype\":\"memif\",\"bridge\":{\"vlan\":0}}}          | 7 | host.bridge: 'vlan' must be between 1 and 4094",
        "{\"host\":{\"engine\":\"e\",\"iftype\":\"memif\",\"bridge\":{\"vlan\":5,\"vlanId\":6}}} | 7 | host.bridge: 'vlan' 5 and 'vlanId' 6 name two VLANs",
        "{\"host\":{\"engine\":\"e\",\"iftype\":\"memif\",\"bridge\":{\"trunk\":[{\"id\":5},{\"id\":4095}]}}} | 7 | host.bridge.trunk[1]: 'id' must be between 1 and 4094",
        "{\"host\":{\"engine\":\"e\",\"iftype\":\"memif\",\"bridge\":{\"trunk\":[{\"minID\":9,\"maxID\":2}]}}} | 7 | host.bridge.trunk[0]: 'minID' 9 is above 'maxID' 2",
        "{\"host\":{\"engine\":\"e\",\"iftype\":\"memif\",\"bridge\":{\"trunk\":[{\"id\":1,\"maxID\":2}]}}} | 7 | host.bridge.trunk[0]: give either 'id' or both 'minID' and 'maxID'",
        "{\"host\":{\"engine\":\"e\",\"iftype\":\"memif\",\"bridge\":{\"trunk\":[null]}}}     | 7 | host.bridge: 'trunk[0]' is null",
        "{\"host\":{\"engine\":\"e\",\"iftype\":\"memif\",\"bridge\":{\"vlan\":5,\"trunk\":[{\"id\":6}]}}} | 7 | host.bridge: 'vlan' with 'trunk' makes a native VLAN: set 'vlanMode'",
        "{\"host\":{\"engine\":\"e\",\"iftype\":\"memif\",\"bridge\":{\"vlan\":5,\"vlanMode\":\"trunk\"}}} | 7 | host.bridge: 'vlanMode' trunk takes no 'vlan' (5)",
        "{\"host\":{\"engine\":\"e\",\"iftype\":\"memif\",\"bridge\":{\"vlanMode\":\"native-tagged\"}}} | 7 | host.bridge: 'vlanMode' native-tagged takes 'vlan', the native VLAN",
        "{\"host\":{\"engine\":\"e\",\"iftype\":\"memif\",\"bridge\":{\"vlanMode\":\"access\"}}} | 7 | host.bridge: 'vlanMode' access takes 'vlan' and no 'trunk'",
        "{\"host\":{\"engine\":\"e\",\"iftype\":\"memif\",\"bridge\":{\"vlanMode\":\"hybrid\"}}} | 2 | host.bridge.vlanMode: unsupported value 'hybrid'",
        "{\"host\":{\"engine\":\"e\",\"iftype\":\"memif\",\"bridge\":{\"trunk\":{\"id\":5}}}}    | 6 | 'host.bridge.trunk' must be an array",
        "{\"host\":{\"engine\":\"e\",\"iftype\":\"memif\",\"policing\":{\"burst\":5}}}         | 7 | host.policing: missing 'rate' (kbit/s)",
        "{\"host\":{\"engine\":\"e\",\"iftype\":\"memif\",\"policing\":{\"rate\":0}}}         | 7 | host.policing: 'rate' must be at least 1 kbit, not 0",
        "{\"host\":{\"engine\":\"e\",\"iftype\":\"memif\",\"policing\":{\"rate\":10,\"burst\":-1}}} | 7 | host.policing: 'burst' must be at least 1 kbit, not -1",
        "{\"host\":{\"engine\":\"e\",\"iftype\":\"memif\",\"policing\":{\"rate\":\"10\"}}}   | 6 | 'host.policing.rate' must be an integer",
        "{\"sharedDir\":\"../../etc\",\"host\":{\"engine\":\"e\",\"iftype\":\"memif\"}}     | 7 | 'sharedDir' must be an absolute path",
        "{\"sharedDir\":\"/var/lib/../../etc\",\"host\":{\"engine\":\"e\",\"iftype\":\"memif\"}} | 7 | 'sharedDir' must be an absolute path",
        "{\"dataDir\":\"relative\",\"host\":{\"engine\":\"e\",\"iftype\":\"memif\"}}       | 7 | 'dataDir' must be an absolute path",
        "{\"host\":{\"engine\":\"e\",\"iftype\":\"memif\",\"memif\":{\"socketfile\":\"../x.sock\"}}} | 7 | host.memif: 'socketfile' must be a plain file name",
        "{\"host\":{\"engine\":\"e\",\"iftype\":\"vhostuser\",\"vhost\":{\"socketfile\":\"a/b\"}}} | 7 | host.vhost: 'socketfile' must be a plain file name",
        "{\"ipam\":{\"type\":\"../bin/sh\"},\"host\":{\"engine\":\"e\",\"iftype\":\"memif\"}} | 7 | ipam: 'ipam.type' must be a plugin file name",
        "{\"ipam\":{},\"host\":{\"engine\":\"e\",\"iftype\":\"memif\"}}             | 7 | ipam: missing 'ipam.type'",
        "{\"host\":\"ovs\"}                                                        | 6 | 'host' must be an object",
        "{\"host\":{\"engine\":5,\"iftype\":\"memif\"}}                             | 6 | 'host.engine' must be a string",
        "{\"host\":{\"engine\":\"e\",\"iftype\":\"memif\",\"bridge\":{\"vlanId\":\"5\"}}}    | 6 | 'host.bridge.vlanId' must be an integer",
        "{\"host\":{\"engine\":\"e\",\"iftype\":\"memif\",\"bridge\":{\"vlanId\":5.5}}}      | 6 | 'host.bridge.vlanId' must be an integer",
        "{\"host\":{\"engine\":\"e\",\"iftype\":[\"memif\"]}}                       | 6 | 'host.iftype' must be a string",
    })
    void eachFaultHasItsCodeAndNamesTheKey(String body, int code, String message) {
        String json = "{\"cniVersion\":\"1.0.0\",\"name\":\"n\"," + body.trim().substring(1);
        if (body.trim().equals("{}")) {
            json = "{\"cniVersion\":\"1.0.0\",\"name\":\"n\"}";
        }
        String config = json;
        assertThatThrownBy(() -> decode(config))
                .isInstanceOfSatisfying(CniException.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.getMessage()).contains(message.trim());
                });
    }

    @Test
    void anyWellFormedInterfaceTypeDecodesForItsEngineToJudge() {
        NetConf conf = decode("""
                {"cniVersion":"1.0.0","name":"n","host":{"engine":"vhost-tap","iftype":"tap"},
                 "container":{"engine":"vhost-tap","iftype":"af_xdp-2"}}""");
        assertThat(conf.host().iftype()).isEqualTo(InterfaceType.of("tap"));
        assertThat(conf.container().orElseThrow().iftype().name()).isEqualTo("af_xdp-2");
    }

    @Test
    void enumerationsAreWrittenAsTheyAreRead() throws Exception {
        assertThat(Json.mapper().writeValueAsString(MemifMode.INJECT_PUNT)).isEqualTo("\"inject-punt\"");
        assertThat(Json.mapper().writeValueAsString(InterfaceType.VHOSTUSER)).isEqualTo("\"vhostuser\"");
        assertThat(Json.mapper().readValue("\"memif\"", InterfaceType.class)).isEqualTo(InterfaceType.MEMIF);
        assertThat(Json.mapper().readValue("\"inject-punt\"", MemifMode.class)).isEqualTo(MemifMode.INJECT_PUNT);
    }

    @Test
    void aMissingNameIsInvalidConfig() {
        assertCode(() -> decode("{\"cniVersion\":\"1.0.0\",\"host\":{\"engine\":\"e\",\"iftype\":\"memif\"}}"), 7);
    }

    @Test
    void theNetworkNameFollowsTheSpecsRulesAndStaysOnePathElement() {
        for (String name : new String[] {"../../etc", "a/b", "-net", "net 1", "x".repeat(256)}) {
            assertCode(() -> decode("{\"cniVersion\":\"1.0.0\",\"name\":\"" + name
                    + "\",\"host\":{\"engine\":\"e\",\"iftype\":\"memif\"}}"), 7);
        }
        assertThat(decode("{\"cniVersion\":\"1.0.0\",\"name\":\"net_1.a-b\",\"host\":{\"engine\":\"e\","
                + "\"iftype\":\"memif\"}}").name()).isEqualTo("net_1.a-b");
    }

    @Test
    void bytesThatAreNotOneJsonObjectAreDecodingErrors() {
        for (String bad : new String[] {"", "{", "[]", "\"text\"", "null", "{\"a\":1} {\"b\":2}", "{\"a\":1,\"a\":2}",
                "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",}"}) {
            assertCode(() -> NetConfDecoder.parseObject(bad.getBytes(StandardCharsets.UTF_8)), 6);
        }
        byte[] notUtf8 = {'{', '"', 'n', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'};
        assertCode(() -> NetConfDecoder.parseObject(notUtf8), 6);
    }

    @Test
    void theVersionComesFirstAndMustBeOneWeSpeak() {
        assertCode(() -> NetConfDecoder.version(NetConfDecoder.parseObject("{\"cniVersion\":\"0.2.0\"}".getBytes())), 1);
        assertCode(() -> NetConfDecoder.version(NetConfDecoder.parseObject("{}".getBytes())), 1);
        assertCode(() -> NetConfDecoder.version(NetConfDecoder.parseObject("{\"cniVersion\":1}".getBytes())), 6);
        assertThat(NetConfDecoder.version(NetConfDecoder.parseObject("{\"cniVersion\":\"0.4.0\"}".getBytes())))
                .isEqualTo(CniVersion.V0_4_0);
    }

    @Test
    void readsTheValidAttachmentsOfGcUnderEitherKey() {
        for (String key : new String[] {"cni.dev/valid-attachments", "cni.dev/attachments"}) {
            var config = NetConfDecoder.parseObject(("{\"" + key + "\":[{\"containerID\":\"c1\",\"ifname\":\"net1\"}]}")
                    .getBytes());
            assertThat(NetConfDecoder.validAttachments(config)).containsExactly(new AttachmentId("c1", "net1"));
        }
        assertCode(() -> NetConfDecoder.validAttachments(NetConfDecoder.parseObject(
                "{\"cni.dev/valid-attachments\":[{\"containerID\":1}]}".getBytes())), 6);
    }

    /** libcni encodes an empty list as null; cnitool gc sends no key: both keep nothing. */
    @Test
    void aNullOrAbsentListOfValidAttachmentsIsAnEmptyOne() {
        for (String config : new String[] {"{}", "{\"cni.dev/valid-attachments\":null}",
                "{\"cni.dev/attachments\":null}", "{\"cni.dev/valid-attachments\":null,\"cni.dev/attachments\":null}",
                "{\"cni.dev/valid-attachments\":[]}"}) {
            assertThat(NetConfDecoder.validAttachments(NetConfDecoder.parseObject(config.getBytes())))
                    .as(config).isEmpty();
        }
        var olderKeyOnly = NetConfDecoder.parseObject(("{\"cni.dev/valid-attachments\":null,"
                + "\"cni.dev/attachments\":[{\"containerID\":\"c1\",\"ifname\":\"net1\"}]}").getBytes());
        assertThat(NetConfDecoder.validAttachments(olderKeyOnly)).containsExactly(new AttachmentId("c1", "net1"));
    }

    @Test
    void aListOfValidAttachmentsThatIsNeitherAListNorNullIsRefused() {
        for (String value : new String[] {"\"c1\"", "{}", "0", "true"}) {
            for (String key : new String[] {"cni.dev/valid-attachments", "cni.dev/attachments"}) {
                assertCode(() -> NetConfDecoder.validAttachments(NetConfDecoder.parseObject(
                        ("{\"" + key + "\":" + value + "}").getBytes())), 6);
            }
        }
    }

    @Test
    void readsThePrevResultInTheConfigurationsVersion() {
        var config = NetConfDecoder.parseObject(("{\"prevResult\":{\"cniVersion\":\"0.4.0\",\"ips\":[{\"version\":\"4\","
                + "\"address\":\"10.0.0.2/24\"}]}}").getBytes());
        assertThat(NetConfDecoder.prevResult(config, CniVersion.V0_4_0).orElseThrow().ips())
                .extracting(CniResult.IpConfig::address).containsExactly("10.0.0.2/24");
        assertThat(NetConfDecoder.prevResult(NetConfDecoder.parseObject("{}".getBytes()), CniVersion.V1_0_0))
                .isEqualTo(Optional.empty());
    }

    private static NetConf decode(String json) {
        return NetConfDecoder.netConf(NetConfDecoder.parseObject(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static void assertCode(Runnable action, int code) {
        assertThatThrownBy(action::run).isInstanceOfSatisfying(CniException.class,
                e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(code));
    }
}
