package org.userspacecni.core.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.userspacecni.core.Json;
import org.userspacecni.spi.BridgeConfig;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.HostPort;
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
 * Reads a network configuration's tree into the SPI's records by hand, and so the stored container
 * configuration and the journal's port, so that a command never pays for Jackson's introspection of the
 * records (tens of milliseconds in a fresh JVM). It keeps what binding them with the project's mapper did: fields in document order, the first fault winning; unknown fields ignored; {@code null} as absent; no
 * coercion of scalars; a record's own refusal prefixed with the key the record sits under and a value's
 * refusal with its own key; a value of the wrong JSON type is 6 naming the key and the type expected.
 */
public final class NetConfReader {

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

    /**
     * A stored container configuration, by the same rules. A value of the wrong type, or a document that is
     * not an object, is a {@link Refused} that says so ({@link Refused#wrongType}); a record's or value's own
     * refusal is one that keeps the message without the key ({@link Refused#own}); a missing field the record
     * requires is the record's exception.
     */
    public static ContainerConfig containerConfig(JsonNode document) {
        if (!document.isObject()) {
            throw wrongType("", "an object", document);
        }
        Integer schemaVersion = null;
        String containerId = null;
        String ifName = null;
        String name = null;
        Side config = null;
        Map<String, Object> ipResult = null;
        String socket = null;
        String mac = null;
        Optional<Integer> mtu = null;
        Optional<Integer> vlan = null;
        for (Iterator<Map.Entry<String, JsonNode>> fields = document.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = field.getKey();
            JsonNode value = field.getValue();
            switch (key) {
                case "schemaVersion" -> schemaVersion = primitiveInteger(value, key);
                case "containerId" -> containerId = string(value, key);
                case "ifName" -> ifName = string(value, key);
                case "name" -> name = string(value, key);
                case "config" -> config = record(value, key, NetConfReader::side);
                case "ipResult" -> ipResult = options(value, key);
                case "socket" -> socket = string(value, key);
                case "mac" -> mac = string(value, key);
                case "mtu" -> mtu = optionalInteger(value, key);
                case "vlan" -> vlan = optionalInteger(value, key);
                default -> {
                }
            }
        }
        if (schemaVersion == null) {
            // A number the record must have, missing: binding refuses it as it refuses a null.
            throw wrongType("schemaVersion", "an integer", document.path("schemaVersion"));
        }
        try {
            return new ContainerConfig(schemaVersion, containerId, ifName, name, config, ipResult, socket, mac, mtu,
                    vlan);
        } catch (CniException e) {
            throw refused("", e);
        }
    }

    /** The port a journal entry records, by the same rules. */
    public static HostPort hostPort(JsonNode node) {
        if (!node.isObject()) {
            throw wrongType("", "an object", node);
        }
        String name = null;
        String socketPath = null;
        Optional<String> mac = null;
        Optional<Integer> mtu = null;
        Map<String, String> notes = null;
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = field.getKey();
            JsonNode value = field.getValue();
            switch (key) {
                case "name" -> name = string(value, key);
                case "socketPath" -> socketPath = string(value, key);
                case "mac" -> mac = optionalString(value, key);
                case "mtu" -> mtu = optionalInteger(value, key);
                case "notes" -> notes = strings(value, key);
                default -> {
                }
            }
        }
        return new HostPort(name, socketPath, mac, mtu, notes);
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

    /** A number that must be there: {@code null} or white space is no number, refused as of the wrong type. */
    private static int primitiveInteger(JsonNode value, String key) {
        if (value.isNull() || value.isTextual() && blank(value.textValue())) {
            throw wrongType(key, "an integer", value);
        }
        return optionalInteger(value, key).orElseThrow();
    }

    private static Map<String, String> strings(JsonNode value, String key) {
        if (value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw wrongType(key, "an object", value);
        }
        Map<String, String> map = new LinkedHashMap<>();
        value.fields().forEachRemaining(field -> map.put(field.getKey(), string(field.getValue(),
                key + "." + field.getKey())));
        return map;
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
        Map<String, Object> options = (Map<String, Object>) Json.plain(value);
        return options;
    }

    private static Refused wrongType(String key, String expected, JsonNode found) {
        return new Refused(ErrorCode.DECODING_FAILURE.code(), "failed to decode the network configuration: '" + key
                + "' must be " + expected, "found " + describe(found), null);
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

    private static Refused refused(String key, CniException e) {
        CniException own = e instanceof Refused refused ? refused.own : e;
        return new Refused(e.code(), key.isEmpty() ? e.getMessage() : key + ": " + e.getMessage(), e.details(), own);
    }

    @FunctionalInterface
    private interface Reader<T> {
        T read(ObjectNode node, String path);
    }

    /** A refusal that already names its key, so that the records around it pass it on unchanged. */
    public static final class Refused extends CniException {
        private static final long serialVersionUID = 1L;

        /** The refusal of a record or value, without the key; none for a value of the wrong type. */
        private final transient CniException own;

        Refused(int code, String message, String details, CniException own) {
            super(code, message, details, null);
            this.own = own;
        }

        /** Whether a value was of the wrong JSON type rather than refused by its record. */
        public boolean wrongType() {
            return own == null;
        }

        /** The record's or value's own refusal, without the key it sits under. */
        public Optional<CniException> own() {
            return Optional.ofNullable(own);
        }
    }
}
