package org.userspacecni.backend.vpp.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The messages and types of VPP's binary API as VPP's own generator describes them ({@code *.api.json},
 * shipped in this jar from VPP 26.06, whose CRCs are unchanged since 24.10). They are read when a client is
 * made rather than turned into code at build time: the files stay the single source of every layout, and
 * a newer VPP's files can replace them without a rebuild.
 */
public final class ApiDefinitions {

    /** The files the {@code vpp} engine needs, in this package's resources. */
    public static final List<String> FILES =
            List.of("memclnt", "vlib", "vpe", "interface", "memif", "vhost_user", "l2");

    /** A message or a struct type: name, fields in wire order, and (messages only) the CRC. */
    public record Struct(String name, List<Field> fields, String crc) {

        /** The key VPP registers a message under: {@code <name>_<crc as 8 hex digits>}. */
        public String nameCrc() {
            return name + "_" + crc.substring(2);
        }

        public Optional<Field> field(String fieldName) {
            return fields.stream().filter(field -> field.name().equals(fieldName)).findFirst();
        }
    }

    /**
     * A field: its type name ({@code u32}, {@code string}, {@code vl_api_address_t}...), {@code length} -1 for
     * a scalar, N for a fixed array or string, 0 for a variable one (sized by {@code countField}, or a
     * length-prefixed string), and the client-side default.
     */
    public record Field(String name, String type, int length, Optional<String> countField,
            Optional<JsonNode> defaultValue) {
    }

    /** An alias: another type, or a fixed array of it when {@code length} is positive. */
    record Alias(String type, int length) {
    }

    private final Map<String, Struct> messages = new HashMap<>();
    private final Map<String, Struct> types = new HashMap<>();
    private final Map<String, Struct> unions = new HashMap<>();
    private final Map<String, String> enums = new HashMap<>();
    private final Map<String, Alias> aliases = new HashMap<>();
    private final Map<String, String> replies = new HashMap<>();
    private final Map<String, Boolean> streams = new HashMap<>();

    private ApiDefinitions() {
    }

    /** The definitions of {@link #FILES}. */
    public static ApiDefinitions standard() {
        ApiDefinitions definitions = new ApiDefinitions();
        ObjectMapper mapper = new ObjectMapper();
        for (String file : FILES) {
            try (InputStream in = ApiDefinitions.class.getResourceAsStream(file + ".api.json")) {
                if (in == null) {
                    throw new IllegalStateException(file + ".api.json is missing from the jar");
                }
                definitions.add(mapper.readTree(in));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return definitions;
    }

    private void add(JsonNode file) {
        file.path("messages").forEach(node -> {
            Struct message = struct(node);
            messages.put(message.name(), message);
        });
        file.path("types").forEach(node -> types.put(node.get(0).asText(), struct(node)));
        file.path("unions").forEach(node -> unions.put(node.get(0).asText(), struct(node)));
        for (String kind : List.of("enums", "enumflags")) {
            file.path(kind).forEach(node -> enums.put(node.get(0).asText(),
                    node.get(node.size() - 1).path("enumtype").asText("u32")));
        }
        file.path("aliases").fields().forEachRemaining(alias -> aliases.put(alias.getKey(),
                new Alias(alias.getValue().get("type").asText(), alias.getValue().path("length").asInt(-1))));
        file.path("services").fields().forEachRemaining(service -> {
            replies.put(service.getKey(), service.getValue().get("reply").asText());
            streams.put(service.getKey(), service.getValue().path("stream").asBoolean(false));
        });
    }

    private static Struct struct(JsonNode node) {
        List<Field> fields = new ArrayList<>();
        String crc = "";
        for (int i = 1; i < node.size(); i++) {
            JsonNode element = node.get(i);
            if (element.isObject()) {
                crc = element.path("crc").asText("");
                continue;
            }
            int length = -1;
            Optional<String> countField = Optional.empty();
            Optional<JsonNode> defaultValue = Optional.empty();
            for (int j = 2; j < element.size(); j++) {
                JsonNode extra = element.get(j);
                if (extra.isNumber()) {
                    length = extra.asInt();
                } else if (extra.isTextual()) {
                    countField = Optional.of(extra.asText());
                } else if (extra.has("default")) {
                    defaultValue = Optional.of(extra.get("default"));
                }
            }
            fields.add(new Field(element.get(1).asText(), element.get(0).asText(), length, countField, defaultValue));
        }
        return new Struct(node.get(0).asText(), List.copyOf(fields), crc);
    }

    /** The message called {@code name}; an {@link IllegalArgumentException} for one not defined here. */
    public Struct message(String name) {
        Struct message = messages.get(name);
        if (message == null) {
            throw new IllegalArgumentException("no VPP API message '" + name + "' in " + FILES);
        }
        return message;
    }

    public Optional<Struct> findMessage(String name) {
        return Optional.ofNullable(messages.get(name));
    }

    /** The reply of a request, or the details message of a dump. */
    public String replyOf(String request) {
        String reply = replies.get(request);
        if (reply == null) {
            throw new IllegalArgumentException("VPP API message '" + request + "' is not a request");
        }
        return reply;
    }

    /** Whether a request is a dump answered by 0..n details messages. */
    public boolean isDump(String request) {
        return streams.getOrDefault(request, false);
    }

    Optional<Struct> type(String name) {
        return Optional.ofNullable(types.get(name));
    }

    Optional<Struct> union(String name) {
        return Optional.ofNullable(unions.get(name));
    }

    Optional<String> enumType(String name) {
        return Optional.ofNullable(enums.get(name));
    }

    Optional<Alias> alias(String name) {
        return Optional.ofNullable(aliases.get(name));
    }
}
