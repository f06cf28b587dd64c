package org.userspacecni.backend.vpp.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The codec against the 42 messages VPP's own serializer (vpp_papi, v26.06) encoded: every request encodes
 * to the same bytes and decodes back to its fields; every reply decodes to the same fields and encodes back
 * to the same bytes; every frame matches.
 */
class CodecVectorsTest {

    static final HexFormat HEX = HexFormat.of();
    static final Codec CODEC = new Codec(ApiDefinitions.standard());

    static Stream<JsonNode> vectors() throws IOException {
        try (InputStream in = CodecVectorsTest.class.getResourceAsStream("test_vectors.json")) {
            List<JsonNode> vectors = new ArrayList<>();
            new ObjectMapper().readTree(in).get("vectors").forEach(vectors::add);
            assertThat(vectors).hasSize(42);
            return vectors.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void encodesAndDecodesLikeVpp(JsonNode vector) {
        String name = vector.get("message").asText();
        byte[] payload = HEX.parseHex(vector.get("payload_hex").asText());
        long id = vector.get("_vl_msg_id_used").asLong();
        assertThat(CODEC.definitions().message(name).nameCrc()).isEqualTo(vector.get("name_crc").asText());
        JsonNode expected = vector.has("fields") ? vector.get("fields") : vector.get("decoded");
        Map<String, Object> values = values(expected);
        values.remove("_0");
        values.put("_vl_msg_id", id);

        assertThat(HEX.formatHex(CODEC.encode(name, values))).isEqualTo(vector.get("payload_hex").asText());
        Map<String, Object> decoded = CODEC.decode(name, payload);
        assertThat(decoded.get("_vl_msg_id")).isEqualTo(id);
        assertThat(decoded.keySet()).containsExactlyInAnyOrderElementsOf(values.keySet());
        assertSame(name, values, decoded);
        assertThat(HEX.formatHex(Frames.frame(payload))).isEqualTo(vector.get("framed_hex").asText());
    }

    /** Expected values as the codec takes them: {"hex": ...} is bytes, a printed prefix is the union map. */
    static Map<String, Object> values(JsonNode fields) {
        Map<String, Object> values = new LinkedHashMap<>();
        fields.fields().forEachRemaining(field -> values.put(field.getKey(), value(field.getValue())));
        return values;
    }

    static Object value(JsonNode node) {
        if (node.isObject() && node.has("hex")) {
            return HEX.parseHex(node.get("hex").asText());
        }
        if (node.isObject()) {
            return values(node);
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(element -> list.add(value(element)));
            return list;
        }
        if (node.isNumber()) {
            return node.asLong();
        }
        String text = node.asText();
        Matcher prefix = Pattern.compile("\\{'address': \\{'af': (\\d), 'un': \\{'(ip[46])': b'(.*)'}}, 'len': (\\d+)}")
                .matcher(text);
        if (prefix.matches()) {
            return Map.of("address", Map.of("af", Long.parseLong(prefix.group(1)), "un",
                    Map.of(prefix.group(2), pythonBytes(prefix.group(3)))), "len", Long.parseLong(prefix.group(4)));
        }
        return text;
    }

    /** The bytes of a Python bytes literal's body. */
    static byte[] pythonBytes(String literal) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (c != '\\') {
                bytes.write(c);
                continue;
            }
            char escape = literal.charAt(++i);
            switch (escape) {
                case 'x' -> {
                    bytes.write(Integer.parseInt(literal.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                case 'n' -> bytes.write('\n');
                case 'r' -> bytes.write('\r');
                case 't' -> bytes.write('\t');
                default -> bytes.write(escape);
            }
        }
        return bytes.toByteArray();
    }

    /** Expected and decoded agree: numbers by value, booleans as 0/1, unions on the arm that was given. */
    @SuppressWarnings("unchecked")
    static void assertSame(String path, Object expected, Object actual) {
        if (expected instanceof Map<?, ?> map) {
            assertThat(actual).as(path).isInstanceOf(Map.class);
            map.forEach((key, value) -> assertSame(path + "." + key, value, ((Map<String, Object>) actual).get(key)));
        } else if (expected instanceof List<?> list) {
            assertThat((List<Object>) actual).as(path).hasSameSizeAs(list);
            for (int i = 0; i < list.size(); i++) {
                assertSame(path + "[" + i + "]", list.get(i), ((List<Object>) actual).get(i));
            }
        } else if (expected instanceof byte[] bytes) {
            assertThat(HEX.formatHex((byte[]) actual)).as(path).isEqualTo(HEX.formatHex(bytes));
        } else if (actual instanceof Boolean flag) {
            assertThat(flag ? 1L : 0L).as(path).isEqualTo(expected);
        } else {
            assertThat(actual).as(path).isEqualTo(expected);
        }
    }
}
