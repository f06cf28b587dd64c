package org.userspacecni.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.core.Json;
import org.userspacecni.core.cni.CniResult;
import org.userspacecni.core.cni.CniVersion;
import org.userspacecni.core.cni.NetConfDecoder;
import org.userspacecni.core.cni.NetConfReader;
import org.userspacecni.core.cni.ResultCodec;
import org.userspacecni.core.cni.SpiTrees;
import org.userspacecni.core.fuzz.HostileInput;
import org.userspacecni.core.fuzz.Property;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.HostPort;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.Network;
import org.userspacecni.spi.Side;

/**
 * What the plugin writes without a mapper is byte for byte what the project's mapper writes of the same
 * records (the stored container configuration, which the agent and the Kubernetes store read too, and the
 * journal's network and port), and what it reads without one it reads as the mapper bound it: each reads the
 * other's documents, and a document that is not what the plugin wrote (mutated, arbitrary) is the same record
 * or the same refusal (code and message) both ways.
 */
class StoredFormatTest {

    @TempDir
    Path dir;

    @Test
    void writesTheRecordsAsTheMapperWritesThem() throws Exception {
        for (NetConf conf : configurations()) {
            assertThat(text(Json.write(SpiTrees.netConf(conf)))).isEqualTo(Json.mapper().writeValueAsString(conf));
            Network network = Network.of(conf);
            assertThat(text(Json.write(SpiTrees.network(network))))
                    .isEqualTo(Json.mapper().writeValueAsString(network));
            for (ContainerConfig stored : containerConfigs(conf)) {
                assertThat(text(Json.writePretty(SpiTrees.containerConfig(stored))))
                        .isEqualTo(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(stored));
            }
        }
        for (HostPort port : ports()) {
            assertThat(text(Json.write(SpiTrees.hostPort(port)))).isEqualTo(Json.mapper().writeValueAsString(port));
        }
    }

    @Test
    void eachReadsTheOthersStoredConfigurations() throws Exception {
        FileConfigStore store = FileConfigStore.hostView(dir, HostileStoreDocumentTest.QUIET);
        Path file = dir.resolve("doc.json");
        for (NetConf conf : configurations()) {
            for (ContainerConfig stored : containerConfigs(conf)) {
                // As stored: what the mapper wrote and read back (it leaves out an engine option's null).
                ContainerConfig expected = Json.mapper().readValue(Json.mapper().writeValueAsBytes(stored),
                        ContainerConfig.class);
                Files.write(file, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(stored));
                assertThat(store.read(file)).isEqualTo(expected);
                Files.write(file, Json.writePretty(SpiTrees.containerConfig(stored)));
                assertThat(Json.mapper().readValue(file.toFile(), ContainerConfig.class)).isEqualTo(expected);
            }
        }
    }

    @Test
    void readsEveryStoredDocumentAsTheMapperDid() {
        List<ObjectNode> bases = new ArrayList<>();
        for (NetConf conf : configurations()) {
            containerConfigs(conf).forEach(stored -> bases.add(Json.mapper().valueToTree(stored)));
        }
        FileConfigStore store = FileConfigStore.hostView(dir, HostileStoreDocumentTest.QUIET);
        Path file = dir.resolve("doc.json");
        Property.forAll(4000, random -> random.nextInt(8) == 0 ? HostileInput.bytes(random)
                : HostileInput.text(HostileInput.mutation(random, bases.get(random.nextInt(bases.size())))),
                content -> {
                    write(file, content);
                    Object expected = outcome(() -> databindRead(file));
                    Object actual = outcome(() -> store.read(file));
                    if (parses(content)) {
                        assertThat(actual).isEqualTo(expected);
                    } else {
                        // Binding stopped at the first field it refused, before it met what the parser refuses
                        // further on (nesting too deep); the tree is parsed whole first. Both refuse with 6.
                        assertThat(List.of(actual, expected)).allSatisfy(refusal -> assertThat(refusal)
                                .isInstanceOfSatisfying(List.class, list -> assertThat(list.get(0)).isEqualTo(6)));
                    }
                });
    }

    @Test
    void readsJournalPortsAsTheMapperDid() {
        List<ObjectNode> bases = new ArrayList<>();
        ports().forEach(port -> bases.add(Json.mapper().valueToTree(port)));
        Property.forAll(3000, random -> HostileInput.mutation(random, bases.get(random.nextInt(bases.size()))),
                tree -> {
                    Object expected = outcome(() -> {
                        try {
                            return Json.mapper().treeToValue(tree, HostPort.class);
                        } catch (IOException e) {
                            return null;
                        }
                    });
                    Object actual = outcome(() -> NetConfReader.hostPort(tree));
                    // The journal refuses either failure alike (the entry cannot be read): only the port matters.
                    assertThat(actual instanceof HostPort ? actual : null)
                            .isEqualTo(expected instanceof HostPort ? expected : null);
                });
    }

    /** The store's read as it was: the mapper bound the file to the record. */
    private static ContainerConfig databindRead(Path file) {
        try (var in = Files.newInputStream(file)) {
            ContainerConfig config = Json.mapper().readValue(in, ContainerConfig.class);
            if (config == null) {
                throw new CniException(org.userspacecni.spi.ErrorCode.DECODING_FAILURE,
                        "cannot read " + file + ": not a container configuration");
            }
            return config;
        } catch (IOException e) {
            Optional<CniException> cause = CniException.in(e);
            String problem = cause.map(Throwable::getMessage).orElse("not a container configuration");
            throw new CniException(org.userspacecni.spi.ErrorCode.DECODING_FAILURE, "cannot read " + file + ": "
                    + problem);
        }
    }

    private static boolean parses(byte[] content) {
        try {
            Json.readTree(content);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Object outcome(Supplier<Object> read) {
        try {
            return read.get();
        } catch (CniException e) {
            return List.of(e.code(), numbersAsValues(e.getMessage()));
        } catch (RuntimeException e) {
            return e.getClass();
        }
    }

    /**
     * The message with a number refused as a constant's spelling given as its value: binding spelled it as the
     * file did ({@code 1E+2}, {@code 1E-400}), the tree as Java does ({@code 100.0}, {@code 0.0}).
     */
    private static String numbersAsValues(String message) {
        java.util.regex.Matcher number = java.util.regex.Pattern.compile("unsupported value '([-+.0-9eE]+|-?Infinity)'")
                .matcher(message);
        if (!number.find()) {
            return message;
        }
        try {
            String value = Double.toString(Double.parseDouble(number.group(1)));
            return message.substring(0, number.start(1)) + value + message.substring(number.end(1));
        } catch (NumberFormatException e) {
            return message;
        }
    }

    private static List<NetConf> configurations() {
        List<NetConf> confs = new ArrayList<>();
        for (String json : new String[] {
            """
            {"cniVersion":"1.1.0","name":"full","type":"userspace","mtu":9000,"sharedDir":"/run/s","dataDir":"/d",
             "kubeconfig":"/etc/k","logFile":"/var/log/u.log","logLevel":"debug",
             "host":{"engine":"vpp","iftype":"memif","netType":"bridge",
                     "vhost":{"mode":"server","group":"kvm","socketfile":"v.sock","queues":2},
                     "memif":{"role":"master","mode":"inject-punt","socketfile":"m.sock","queues":2,"ringSize":1024,
                              "bufferSize":2048,"secret":"s3cret"},
                     "bridge":{"bridgeName":"4","bridgeId":4,"vlanId":100,"vlan":100,"trunk":[{"id":10},{"minID":20,"maxID":29}],
                               "vlanMode":"native-tagged"},"policing":{"rate":5000,"burst":500},
                     "mirrors":[{"name":"tap","egress":true},{"name":"out","consumer":true}],
                     "options":{"apiSocket":"/run/vpp/api.sock","n":1,"big":12345678901,"f":1.5,"b":true,
                                "z":null,"l":[1,"a",null,{"x":[],"y":null}],"o":{"p":{}},"h":123456789012345678901234567890}},
             "container":{"netType":"interface","vhost":{"mode":"client"},"options":{}},
             "ipam":{"type":"host-local","subnet":"10.1.0.0/16"}}""",
            """
            {"name":"min","host":{"engine":"ovs-dpdk","iftype":"vhostuser"}}""",
            """
            {"cniVersion":"0.3.1","name":"n","host":{"engine":"e","iftype":"tap","bridge":{"vlanId":7}},
             "container":{"engine":"e","iftype":"tap","memif":{"role":"slave"}}}"""}) {
            confs.add(NetConfDecoder.netConf(NetConfDecoder.parseObject(json.getBytes(StandardCharsets.UTF_8))));
        }
        return confs;
    }

    private static List<ContainerConfig> containerConfigs(NetConf conf) {
        List<ContainerConfig> configs = new ArrayList<>();
        CniResult result = ResultCodec.parse(NetConfDecoder.parseObject(("{\"cniVersion\":\"1.1.0\",\"interfaces\":"
                + "[{\"name\":\"net1\",\"mac\":\"02:00:00:00:00:01\",\"mtu\":1500,\"socketPath\":\"/s/x\"}],"
                + "\"ips\":[{\"address\":\"10.1.2.3/16\",\"gateway\":\"10.1.0.1\",\"interface\":0}],"
                + "\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.1.0.1\",\"mtu\":1400}],"
                + "\"dns\":{\"nameservers\":[\"10.0.0.53\"],\"search\":[\"a\"]}}").getBytes(StandardCharsets.UTF_8)),
                CniVersion.V1_1_0, "test");
        List<Map<String, Object>> results = new ArrayList<>();
        for (CniVersion version : CniVersion.values()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> rendered = (Map<String, Object>) Json.plain(ResultCodec.render(result, version));
            results.add(rendered);
        }
        results.add(Map.of());
        Map<String, Object> odd = new LinkedHashMap<>();
        odd.put("big", 12345678901L);
        odd.put("list", new ArrayList<>(java.util.Arrays.asList(1, "a", null, 2.5)));
        results.add(odd);
        List<Side> sides = new ArrayList<>(List.of(conf.host()));
        conf.container().ifPresent(sides::add);
        for (Side side : sides) {
            for (Map<String, Object> ipResult : results) {
                configs.add(new ContainerConfig(ContainerConfig.SCHEMA_VERSION, "c0ffee", "net1", conf.name(), side,
                        ipResult, "c0ffee/net1", "02:00:00:00:00:01", conf.mtu(), side.bridge().vlanId()));
            }
        }
        configs.add(new ContainerConfig(ContainerConfig.SCHEMA_VERSION, "c", "eth0", conf.name(), conf.host(),
                Map.of(), "", "", Optional.empty(), Optional.empty()));
        configs.add(new ContainerConfig(ContainerConfig.SCHEMA_VERSION, "c", "eth1", conf.name(), conf.host(),
                Map.of(), "c/eth1", "02:00:00:00:00:02", Optional.empty(), Optional.empty(), Optional.of(1)));
        return configs;
    }

    private static List<HostPort> ports() {
        return List.of(new HostPort("c0ffee-net1", "/s/c0ffee-net1", Optional.of("02:00:00:00:00:01"),
                        Optional.of(1500), Map.of("made", "bridge", "queue", "2")),
                new HostPort("p", "", Optional.empty(), Optional.empty()),
                new HostPort("p", "/x", Optional.empty(), Optional.of(9000), Map.of("a", "")),
                new HostPort("q", "/y", Optional.empty(), Optional.empty(), Map.of(), Optional.of(0)));
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void write(Path file, byte[] content) {
        try {
            Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
