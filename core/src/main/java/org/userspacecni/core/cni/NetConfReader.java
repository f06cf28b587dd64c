package org.userspacecni.core.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.userspacecni.spi.BridgeConfig;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.InterfaceType;
import org.userspacecni.spi.IpamConfig;
import org.userspacecni.spi.LogLevel;
import org.userspacecni.spi.MemifConfig;
import org.userspacecni.spi.MemifMode;
import org.userspacecni.spi.MemifRole;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.NetType;
import org.userspacecni.spi.Side;
import org.userspacecni.spi.VhostConfig;
import org.userspacecni.spi.VhostMode;

/**
 * Reads a network configuration's tree into the SPI's records by hand, so that a command never pays for
 * Jackson's introspection of the records (tens of milliseconds in a fresh JVM). It keeps what binding them
 * does: fields in document order, the first fault winning; unknown fields ignored; {@code null} as absent; no
 * coercion of scalars; a record's own refusal prefixed with the key the record sits under and a value's
 * refusal with its own key; a value of the wrong JSON type is 6 naming the key and the type expected.
 */
final class NetConfReader {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private NetConfReader() {
    }

    static NetConf netConf(ObjectNode config) {
        try {
            return netConfOf(config);
        } catch (Refused e) {
            throw new CniException(e.code(), e.getMessage(), e.details(), null);
        }
    }

    private static NetConf netConfOf(ObjectNode config) {
        String cniVersion = null;
        String name = null;
        String type = null;
        Side host = null;
        Optional<Side> container = null;
        Optional<IpamConfig> ipam = null;
        Optional<String> sharedDir = null;
        Optional<String> dataDir = null;
        Optional<String> kubeconfig = null;
        Optional<String> logFile = null;
        LogLevel logLevel = null;
        Optional<Integer> mtu = null;
        for (Iterator<Map.Entry<String, JsonNode>> fields = config.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = field.getKey();
            JsonNode value = field.getValue();
            switch (key) {
                case "cniVersion" -> cniVersion = string(value, key);
                case "name" -> name = string(value, key);
                case "type" -> type = string(value, key);
                case "host" -> host = record(value, key, NetConfReader::side);
                case "container" -> container = optional(value, key, NetConfReader::side);
                case "ipam" -> ipam = optional(value, key, NetConfReader::ipam);
                case "sharedDir" -> sharedDir = optionalString(value, key);
                case "dataDir" -> dataDir = optionalString(value, key);
                case "kubeconfig" -> kubeconfig = optionalString(value, key);
                case "logFile" -> logFile = optionalString(value, key);
                case "logLevel" -> logLevel = constant(value, key, LogLevel::of);
                case "mtu" -> mtu = optionalInteger(value, key);
                default -> {
                }
            }
        }
        // The record's own refusals name their keys, as a field's would be named by its path.
        return new NetConf(cniVersion, name, type, host, container, ipam, sharedDir, dataDir, kubeconfig, logFile,
                logLevel, mtu);
    }

    private static Side side(ObjectNode node, String path) {
        String engine = null;
        InterfaceType iftype = null;
        Optional<NetType> netType = null;
        VhostConfig vhost = null;
        MemifConfig memif = null;
        BridgeConfig bridge = null;
        Map<String, Object> options = null;
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = path + "." + field.getKey();
            JsonNode value = field.getValue();
            switch (field.getKey()) {
                case "engine" -> engine = string(value, key);
                case "iftype" -> iftype = wireName(value, key, InterfaceType::of);
                case "netType" -> netType = Optional.ofNullable(constant(value, key, NetType::of));
                case "vhost" -> vhost = record(value, key, NetConfReader::vhost);
                case "memif" -> memif = record(value, key, NetConfReader::memif);
                case "bridge" -> bridge = record(value, key, NetConfReader::bridge);
                case "options" -> options = options(value, key);
                default -> {
                }
            }
        }
        return new Side(engine, iftype, netType, vhost, memif, bridge, options);
    }

    private static IpamConfig ipam(ObjectNode node, String path) {
        String type = null;
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().equals("type")) {
                type = string(field.getValue(), path + ".type");
            }
        }
        return new IpamConfig(type);
    }

    private static VhostConfig vhost(ObjectNode node, String path) {
        Optional<VhostMode> mode = null;
        Optional<String> group = null;
        Optional<String> socketfile = null;
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = path + "." + field.getKey();
            JsonNode value = field.getValue();
            switch (field.getKey()) {
                case "mode" -> mode = Optional.ofNullable(constant(value, key, VhostMode::of));
                case "group" -> group = optionalString(value, key);
                case "socketfile" -> socketfile = optionalString(value, key);
                default -> {
                }
            }
        }
        return new VhostConfig(mode, group, socketfile);
    }

    private static MemifConfig memif(ObjectNode node, String path) {
        Optional<MemifRole> role = null;
        MemifMode mode = null;
        Optional<String> socketfile = null;
        Optional<Integer> queues = null;
        Optional<Integer> ringSize = null;
        Optional<Integer> bufferSize = null;
        Optional<String> secret = null;
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = path + "." + field.getKey();
            JsonNode value = field.getValue();
            switch (field.getKey()) {
                case "role" -> role = Optional.ofNullable(constant(value, key, MemifRole::of));
                case "mode" -> mode = constant(value, key, MemifMode::of);
                case "socketfile" -> socketfile = optionalString(value, key);
                case "queues" -> queues = optionalInteger(value, key);
                case "ringSize" -> ringSize = optionalInteger(value, key);
                case "bufferSize" -> bufferSize = optionalInteger(value, key);
                case "secret" -> secret = optionalString(value, key);
                default -> {
                }
            }
        }
        return new MemifConfig(role, mode, socketfile, queues, ringSize, bufferSize, secret);
    }

    private static BridgeConfig bridge(ObjectNode node, String path) {
        Optional<String> bridgeName = null;
        Optional<Integer> bridgeId = null;
        Optional<Integer> vlanId = null;
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = path + "." + field.getKey();
            JsonNode value = field.getValue();
            switch (field.getKey()) {
                case "bridgeName" -> bridgeName = optionalString(value, key);
                case "bridgeId" -> bridgeId = optionalInteger(value, key);
                case "vlanId" -> vlanId = optionalInteger(value, key);
                default -> {
                }
            }
        }
        return new BridgeConfig(bridgeName, bridgeId, vlanId);
    }

    /** A nested record: {@code null} is absent, an object is read, anything else is not an object. */
    private static <T> T record(JsonNode value, String key, Reader<T> reader) {
        if (value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw wrongType(key, "an object", value);
        }
        return build(key, () -> reader.read((ObjectNode) value, key));
    }

    private static <T> Optional<T> optional(JsonNode value, String key, Reader<T> reader) {
        return Optional.ofNullable(record(value, key, reader));
    }

    /**
     * Runs a record's constructor (and its fields' readers): a refusal of the record itself is prefixed with
     * its key; one that already names its key (a field's) passes unchanged.
     */
    private static <T> T build(String key, Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (Refused e) {
            throw e;
        } catch (CniException e) {
            throw refused(key, e);
        }
    }

    private static String string(JsonNode value, String key) {
        if (value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw wrongType(key, "a string", value);
        }
        return value.textValue();
    }

    private static Optional<String> optionalString(JsonNode value, String key) {
        return Optional.ofNullable(string(value, key));
    }

    private static Optional<Integer> optionalInteger(JsonNode value, String key) {
        if (value.isNull() || value.isTextual() && blank(value.textValue())) {
            // Binding takes a string of nothing but white space (control characters included) for no number.
            return Optional.empty();
        }
        if (!value.isIntegralNumber()) {
            throw wrongType(key, "an integer", value);
        }
        if (!value.canConvertToInt()) {
            // Binding reads the number before it checks its range, and says only that the type is wrong.
            throw wrongType(key, "of another type", value);
        }
        return Optional.of(value.intValue());
    }

    private static boolean blank(String text) {
        return !text.isEmpty() && text.chars().allMatch(c -> c <= ' ');
    }

    /**
     * An enumeration's constant by its wire name. A number or a boolean is taken as its text, so that it is
     * an unsupported value (2) rather than a value of the wrong type, as when its creator bound it.
     */
    private static <T> T constant(JsonNode value, String key, Function<String, T> parse) {
        return value.isValueNode() && !value.isNull() && !value.isTextual()
                ? wireName(NODES.textNode(value.asText()), key, parse) : wireName(value, key, parse);
    }

    /** A value spelled by its wire name: the spelling's refusal (2, naming the value) is prefixed with the key. */
    private static <T> T wireName(JsonNode value, String key, Function<String, T> parse) {
        String text = string(value, key);
        if (text == null) {
            return null;
        }
        try {
            return parse.apply(text);
        } catch (CniException e) {
            throw refused(key, e);
        }
    }

    /** An engine's settings: whatever JSON they hold, as plain Java values, for the engine to judge. */
    private static Map<String, Object> options(JsonNode value, String key) {
        if (value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw wrongType(key, "an object", value);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> options = (Map<String, Object>) plain(value);
        return options;
    }

    private static Object plain(JsonNode node) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                node.fields().forEachRemaining(field -> map.put(field.getKey(), plain(field.getValue())));
                return map;
            }
            case ARRAY -> {
                List<Object> list = new ArrayList<>();
                node.forEach(element -> list.add(plain(element)));
                return list;
            }
            case STRING -> {
                return node.textValue();
            }
            case BOOLEAN -> {
                return node.booleanValue();
            }
            case NUMBER -> {
                return node.numberValue();
            }
            default -> {
                return null;
            }
        }
    }

    private static CniException wrongType(String key, String expected, JsonNode found) {
        return new Refused(ErrorCode.DECODING_FAILURE.code(), "failed to decode the network configuration: '" + key
                + "' must be " + expected, "found " + describe(found));
    }

    private static String describe(JsonNode found) {
        JsonNodeType type = found.getNodeType();
        return switch (type) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case BOOLEAN -> "a boolean";
            case NUMBER -> found.isIntegralNumber() ? "the integer " + found.asText() : "the number " + found.asText();
            default -> type.name().toLowerCase(Locale.ROOT);
        };
    }

    private static CniException refused(String key, CniException e) {
        return new Refused(e.code(), key.isEmpty() ? e.getMessage() : key + ": " + e.getMessage(), e.details());
    }

    @FunctionalInterface
    private interface Reader<T> {
        T read(ObjectNode node, String path);
    }

    /** A refusal that already names its key, so that the records around it pass it on unchanged. */
    private static final class Refused extends CniException {
        private static final long serialVersionUID = 1L;

        Refused(int code, String message, String details) {
            super(code, message, details, null);
        }
    }
}
