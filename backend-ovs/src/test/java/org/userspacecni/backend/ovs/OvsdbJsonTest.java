package org.userspacecni.backend.ovs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The streaming codec against Jackson's mapper, which reads and writes the same trees. */
class OvsdbJsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String MESSAGES = "{\"id\":\"transact-1\",\"result\":[{\"uuid\":[\"uuid\","
            + "\"0f2a3c4e-1111-2222-3333-444455556666\"]},{\"count\":1},{\"rows\":[{\"next_cfg\":9007199254740993,"
            + "\"name\":\"p\\u00e4rt \\\"1\\\"\\n\",\"mtu\":[\"set\",[]],\"big\":123456789012345678901234567890,"
            + "\"ratio\":0.25,\"up\":true,\"down\":false,\"none\":null}]}],\"error\":null}"
            + " {\"method\":\"echo\",\"params\":[],\"id\":\"echo\"}\n[1,-2,[3.5e3]]";

    @Test
    void messagesBackToBackReadAsTheMapperReadsThem() throws Exception {
        List<JsonNode> read = new ArrayList<>();
        try (JsonParser parser = OvsdbJson.parser(new ByteArrayInputStream(MESSAGES.getBytes(StandardCharsets.UTF_8)))) {
            for (JsonNode message = OvsdbJson.next(parser); message != null; message = OvsdbJson.next(parser)) {
                read.add(message);
            }
        }
        List<JsonNode> expected = new ArrayList<>();
        MAPPER.readerFor(JsonNode.class).readValues(MESSAGES).forEachRemaining(node -> expected.add((JsonNode) node));
        assertThat(read).isEqualTo(expected).hasSize(3);
    }

    @Test
    void writtenMessagesAreWhatTheMapperWrites() throws Exception {
        try (JsonParser parser = OvsdbJson.parser(new ByteArrayInputStream(MESSAGES.getBytes(StandardCharsets.UTF_8)))) {
            for (JsonNode message = OvsdbJson.next(parser); message != null; message = OvsdbJson.next(parser)) {
                assertThat(new String(OvsdbJson.bytes(message), StandardCharsets.UTF_8))
                        .isEqualTo(MAPPER.writeValueAsString(message));
            }
        }
    }
}
