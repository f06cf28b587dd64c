package org.userspacecni.core.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.userspacecni.core.Json;

/**
 * Generators of what a hostile or broken runtime may hand the plugin: arbitrary bytes, strings aimed at paths,
 * names and parsers, numbers out of every range, arbitrary JSON trees, and valid documents with some of their
 * values swapped for any of those.
 */
public final class HostileInput {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Field names of the configuration and of results, so that generated objects hit the decoders' paths. */
    private static final String[] KEYS = {"cniVersion", "name", "type", "host", "container", "engine", "iftype",
        "netType", "vhost", "mode", "group", "socketfile", "memif", "role", "queues", "ringSize", "bufferSize",
        "secret", "bridge", "bridgeName", "bridgeId", "vlanId", "options", "ipam", "subnet", "routes", "dst", "gw",
        "sharedDir", "dataDir", "kubeconfig", "logFile", "logLevel", "mtu", "prevResult", "interfaces", "ips",
        "address", "gateway", "interface", "version", "mac", "sandbox", "socketPath", "pciID", "dns",
        "nameservers", "domain", "search", "options", "advmss", "priority", "table", "scope",
        "cni.dev/valid-attachments", "cni.dev/attachments", "containerID", "ifname", "schemaVersion",
        "containerId", "ifName", "config", "ipResult", "socket", "vlan"};

    /** Words the decoders know, so that some generated values are accepted and go further. */
    private static final String[] WORDS = {"1.1.0", "1.0.0", "0.4.0", "0.3.1", "0.3.0", "0.2.0", "ovs-dpdk", "vpp",
        "vhostuser", "memif", "client", "server", "master", "slave", "ethernet", "ip", "inject-punt", "bridge",
        "interface", "debug", "info", "warning", "error", "verbose", "host-local", "userspace", "net1",
        "10.1.2.3/24", "10.1.2.1", "0.0.0.0/0", "fd00::1/64", "fd00::1", "::/0", "02:00:00:00:00:01",
        "/var/run/netns/x", "br0", "/tmp/shared"};

    /** Strings aimed at paths, shells, OVSDB and parsers. */
    private static final String[] NASTY = {"", " ", ".", "..", "../", "../../etc", "/", "//", "/etc/passwd",
        "a/../../b", "/proc/self/../..", "/a/./b", "/a/b/", "a\u0000b", "\u0000", "\n", "a\nb", "\r\n", "\t",
        "\u0001\u0002\u001f\u007f", "\u001b[2J", "$(reboot)", "`id`", "; rm -rf /", "a|b", "a&b", "\"", "'", "\\",
        "{}", "[]", "null", "true", "-1", "1e400", "%s%n", "${jndi:x}", "ü", "日本語", "\ud83d\ude00",
        "\u202eevil", "\ufeff", "\ud800", "\udfff", "br-int; ovs-vsctl del-br br0", "x".repeat(16),
        "n".repeat(256), "-", "_", "a:b", "a b"};

    private HostileInput() {
    }

    /** Any bytes: random, or a JSON text with some bytes changed, cut or cut short. */
    public static byte[] bytes(SplittableRandom random) {
        switch (random.nextInt(4)) {
            case 0: {
                byte[] noise = new byte[random.nextInt(200)];
                for (int i = 0; i < noise.length; i++) {
                    noise[i] = (byte) random.nextInt(256);
                }
                return noise;
            }
            case 1:
                return utf8(string(random));
            default: {
                byte[] text = utf8(json(random, 4).toString());
                if (text.length == 0) {
                    return text;
                }
                int changes = 1 + random.nextInt(4);
                for (int i = 0; i < changes; i++) {
                    text[random.nextInt(text.length)] = (byte) random.nextInt(256);
                }
                return random.nextBoolean() ? text : java.util.Arrays.copyOf(text, random.nextInt(text.length));
            }
        }
    }

    /** A string: a nasty one, a known word, random characters, or a huge one. */
    public static String string(SplittableRandom random) {
        switch (random.nextInt(10)) {
            case 0: case 1: case 2:
                return NASTY[random.nextInt(NASTY.length)];
            case 3: case 4:
                return WORDS[random.nextInt(WORDS.length)];
            case 5:
                return "/" + NASTY[random.nextInt(NASTY.length)] + "/" + WORDS[random.nextInt(WORDS.length)];
            case 6:
                return "x".repeat(random.nextInt(2) == 0 ? 100_000 : 1 + random.nextInt(300));
            case 7: {
                StringBuilder any = new StringBuilder();
                int length = random.nextInt(20);
                for (int i = 0; i < length; i++) {
                    any.appendCodePoint(random.nextInt(0x30000));
                }
                return any.toString();
            }
            default: {
                StringBuilder ascii = new StringBuilder();
                int length = random.nextInt(20);
                for (int i = 0; i < length; i++) {
                    ascii.append((char) random.nextInt(128));
                }
                return ascii.toString();
            }
        }
    }

    /** A number at or beyond the edges of int and long, fractional, or huge. */
    public static JsonNode number(SplittableRandom random) {
        switch (random.nextInt(8)) {
            case 0:
                return NODES.numberNode(random.nextInt(-2, 70_000));
            case 1:
                return NODES.numberNode(new int[] {0, -1, 1, 67, 68, 4094, 4095, 9702, 9703, 65535, 65536,
                    Integer.MAX_VALUE, Integer.MIN_VALUE}[random.nextInt(13)]);
            case 2:
                return NODES.numberNode(random.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE);
            case 3:
                return NODES.numberNode(new BigInteger("9".repeat(1 + random.nextInt(60))));
            case 4:
                return NODES.numberNode(random.nextDouble() * 10_000);
            case 5:
                return NODES.numberNode(new BigDecimal("1e" + random.nextInt(-400, 400)));
            case 6:
                return NODES.numberNode(-0.0);
            default:
                return NODES.numberNode(random.nextInt());
        }
    }

    /** Any JSON value, nested at most {@code depth} deep. */
    public static JsonNode json(SplittableRandom random, int depth) {
        int kind = random.nextInt(depth <= 0 ? 5 : 8);
        switch (kind) {
            case 0:
                return NODES.nullNode();
            case 1:
                return NODES.booleanNode(random.nextBoolean());
            case 2:
                return number(random);
            case 3: case 4:
                return NODES.textNode(string(random));
            case 5: {
                ArrayNode array = NODES.arrayNode();
                int size = random.nextInt(4);
                for (int i = 0; i < size; i++) {
                    array.add(json(random, depth - 1));
                }
                return array;
            }
            default: {
                ObjectNode object = NODES.objectNode();
                int size = random.nextInt(6);
                for (int i = 0; i < size; i++) {
                    String key = random.nextInt(4) == 0 ? string(random) : KEYS[random.nextInt(KEYS.length)];
                    object.set(key, json(random, depth - 1));
                }
                return object;
            }
        }
    }

    /** Any JSON object, as the top of a document. */
    public static ObjectNode object(SplittableRandom random) {
        JsonNode node;
        do {
            node = json(random, 5);
        } while (!node.isObject());
        return (ObjectNode) node;
    }

    /**
     * {@code valid}, copied, with one to four changes: a value replaced by any JSON value (another type, a
     * nasty string, a number out of range, deep nesting), a field removed, or a field added.
     */
    public static ObjectNode mutation(SplittableRandom random, ObjectNode valid) {
        ObjectNode copy = valid.deepCopy();
        int changes = 1 + random.nextInt(4);
        for (int i = 0; i < changes; i++) {
            List<JsonNode> containers = new ArrayList<>();
            collectContainers(copy, 0, containers);
            JsonNode target = containers.get(random.nextInt(containers.size()));
            if (target.isObject()) {
                ObjectNode object = (ObjectNode) target;
                List<String> names = new ArrayList<>();
                object.fieldNames().forEachRemaining(names::add);
                int op = random.nextInt(names.isEmpty() ? 1 : 5);
                if (op == 0) {
                    object.set(KEYS[random.nextInt(KEYS.length)], value(random));
                } else if (op == 1) {
                    object.remove(names.get(random.nextInt(names.size())));
                } else {
                    object.set(names.get(random.nextInt(names.size())), value(random));
                }
            } else {
                ArrayNode array = (ArrayNode) target;
                if (array.isEmpty() || random.nextBoolean()) {
                    array.add(value(random));
                } else {
                    array.set(random.nextInt(array.size()), value(random));
                }
            }
        }
        return copy;
    }

    /** A document's text, so that mutated trees can go through the byte-level parser as well. */
    public static byte[] text(JsonNode document) {
        try {
            return Json.mapper().writeValueAsBytes(document);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode value(SplittableRandom random) {
        switch (random.nextInt(6)) {
            case 0:
                return NODES.textNode(string(random));
            case 1:
                return number(random);
            case 2: {
                JsonNode deep = NODES.numberNode(1);
                for (int i = random.nextInt(700); i > 0; i--) {
                    deep = NODES.arrayNode().add(deep);
                }
                return deep;
            }
            default:
                return json(random, 3);
        }
    }

    /** The objects and arrays of a document, not below the depth of a configuration's own sections. */
    private static void collectContainers(JsonNode node, int depth, List<JsonNode> into) {
        if (node.isContainerNode() && depth < 8) {
            into.add(node);
            node.forEach(child -> collectContainers(child, depth + 1, into));
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
