package org.userspacecni.core.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.userspacecni.core.Json;
import org.userspacecni.spi.CniException;

/** Every supported version has its own result shape; converting keeps what the target can express. */
class ResultVersionConversionTest {

    static final CniResult FULL = new CniResult(
            List.of(new CniResult.NetInterface("net1", Optional.of("02:00:00:00:00:01"), Optional.of(9000),
                    Optional.of("/var/run/netns/ctr"), Optional.of("/var/lib/cni/usrspcni/shared/abc-net1"),
                    Optional.of("0000:00:01.0"))),
            List.of(new CniResult.IpConfig("10.56.217.2/24", Optional.of("10.56.217.1"), Optional.of(0)),
                    new CniResult.IpConfig("fd00::2/64", Optional.of("fd00::1"), Optional.of(0))),
            List.of(new CniResult.Route("0.0.0.0/0", Optional.of("10.56.217.1"), Optional.of(1400),
                    Optional.of(1360), Optional.of(10), Optional.of(100), Optional.of(0))),
            Optional.of(new CniResult.Dns(List.of("10.0.0.53"), Optional.of("example.net"),
                    List.of("example.net"), List.of("ndots:2"))));

    @Test
    void oneOneZeroCarriesEveryField() throws Exception {
        assertThat(ResultCodec.render(FULL, CniVersion.V1_1_0)).isEqualTo(json("""
                {"cniVersion":"1.1.0",
                 "interfaces":[{"name":"net1","mac":"02:00:00:00:00:01","mtu":9000,"sandbox":"/var/run/netns/ctr",
                   "socketPath":"/var/lib/cni/usrspcni/shared/abc-net1","pciID":"0000:00:01.0"}],
                 "ips":[{"address":"10.56.217.2/24","gateway":"10.56.217.1","interface":0},
                        {"address":"fd00::2/64","gateway":"fd00::1","interface":0}],
                 "routes":[{"dst":"0.0.0.0/0","gw":"10.56.217.1","mtu":1400,"advmss":1360,"priority":10,
                   "table":100,"scope":0}],
                 "dns":{"nameservers":["10.0.0.53"],"domain":"example.net","search":["example.net"],
                   "options":["ndots:2"]}}"""));
    }

    @Test
    void oneZeroZeroHasNoSocketPathMtuPciIdOrRouteAttributes() throws Exception {
        assertThat(ResultCodec.render(FULL, CniVersion.V1_0_0)).isEqualTo(json("""
                {"cniVersion":"1.0.0",
                 "interfaces":[{"name":"net1","mac":"02:00:00:00:00:01","sandbox":"/var/run/netns/ctr"}],
                 "ips":[{"address":"10.56.217.2/24","gateway":"10.56.217.1","interface":0},
                        {"address":"fd00::2/64","gateway":"fd00::1","interface":0}],
                 "routes":[{"dst":"0.0.0.0/0","gw":"10.56.217.1"}],
                 "dns":{"nameservers":["10.0.0.53"],"domain":"example.net","search":["example.net"],
                   "options":["ndots:2"]}}"""));
    }

    @ParameterizedTest
    @EnumSource(value = CniVersion.class, names = {"V0_3_0", "V0_3_1", "V0_4_0"})
    void zeroVersionsCarryTheIpVersion(CniVersion version) throws Exception {
        assertThat(ResultCodec.render(FULL, version)).isEqualTo(json("""
                {"cniVersion":"%s",
                 "interfaces":[{"name":"net1","mac":"02:00:00:00:00:01","sandbox":"/var/run/netns/ctr"}],
                 "ips":[{"version":"4","address":"10.56.217.2/24","gateway":"10.56.217.1","interface":0},
                        {"version":"6","address":"fd00::2/64","gateway":"fd00::1","interface":0}],
                 "routes":[{"dst":"0.0.0.0/0","gw":"10.56.217.1"}],
                 "dns":{"nameservers":["10.0.0.53"],"domain":"example.net","search":["example.net"],
                   "options":["ndots:2"]}}""".formatted(version.text())));
    }

    @ParameterizedTest
    @EnumSource(CniVersion.class)
    void readingBackWhatWasWrittenGivesWhatTheVersionCanExpress(CniVersion version) {
        CniResult read = ResultCodec.parse(ResultCodec.render(FULL, version), version, "result");
        assertThat(ResultCodec.render(read, version)).isEqualTo(ResultCodec.render(FULL, version));
        assertThat(read.ips()).isEqualTo(FULL.ips());
        assertThat(read.interfaces().get(0).socketPath().isPresent()).isEqualTo(version == CniVersion.V1_1_0);
    }

    @ParameterizedTest
    @EnumSource(CniVersion.class)
    void convertsBetweenEveryPairOfVersions(CniVersion from) {
        for (CniVersion to : CniVersion.values()) {
            CniResult read = ResultCodec.parse(ResultCodec.render(FULL, from), from, "prevResult");
            JsonNode out = ResultCodec.render(read, to);
            assertThat(out.get("cniVersion").asText()).isEqualTo(to.text());
            assertThat(out.at("/ips/0/version").isMissingNode()).isEqualTo(to.atLeast(CniVersion.V1_0_0));
            assertThat(out.at("/ips/1/address").asText()).isEqualTo("fd00::2/64");
        }
    }

    @Test
    void anEmptyResultStillHasDnsAsGoPluginsPrintIt() throws Exception {
        assertThat(ResultCodec.render(CniResult.empty(), CniVersion.V1_0_0))
                .isEqualTo(json("{\"cniVersion\":\"1.0.0\",\"dns\":{}}"));
    }

    @Test
    void aChainedResultKeepsItsPredecessorsAndPointsTheNewAddressesAtTheNewInterface() {
        CniResult prev = new CniResult(List.of(new CniResult.NetInterface("eth0", Optional.empty(), Optional.empty(),
                Optional.of("/ns"), Optional.empty(), Optional.empty())),
                List.of(new CniResult.IpConfig("192.168.0.2/24", Optional.empty(), Optional.of(0))),
                List.of(), Optional.empty());
        CniResult ipam = new CniResult(List.of(), List.of(new CniResult.IpConfig("10.1.0.5/16",
                Optional.empty(), Optional.empty())), List.of(), Optional.empty());
        CniResult.NetInterface net1 = FULL.interfaces().get(0);
        CniResult merged = prev.withInterface(net1, ipam);
        assertThat(merged.interfaces()).extracting(CniResult.NetInterface::name).containsExactly("eth0", "net1");
        assertThat(merged.ips()).extracting(CniResult.IpConfig::interfaceIndex)
                .containsExactly(Optional.of(0), Optional.of(1));
    }

    @Test
    void aVersionThatContradictsTheAddressIsADecodingError() throws Exception {
        ObjectNode bad = json("{\"cniVersion\":\"0.4.0\",\"ips\":[{\"version\":\"6\",\"address\":\"10.0.0.2/24\"}]}");
        assertDecodingError(bad, CniVersion.V0_4_0, "prevResult.ips[0].version");
    }

    @Test
    void anAddressThatIsNotCidrIsADecodingError() throws Exception {
        assertDecodingError(json("{\"ips\":[{\"address\":\"10.0.0.2\"}]}"), CniVersion.V1_0_0,
                "prevResult.ips[0].address");
        assertDecodingError(json("{\"ips\":[{\"address\":\"example.com/24\"}]}"), CniVersion.V1_0_0,
                "prevResult.ips[0].address");
        assertDecodingError(json("{\"ips\":[{\"address\":\"300.0.0.2/24\"}]}"), CniVersion.V1_0_0,
                "prevResult.ips[0].address");
    }

    @Test
    void anInterfaceIndexOutOfRangeIsADecodingError() throws Exception {
        assertDecodingError(json("{\"ips\":[{\"address\":\"10.0.0.2/24\",\"interface\":3}]}"), CniVersion.V1_0_0,
                "prevResult.ips[0].interface");
    }

    @Test
    void wrongTypesAreDecodingErrorsNamingTheField() throws Exception {
        assertDecodingError(json("{\"interfaces\":{}}"), CniVersion.V1_1_0, "prevResult.interfaces");
        assertDecodingError(json("{\"interfaces\":[{\"name\":7}]}"), CniVersion.V1_1_0, "prevResult.interfaces[0].name");
        assertDecodingError(json("{\"interfaces\":[{\"name\":\"a\",\"mtu\":\"9000\"}]}"), CniVersion.V1_1_0,
                "prevResult.interfaces[0].mtu");
        assertDecodingError(json("{\"dns\":{\"nameservers\":[1]}}"), CniVersion.V1_1_0, "prevResult.dns.nameservers[0]");
    }

    private static void assertDecodingError(JsonNode node, CniVersion version, String field) {
        assertThatThrownBy(() -> ResultCodec.parse(node, version, "prevResult"))
                .isInstanceOfSatisfying(CniException.class, e -> {
                    assertThat(e.code()).isEqualTo(6);
                    assertThat(e.getMessage()).contains(field);
                });
    }

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) Json.mapper().readTree(text);
    }
}
