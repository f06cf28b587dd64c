package org.userspacecni.backend.ovs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The RFC 7047 notation: atoms, sets and maps as OVSDB writes them, and the transaction operations this
 * backend uses. A set or map read back from the server may be a bare atom when it has one element, or
 * {@code ["set", [...]]}; {@link #setOf} and {@link #mapOf} read both.
 */
final class Ovsdb {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Ovsdb() {
    }

    static ArrayNode uuid(String uuid) {
        return NODES.arrayNode().add("uuid").add(uuid);
    }

    static ArrayNode namedUuid(String name) {
        return NODES.arrayNode().add("named-uuid").add(name);
    }

    static ArrayNode set(JsonNode... atoms) {
        ArrayNode elements = NODES.arrayNode();
        for (JsonNode atom : atoms) {
            elements.add(atom);
        }
        return NODES.arrayNode().add("set").add(elements);
    }

    static ArrayNode map(Map<String, String> entries) {
        ArrayNode pairs = NODES.arrayNode();
        entries.forEach((key, value) -> pairs.addArray().add(key).add(value));
        return NODES.arrayNode().add("map").add(pairs);
    }

    static ArrayNode where(String column, String function, JsonNode value) {
        return NODES.arrayNode().add(NODES.arrayNode().add(column).add(function).add(value));
    }

    static ArrayNode where(String column, String function, String value) {
        return where(column, function, NODES.textNode(value));
    }

    static ArrayNode all() {
        return NODES.arrayNode();
    }

    static ObjectNode insert(String table, ObjectNode row, String uuidName) {
        return NODES.objectNode().put("op", "insert").put("table", table).<ObjectNode>set("row", row)
                .put("uuid-name", uuidName);
    }

    static ObjectNode select(String table, ArrayNode where, String... columns) {
        ArrayNode names = NODES.arrayNode();
        for (String column : columns) {
            names.add(column);
        }
        return NODES.objectNode().put("op", "select").put("table", table).<ObjectNode>set("where", where)
                .set("columns", names);
    }

    static ObjectNode mutate(String table, ArrayNode where, String column, String mutator, JsonNode value) {
        ArrayNode mutation = NODES.arrayNode().add(NODES.arrayNode().add(column).add(mutator).add(value));
        return NODES.objectNode().put("op", "mutate").put("table", table).<ObjectNode>set("where", where)
                .set("mutations", mutation);
    }

    static ObjectNode update(String table, ArrayNode where, ObjectNode row) {
        return NODES.objectNode().put("op", "update").put("table", table).<ObjectNode>set("where", where)
                .set("row", row);
    }

    /**
     * A {@code wait} that lets the transaction go on only if the rows {@code where} selects hold, in {@code columns},
     * exactly {@code rows} now (RFC 7047 5.2.6 with timeout 0): the guard against what changed since it was read.
     */
    static ObjectNode waitUntilEqual(String table, ArrayNode where, List<String> columns, List<ObjectNode> rows) {
        ArrayNode names = NODES.arrayNode();
        columns.forEach(names::add);
        ArrayNode expected = NODES.arrayNode();
        rows.forEach(expected::add);
        return NODES.objectNode().put("op", "wait").put("table", table).put("timeout", 0).put("until", "==")
                .<ObjectNode>set("where", where).<ObjectNode>set("columns", names).set("rows", expected);
    }

    static ObjectNode row() {
        return NODES.objectNode();
    }

    /** The elements of a set column value. */
    static List<JsonNode> setOf(JsonNode value) {
        List<JsonNode> elements = new ArrayList<>();
        if (value.isArray() && value.size() == 2 && "set".equals(value.get(0).asText())) {
            value.get(1).forEach(elements::add);
        } else if (!value.isMissingNode() && !value.isNull()) {
            elements.add(value);
        }
        return elements;
    }

    /** The entries of a map column value whose keys and values are strings. */
    static Map<String, String> mapOf(JsonNode value) {
        Map<String, String> entries = new LinkedHashMap<>();
        if (value.isArray() && value.size() == 2 && "map".equals(value.get(0).asText())) {
            value.get(1).forEach(pair -> entries.put(pair.get(0).asText(), pair.get(1).asText()));
        }
        return entries;
    }

    /** The uuid string of a {@code ["uuid", "..."]} atom. */
    static String uuidOf(JsonNode atom) {
        return atom.get(1).asText();
    }
}
