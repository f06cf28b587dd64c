package org.userspacecni.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.userspacecni.core.fuzz.HostileInput;
import org.userspacecni.core.fuzz.Property;

/**
 * Reading and writing trees with Jackson's parser and generator alone gives what the project's mapper gives:
 * the same tree, node class for node class, or the same refusal (exception class and Jackson's message); the
 * same bytes, compact and pretty; the same plain Java values.
 */
class JsonTest {

    private static final String[] EDGES = {"", " ", "\n", "null", "true", "1", "\"s\"", "{}", "[]", "{} {}", "{}x",
        "{}]", "{} 1", "{},", "[1,2] ", "{\"a\":1,\"a\":2}", "{\"a\":{\"b\":1,\"b\":1}}", "{\"a\":1,}", "{'a':1}",
        "{\"n\":[0,-0,-0.0,1e400,-1e400,1E-400,2147483647,2147483648,-2147483648,-2147483649,9223372036854775807,"
            + "9223372036854775808,123456789012345678901234567890,1.5,0.1,1e2,12345678901234567890.5]}",
        "{\"s\":\"\\u00e9\\ud83d\\ude00\\n\\t\\\"\\\\/\"}", "{\"a\":nul}", "{\"a\":01}", "{\"a\":NaN}", "{\"a\"",
        "[" .repeat(2000) + "]".repeat(2000), "\ufeff{\"bom\":1}", "{\"x\":\"\u0000\"}"};

    @Test
    void readsAsTheMapperReadsTheEdges() throws Exception {
        for (String edge : EDGES) {
            sameRead(edge.getBytes(StandardCharsets.UTF_8));
        }
        sameRead("{\"utf16\":1}".getBytes(StandardCharsets.UTF_16));
        sameRead(new byte[] {'{', '"', 'n', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'});
    }

    @Test
    void readsAsTheMapperReadsArbitraryBytesAndDocuments() {
        Property.forAll(1000, HostileInput::bytes, JsonTest::sameRead);
        Property.forAll(1000, random -> HostileInput.text(HostileInput.object(random)), JsonTest::sameRead);
        Property.forAll(1000, random -> HostileInput.text(HostileInput.json(random, 4)), JsonTest::sameRead);
    }

    @Test
    void writesAsTheMapperWrites() {
        List<JsonNode> trees = new ArrayList<>();
        for (String edge : EDGES) {
            outcome(() -> Json.mapper().readTree(edge)).filter(JsonNode.class::isInstance)
                    .ifPresent(node -> trees.add((JsonNode) node));
        }
        Property.forAll(1000, random -> HostileInput.json(random, 4), trees::add);
        for (JsonNode tree : trees) {
            assertThat(new String(Json.write(tree), StandardCharsets.UTF_8)).as("%s", tree)
                    .isEqualTo(new String(outcome(() -> Json.mapper().writeValueAsBytes(tree)).map(byte[].class::cast)
                            .orElseThrow(), StandardCharsets.UTF_8));
            assertThat(new String(Json.writePretty(tree), StandardCharsets.UTF_8)).as("%s", tree)
                    .isEqualTo(new String(outcome(() -> Json.mapper().writerWithDefaultPrettyPrinter()
                            .writeValueAsBytes(tree)).map(byte[].class::cast).orElseThrow(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void plainValuesAreWhatBindingToObjectMakes() {
        Property.forAll(1000, random -> HostileInput.json(random, 4), tree -> {
            Object bound = Json.mapper().convertValue(tree, Object.class);
            assertThat(typed(Json.plain(tree))).as("%s", tree).isEqualTo(typed(bound));
        });
        // What the plugin reads comes from text, where numbers are the smallest node that holds them.
        Property.forAll(1000, random -> HostileInput.text(HostileInput.object(random)), text -> {
            outcome(() -> Json.readTree(text)).filter(JsonNode.class::isInstance).map(JsonNode.class::cast)
                    .ifPresent(tree -> assertThat(typed(Json.plain(tree)))
                            .isEqualTo(typed(Json.mapper().convertValue(tree, Object.class))));
        });
    }

    private static void sameRead(byte[] content) {
        Object expected = outcome(() -> Json.mapper().readTree(content)).map(JsonTest::typed).orElseThrow();
        Object actual = outcome(() -> Json.readTree(content)).map(JsonTest::typed).orElseThrow();
        assertThat(actual).isEqualTo(expected);
    }

    /** A value with the class of every node or number in it, or a refusal as its class and message. */
    private static Object typed(Object value) {
        if (value instanceof JsonNode node) {
            List<Object> shape = new ArrayList<>(List.of(node.getClass().getSimpleName()));
            if (node.isContainerNode()) {
                node.fields().forEachRemaining(field -> shape.add(List.of(field.getKey(), typed(field.getValue()))));
                if (node.isArray()) {
                    node.forEach(element -> shape.add(typed(element)));
                }
            } else {
                shape.add(node.asText());
            }
            return shape;
        }
        if (value instanceof Map<?, ?> map) {
            List<Object> shape = new ArrayList<>(List.of("map"));
            map.forEach((key, element) -> shape.add(List.of(key, typed(element))));
            return shape;
        }
        if (value instanceof List<?> list) {
            List<Object> shape = new ArrayList<>(List.of(value.getClass().getSimpleName()));
            list.forEach(element -> shape.add(typed(element)));
            return shape;
        }
        if (value instanceof Throwable thrown) {
            String message = thrown instanceof JacksonException jackson ? jackson.getOriginalMessage()
                    : thrown.getMessage();
            return List.of(thrown.getClass().getName(), String.valueOf(message));
        }
        return value == null ? "null" : List.of(value.getClass().getSimpleName(), value.toString());
    }

    private static java.util.Optional<Object> outcome(Callable<Object> action) {
        try {
            return java.util.Optional.ofNullable(action.call());
        } catch (Exception e) {
            return java.util.Optional.of(e);
        }
    }
}
