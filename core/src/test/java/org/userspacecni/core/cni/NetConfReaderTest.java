package org.userspacecni.core.cni;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.userspacecni.core.Json;
import org.userspacecni.core.fuzz.HostileInput;
import org.userspacecni.core.fuzz.Property;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.NetConf;

/**
 * The hand-written reader of network configurations agrees with Jackson's data binding of the SPI's records
 * (the way the plugin read them before, kept here as the oracle): on every network configuration of the
 * repository's documentation, deployment files, examples and tests, on each of them with every field the
 * records know set to values of each JSON type, out of range, unsupported or removed, and on random mutations.
 * Both give equal records, or both refuse with the same code and message (and the same details, except for a
 * value of the wrong type, whose details the binding took from Jackson's own words).
 */
class NetConfReaderTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper EXTRACTOR = new ObjectMapper();

    /** Every key of the records, by section; each is set to each of {@link #values()} in turn. */
    private static final Map<String, List<String>> KEYS = Map.of(
            "", List.of("cniVersion", "name", "type", "host", "container", "ipam", "sharedDir", "dataDir",
                    "kubeconfig", "logFile", "logLevel", "mtu"),
            "side", List.of("engine", "iftype", "netType", "vhost", "memif", "bridge", "policing", "mirrors",
                    "options"),
            "vhost", List.of("mode", "group", "socketfile", "queues"),
            "memif", List.of("role", "mode", "socketfile", "queues", "ringSize", "bufferSize", "secret"),
            "bridge", List.of("bridgeName", "bridgeId", "vlanId", "vlan", "trunk", "vlanMode"),
            "policing", List.of("rate", "burst"),
            "ipam", List.of("type"));

    private static final ObjectNode FULL = parse("""
            {"cniVersion":"1.1.0","name":"full","type":"userspace","mtu":9000,"sharedDir":"/run/s","dataDir":"/run/d",
             "kubeconfig":"/etc/k","logFile":"/var/log/u.log","logLevel":"debug",
             "host":{"engine":"vpp","iftype":"memif","netType":"bridge",
                     "vhost":{"mode":"server","group":"kvm","socketfile":"v.sock","queues":2},
                     "memif":{"role":"master","mode":"ip","socketfile":"m.sock","queues":2,"ringSize":1024,
                              "bufferSize":2048,"secret":"s3cret"},
                     "bridge":{"bridgeName":"4","bridgeId":4,"vlanId":100,"vlan":100,
                               "trunk":[{"id":10},{"minID":20,"maxID":29}],"vlanMode":"native-untagged"},
                     "policing":{"rate":10000,"burst":1000},
                     "mirrors":[{"name":"tap","ingress":true,"egress":false},{"name":"out","consumer":true}],
                     "options":{"apiSocket":"/run/vpp/api.sock","n":1,"big":12345678901,"f":1.5,"b":true,
                                "z":null,"l":[1,"a",{"x":[]}],"o":{"p":{}}}},
             "container":{"netType":"interface","vhost":{"mode":"client"},
                          "memif":{"role":"slave","mode":"inject-punt","queues":1,"ringSize":2,"bufferSize":1},
                          "bridge":{"bridgeName":"br0"},"options":{}},
             "ipam":{"type":"host-local","subnet":"10.1.0.0/16"}}""");

    @Test
    void agreesOnEveryNetworkConfigurationOfTheRepository() {
        List<ObjectNode> corpus = repositoryConfigurations();
        assertThat(corpus).as("configurations found in the repository").hasSizeGreaterThan(20);
        corpus.forEach(NetConfReaderTest::agree);
    }

    @Test
    void agreesOnEveryFieldSetToEveryKindOfValueOrRemoved() {
        List<ObjectNode> bases = new ArrayList<>(List.of(FULL));
        bases.addAll(repositoryConfigurations());
        int checked = 0;
        for (ObjectNode base : bases) {
            for (String[] path : fieldPaths(base)) {
                for (JsonNode value : values()) {
                    agree(with(base, path, value));
                    checked++;
                }
                agree(with(base, path, null));
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(5000);
    }

    @Test
    void agreesOnRandomMutationsOfTheConfigurations() {
        List<ObjectNode> bases = new ArrayList<>(List.of(FULL));
        bases.addAll(HostileNetConfTest.VALID);
        bases.addAll(repositoryConfigurations());
        Property.forAll(5000, random -> HostileInput.mutation(random, bases.get(random.nextInt(bases.size()))),
                config -> {
                    agree(config);
                    // As the plugin gets them: from text, where numbers take the smallest node that holds them
                    // (unless the text is beyond what the parser reads: too deep, a name too long).
                    HostileNetConfTest.answerOrRefuse(() -> NetConfDecoder.parseObject(HostileInput.text(config)))
                            .ifPresent(NetConfReaderTest::agree);
                });
    }

    @Test
    void agreesOnArbitraryObjects() {
        Property.forAll(2000, HostileInput::object, NetConfReaderTest::agree);
    }

    private static void agree(ObjectNode config) {
        Object oracle = outcome(() -> DatabindNetConf.netConf(config.deepCopy()));
        Object read = outcome(() -> NetConfDecoder.netConf(config.deepCopy()));
        assertThat(read).as("%s", config).isEqualTo(oracle);
    }

    /** The record, or the refusal as code, message and (but for a value of the wrong type) details. */
    private static Object outcome(java.util.function.Supplier<NetConf> decode) {
        try {
            return decode.get();
        } catch (CniException e) {
            boolean wrongType = e.getMessage().startsWith("failed to decode the network configuration");
            return List.of(e.code(), e.getMessage(), wrongType ? "" : e.details());
        } catch (RuntimeException e) {
            return e.getClass();
        }
    }

    private static List<JsonNode> values() {
        List<JsonNode> values = new ArrayList<>();
        values.add(NODES.nullNode());
        for (String text : new String[] {"", " ", "x", "client", "server", "master", "slave", "bridge", "interface",
                "ethernet", "ip", "inject-punt", "vhostuser", "memif", "debug", "Debug", "warning", "4", "br-4",
                "/abs/path", "../x", "a/b", ".", "..", "host-local", "s\u0000", "tap", "VhostUser", "é"}) {
            values.add(NODES.textNode(text));
        }
        for (long number : new long[] {0, 1, -1, 2, 3, 67, 68, 100, 1024, 1500, 4094, 4095, 9702, 9703, 65535,
                65536, 32768, 32769, Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE + 1L, Long.MAX_VALUE}) {
            values.add(number == (int) number ? NODES.numberNode((int) number) : NODES.numberNode(number));
        }
        values.add(NODES.numberNode(new BigInteger("123456789012345678901234567890")));
        values.add(NODES.numberNode(1.5));
        values.add(NODES.numberNode(2.0));
        values.add(NODES.numberNode(new java.math.BigDecimal("1e400")));
        values.add(NODES.booleanNode(true));
        values.add(NODES.booleanNode(false));
        values.add(NODES.arrayNode());
        values.add(NODES.arrayNode().add("client"));
        values.add(NODES.arrayNode().add(5));
        values.add(NODES.objectNode());
        values.add(NODES.objectNode().put("engine", "e").put("iftype", "memif"));
        values.add(NODES.objectNode().put("type", "host-local"));
        values.add(NODES.objectNode().put("a", 1).set("b", NODES.arrayNode().add(NODES.nullNode())));
        values.add(parse("{\"mode\":5}"));
        for (String tree : new String[] {"[{\"id\":5}]", "[null]", "[{}]", "[5]", "[{\"id\":5,\"minID\":1}]",
                "[{\"minID\":9,\"maxID\":2}]", "[{\"minID\":1,\"maxID\":4094},{\"id\":\"x\"}]", "[{\"id\":0}]",
                "{\"rate\":1}", "{\"rate\":0}", "{\"burst\":1}", "{\"rate\":\"1\"}", "[{\"name\":\"m\"}]",
                "[{\"name\":\"m\",\"consumer\":\"true\"}]", "[{\"name\":\"m\",\"ingress\":false,\"egress\":false}]",
                "[{\"name\":\"m\"},{\"name\":\"m\",\"consumer\":true}]", "[{\"name\":\"a b\"}]", "[{}]",
                "[{\"name\":\"m\",\"consumer\":true,\"egress\":true}]", "[{\"name\":\"m\",\"ingress\":1}]",
                "[{\"name\":\"m\",\"ingress\":\" \"}]", "[{\"name\":\"m\",\"consumer\":\"true\"}]"}) {
            values.add(tree(tree));
        }
        return values;
    }

    /** The paths of every key the records know that {@code base} holds, and of each it could hold. */
    private static List<String[]> fieldPaths(ObjectNode base) {
        List<String[]> paths = new ArrayList<>();
        KEYS.get("").forEach(key -> paths.add(new String[] {key}));
        for (String side : new String[] {"host", "container"}) {
            if (!base.path(side).isObject()) {
                continue;
            }
            KEYS.get("side").forEach(key -> paths.add(new String[] {side, key}));
            for (String section : new String[] {"vhost", "memif", "bridge", "policing"}) {
                if (base.path(side).path(section).isObject()) {
                    KEYS.get(section).forEach(key -> paths.add(new String[] {side, section, key}));
                }
            }
        }
        if (base.path("ipam").isObject()) {
            KEYS.get("ipam").forEach(key -> paths.add(new String[] {"ipam", key}));
        }
        return paths;
    }

    /** {@code base} with the field at {@code path} set to {@code value}, or removed when it is null. */
    private static ObjectNode with(ObjectNode base, String[] path, JsonNode value) {
        ObjectNode copy = base.deepCopy();
        ObjectNode parent = copy;
        for (int i = 0; i < path.length - 1; i++) {
            parent = (ObjectNode) parent.get(path[i]);
        }
        if (value == null) {
            parent.remove(path[path.length - 1]);
        } else {
            parent.set(path[path.length - 1], value.deepCopy());
        }
        return copy;
    }

    /**
     * The network configurations in the repository's documentation, deployment files, examples, scripts and
     * tests: every JSON object in their text (in Java sources also with escaped quotes undone) that has a
     * {@code host} section, and each plugin of a list with its list's version and name.
     */
    static List<ObjectNode> repositoryConfigurations() {
        Path root = Path.of("").toAbsolutePath().getParent();
        Set<ObjectNode> found = new LinkedHashSet<>();
        for (String dir : new String[] {"docs", "deploy", "examples", "scripts", "README.md", "core/src/test",
                "host-plugin/src/test", "backend-ovs/src/test", "backend-vpp/src/test", "testkit/src",
                "container-agent/src/test", "store-kubernetes/src/test"}) {
            Path start = root.resolve(dir);
            if (!Files.exists(start)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(start)) {
                files.filter(Files::isRegularFile).filter(file -> !file.toString().contains("/target/"))
                        .forEach(file -> objectsIn(read(file), found));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new ArrayList<>(found);
    }

    private static String read(Path file) {
        try {
            String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            if (!file.toString().endsWith(".java")) {
                return text;
            }
            // String literals joined: adjacent ones, and those around an expression, which becomes a path.
            String joined = text.replaceAll("\"\\s*\\+\\s*\"", "")
                    .replaceAll("\"\\s*\\+\\s*[^\"+;\\n]+?\\s*\\+\\s*\"", "/x");
            return text + "\n" + joined.replace("\\\"", "\"");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void objectsIn(String text, Set<ObjectNode> found) {
        char[] chars = text.toCharArray();
        for (int at = text.indexOf('{'); at >= 0; at = text.indexOf('{', at + 1)) {
            if (!text.startsWith("\"", skipSpace(text, at + 1))) {
                continue;
            }
            // A mapper of its own: the project's refuses what follows the object, here the rest of the file.
            try (JsonParser parser = EXTRACTOR.createParser(chars, at, chars.length - at)) {
                JsonNode node = EXTRACTOR.readTree(parser);
                if (node instanceof ObjectNode object) {
                    if (object.path("host").isObject()) {
                        found.add(object);
                    }
                    if (object.path("plugins").isArray()) {
                        for (JsonNode plugin : (ArrayNode) object.get("plugins")) {
                            if (plugin.path("host").isObject()) {
                                ObjectNode copy = ((ObjectNode) plugin).deepCopy();
                                copy.set("cniVersion", object.get("cniVersion"));
                                copy.set("name", object.get("name"));
                                found.add(copy);
                            }
                        }
                    }
                }
            } catch (IOException | RuntimeException notJson) {
                // Most braces open no JSON object.
            }
        }
    }

    private static int skipSpace(String text, int at) {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
        return at;
    }

    private static JsonNode tree(String json) {
        try {
            return EXTRACTOR.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode parse(String json) {
        return NetConfDecoder.parseObject(json.getBytes(StandardCharsets.UTF_8));
    }
}
