package org.userspacecni.core.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
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
import org.userspacecni.spi.Policing;
import org.userspacecni.spi.PortMirror;
import org.userspacecni.spi.Side;
import org.userspacecni.spi.VhostConfig;
import org.userspacecni.spi.VhostMode;
import org.userspacecni.spi.VlanMode;
import org.userspacecni.spi.VlanRange;
import org.userspacecni.spi.WireName;

/**
 * Reads a network configuration's tree into the SPI's records by hand, and so the stored container
 * configuration and the journal's port, so that a command never pays for Jackson's introspection of the
 * records (tens of milliseconds in a fresh JVM). It keeps what binding them with the project's mapper did:
 * fields in document order, the first fault winning; unknown fields ignored; {@code null} as absent; no
 * coercion of scalars; a record's own refusal prefixed with the key the record sits under and a value's
 * refusal with its own key; a value of the wrong JSON type is 6 naming the key and the type expected.
 */
public final class NetConfReader {

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
        Optional<Integer> numaNode = null;
        for (Iterator<Map.Entry<String, JsonNode>> fields = document.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = field.getKey();
            JsonNode value = field.getValue();
            switch (key) {
                case "schemaVersion" -> schemaVersion = primitiveInteger(value, key);
                case "containerId" -> containerId = string(value, key);
                case "ifName" -> ifName = string(value, key);
                case "name" -> name = string(value, key);
                case "config" -> config = side(object(value, key), key);
                case "ipResult" -> ipResult = options(value, key);
                case "socket" -> socket = string(value, key);
                case "mac" -> mac = string(value, key);
                case "mtu" -> mtu = optionalInteger(value, key);
                case "vlan" -> vlan = optionalInteger(value, key);
                case "numaNode" -> numaNode = optionalInteger(value, key);
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
                    vlan, numaNode);
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
        Optional<Integer> numaNode = null;
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
                case "numaNode" -> numaNode = optionalInteger(value, key);
                default -> {
                }
            }
        }
        return new HostPort(name, socketPath, mac, mtu, notes, numaNode);
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
                case "host" -> host = side(object(value, key), key);
                case "container" -> container = Optional.ofNullable(side(object(value, key), key));
                case "ipam" -> ipam = Optional.ofNullable(ipam(object(value, key), key));
                case "sharedDir" -> sharedDir = optionalString(value, key);
                case "dataDir" -> dataDir = optionalString(value, key);
                case "kubeconfig" -> kubeconfig = optionalString(value, key);
                case "logFile" -> logFile = optionalString(value, key);
                case "logLevel" -> logLevel = constant(value, key, LogLevel.class);
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
        if (node == null) {
            return null;
        }
        String engine = null;
        InterfaceType iftype = null;
        Optional<NetType> netType = null;
        VhostConfig vhost = null;
        MemifConfig memif = null;
        BridgeConfig bridge = null;
        Optional<Policing> policing = null;
        List<PortMirror> mirrors = null;
        Map<String, Object> options = null;
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = key(path, field.getKey());
            JsonNode value = field.getValue();
            switch (field.getKey()) {
                case "engine" -> engine = string(value, key);
                case "iftype" -> iftype = interfaceType(value, key);
                case "netType" -> netType = Optional.ofNullable(constant(value, key, NetType.class));
                case "vhost" -> vhost = vhost(object(value, key), key);
                case "memif" -> memif = memif(object(value, key), key);
                case "bridge" -> bridge = bridge(object(value, key), key);
                case "policing" -> policing = Optional.ofNullable(policing(object(value, key), key));
                case "mirrors" -> mirrors = list(value, key, NetConfReader::mirror);
                case "options" -> options = options(value, key);
                default -> {
                }
            }
        }
        try {
            return new Side(engine, iftype, netType, vhost, memif, bridge, policing, mirrors, options);
        } catch (CniException e) {
            throw refused(path, e);
        }
    }

    private static IpamConfig ipam(ObjectNode node, String path) {
        if (node == null) {
            return null;
        }
        String type = null;
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().equals("type")) {
                type = string(field.getValue(), key(path, "type"));
            }
        }
        try {
            return new IpamConfig(type);
        } catch (CniException e) {
            throw refused(path, e);
        }
    }

    private static VhostConfig vhost(ObjectNode node, String path) {
        if (node == null) {
            return null;
        }
        Optional<VhostMode> mode = null;
        Optional<String> group = null;
        Optional<String> socketfile = null;
        Optional<Integer> queues = null;
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = key(path, field.getKey());
            JsonNode value = field.getValue();
            switch (field.getKey()) {
                case "mode" -> mode = Optional.ofNullable(constant(value, key, VhostMode.class));
                case "group" -> group = optionalString(value, key);
                case "socketfile" -> socketfile = optionalString(value, key);
                case "queues" -> queues = optionalInteger(value, key);
                default -> {
                }
            }
        }
        try {
            return new VhostConfig(mode, group, socketfile, queues);
        } catch (CniException e) {
            throw refused(path, e);
        }
    }

    private static MemifConfig memif(ObjectNode node, String path) {
        if (node == null) {
            return null;
        }
        Optional<MemifRole> role = null;
        MemifMode mode = null;
        Optional<String> socketfile = null;
        Optional<Integer> queues = null;
        Optional<Integer> ringSize = null;
        Optional<Integer> bufferSize = null;
        Optional<String> secret = null;
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = key(path, field.getKey());
            JsonNode value = field.getValue();
            switch (field.getKey()) {
                case "role" -> role = Optional.ofNullable(constant(value, key, MemifRole.class));
                case "mode" -> mode = constant(value, key, MemifMode.class);
                case "socketfile" -> socketfile = optionalString(value, key);
                case "queues" -> queues = optionalInteger(value, key);
                case "ringSize" -> ringSize = optionalInteger(value, key);
                case "bufferSize" -> bufferSize = optionalInteger(value, key);
                case "secret" -> secret = optionalString(value, key);
                default -> {
                }
            }
        }
        try {
            return new MemifConfig(role, mode, socketfile, queues, ringSize, bufferSize, secret);
        } catch (CniException e) {
            throw refused(path, e);
        }
    }

    private static BridgeConfig bridge(ObjectNode node, String path) {
        if (node == null) {
            return null;
        }
        Optional<String> bridgeName = null;
        Optional<Integer> bridgeId = null;
        Optional<Integer> vlanId = null;
        Optional<Integer> vlan = null;
        List<VlanRange> trunk = null;
        Optional<VlanMode> vlanMode = null;
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = key(path, field.getKey());
            JsonNode value = field.getValue();
            switch (field.getKey()) {
                case "bridgeName" -> bridgeName = optionalString(value, key);
                case "bridgeId" -> bridgeId = optionalInteger(value, key);
                case "vlanId" -> vlanId = optionalInteger(value, key);
                case "vlan" -> vlan = optionalInteger(value, key);
                case "trunk" -> trunk = list(value, key, NetConfReader::vlanRange);
                case "vlanMode" -> vlanMode = Optional.ofNullable(constant(value, key, VlanMode.class));
                default -> {
                }
            }
        }
        try {
            return new BridgeConfig(bridgeName, bridgeId, vlanId, vlan, trunk, vlanMode);
        } catch (CniException e) {
            throw refused(path, e);
        }
    }

    /**
     * A list of records: {@code null} is absent, and so is each {@code null} entry, which the record holding the
     * list refuses; each entry is read by {@code reader} under the key {@code key[i]}.
     */
    private static <T> List<T> list(JsonNode value, String key, BiFunction<ObjectNode, String, T> reader) {
        if (value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw wrongType(key, "an array", value);
        }
        List<T> entries = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            String entry = key + "[" + i + "]";
            entries.add(reader.apply(object(value.get(i), entry), entry));
        }
        return entries;
    }

    private static PortMirror mirror(ObjectNode node, String path) {
        if (node == null) {
            return null;
        }
        String name = null;
        Optional<Boolean> ingress = null;
        Optional<Boolean> egress = null;
        Optional<Boolean> consumer = null;
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = key(path, field.getKey());
            JsonNode value = field.getValue();
            switch (field.getKey()) {
                case "name" -> name = string(value, key);
                case "ingress" -> ingress = optionalBoolean(value, key);
                case "egress" -> egress = optionalBoolean(value, key);
                case "consumer" -> consumer = optionalBoolean(value, key);
                default -> {
                }
            }
        }
        try {
            return new PortMirror(name, ingress, egress, consumer);
        } catch (CniException e) {
            throw refused(path, e);
        }
    }

    private static VlanRange vlanRange(ObjectNode node, String path) {
        if (node == null) {
            return null;
        }
        Optional<Integer> id = null;
        Optional<Integer> minID = null;
        Optional<Integer> maxID = null;
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = key(path, field.getKey());
            JsonNode value = field.getValue();
            switch (field.getKey()) {
                case "id" -> id = optionalInteger(value, key);
                case "minID" -> minID = optionalInteger(value, key);
                case "maxID" -> maxID = optionalInteger(value, key);
                default -> {
                }
            }
        }
        try {
            return new VlanRange(id, minID, maxID);
        } catch (CniException e) {
            throw refused(path, e);
        }
    }

    private static Policing policing(ObjectNode node, String path) {
        if (node == null) {
            return null;
        }
        Optional<Integer> rate = null;
        Optional<Integer> burst = null;
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = key(path, field.getKey());
            JsonNode value = field.getValue();
            switch (field.getKey()) {
                case "rate" -> rate = optionalInteger(value, key);
                case "burst" -> burst = optionalInteger(value, key);
                default -> {
                }
            }
        }
        try {
            return new Policing(rate, burst);
        } catch (CniException e) {
            throw refused(path, e);
        }
    }

    /**
     * A nested record's object: {@code null} is absent, anything else but an object is of the wrong type. The
     * record's reader prefixes its constructor's refusal with the key; its fields' refusals name their own.
     */
    private static ObjectNode object(JsonNode value, String key) {
        if (value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw wrongType(key, "an object", value);
        }
        return (ObjectNode) value;
    }

    /** Without string concatenation's bootstrap, which a fresh JVM pays for. */
    private static String key(String path, String name) {
        return new StringBuilder(path.length() + 1 + name.length()).append(path).append('.').append(name)
                .toString();
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

    private static Optional<Boolean> optionalBoolean(JsonNode value, String key) {
        if (value.isNull() || value.isTextual() && blank(value.textValue())) {
            // As for a number: binding takes a string of nothing but white space for no value.
            return Optional.empty();
        }
        if (!value.isBoolean()) {
            throw wrongType(key, "a boolean", value);
        }
        return Optional.of(value.booleanValue());
    }

    private static boolean blank(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > ' ') {
                return false;
            }
        }
        return true;
    }

    /**
     * An enumeration's constant by its wire name. A number or a boolean is taken as its text, so that it is
     * an unsupported value (2) rather than a value of the wrong type, as when its creator bound it; the
     * spelling's refusal (2, naming the value) is prefixed with the key.
     */
    private static <E extends Enum<E> & WireName> E constant(JsonNode value, String key, Class<E> type) {
        String text = value.isNumber() || value.isBoolean() ? value.asText() : string(value, key);
        if (text == null) {
            return null;
        }
        try {
            return WireName.parse(type, text);
        } catch (CniException e) {
            throw refused(key, e);
        }
    }

    /** An interface type by its name, which must be a string; its refusal (2) is prefixed with the key. */
    private static InterfaceType interfaceType(JsonNode value, String key) {
        String text = string(value, key);
        if (text == null) {
            return null;
        }
        try {
            return InterfaceType.of(text);
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
        for (Iterator<Map.Entry<String, JsonNode>> fields = value.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            map.put(field.getKey(), string(field.getValue(), key(key, field.getKey())));
        }
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
