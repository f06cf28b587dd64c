package org.userspacecni.backend.vpp.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.userspacecni.backend.vpp.api.ApiDefinitions.Alias;
import org.userspacecni.backend.vpp.api.ApiDefinitions.Field;
import org.userspacecni.backend.vpp.api.ApiDefinitions.Struct;

/**
 * Encodes and decodes message payloads from their {@link ApiDefinitions}, as VPP lays them out: fields in
 * order with no padding, integers big-endian, fixed strings NUL-padded, variable strings behind a u32 byte
 * count, variable arrays sized by an earlier count field, unions as wide as their widest arm.
 *
 * <p>Values are maps from field name to: {@link Number} for integers and enums ({@link Long} when decoded),
 * {@link Boolean} for {@code bool}, {@link String} for strings, {@code byte[]} for {@code u8} arrays (MAC
 * and IP addresses), {@link Map} for nested types, a one-entry {@link Map} (arm name to value) for unions,
 * {@link List} for other arrays. An absent field is its JSON default, else zero; an absent count field is
 * the length of its array. Decoded unions carry every arm read from the same bytes.
 */
public final class Codec {

    private final ApiDefinitions definitions;

    public Codec(ApiDefinitions definitions) {
        this.definitions = definitions;
    }

    public ApiDefinitions definitions() {
        return definitions;
    }

    /** The payload of message {@code name} (with {@code _vl_msg_id} among the values). */
    public byte[] encode(String name, Map<String, ?> values) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeStruct(definitions.message(name).fields(), values, out, name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The fields of a payload of message {@code name}; bytes after the last field are ignored. */
    public Map<String, Object> decode(String name, byte[] payload) {
        try {
            return readStruct(definitions.message(name).fields(), ByteBuffer.wrap(payload));
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("a " + name + " message of " + payload.length + " bytes is too short");
        }
    }

    private void writeStruct(List<Field> fields, Map<String, ?> given, DataOutputStream out, String where)
            throws IOException {
        Map<String, Object> values = new LinkedHashMap<>(given == null ? Map.of() : given);
        for (Field field : fields) {
            field.countField().filter(count -> !values.containsKey(count))
                    .ifPresent(count -> values.put(count, elements(values.get(field.name()))));
        }
        for (Field field : fields) {
            Object value = values.containsKey(field.name()) ? values.get(field.name())
                    : field.defaultValue().map(Codec::fromJson).orElse(null);
            String path = where + "." + field.name();
            if (field.type().equals("string")) {
                byte[] text = value == null ? new byte[0] : value.toString().getBytes(StandardCharsets.UTF_8);
                if (field.length() > 0) {
                    if (text.length > field.length() - 1) {
                        throw new IllegalArgumentException(path + " holds at most " + (field.length() - 1)
                                + " bytes, not " + text.length);
                    }
                    out.write(Arrays.copyOf(text, field.length()));
                } else {
                    out.writeInt(text.length);
                    out.write(text);
                }
            } else if (field.length() < 0) {
                writeValue(field.type(), value, out, path);
            } else if (field.length() > 0) {
                writeArray(field.type(), field.length(), value, out, path);
            } else {
                int count = field.countField().map(name -> ((Number) values.get(name)).intValue())
                        .orElse(elements(value));
                writeArray(field.type(), count, value, out, path);
            }
        }
    }

    private void writeValue(String type, Object value, DataOutputStream out, String path) throws IOException {
        switch (type) {
            case "u8", "i8" -> out.writeByte((int) number(value));
            case "u16", "i16" -> out.writeShort((int) number(value));
            case "u32", "i32" -> out.writeInt((int) number(value));
            case "u64", "i64" -> out.writeLong(number(value));
            case "f64" -> out.writeLong(Long.reverseBytes(Double.doubleToLongBits(
                    value == null ? 0 : ((Number) value).doubleValue())));
            case "bool" -> out.writeByte(value instanceof Boolean flag ? (flag ? 1 : 0) : (int) number(value));
            default -> writeNamed(type, value, out, path);
        }
    }

    private void writeNamed(String type, Object value, DataOutputStream out, String path) throws IOException {
        String name = bare(type);
        Optional<Alias> alias = definitions.alias(name);
        if (alias.isPresent()) {
            if (alias.get().length() > 0) {
                writeArray(alias.get().type(), alias.get().length(), value, out, path);
            } else {
                writeValue(alias.get().type(), value, out, path);
            }
            return;
        }
        Optional<String> enumType = definitions.enumType(name);
        if (enumType.isPresent()) {
            writeValue(enumType.get(), value, out, path);
            return;
        }
        Optional<Struct> struct = definitions.type(name);
        if (struct.isPresent()) {
            writeStruct(struct.get().fields(), map(value, path), out, path);
            return;
        }
        Struct union = definitions.union(name).orElseThrow(() -> new IllegalArgumentException("unknown type " + type));
        int size = size(type);
        ByteArrayOutputStream arm = new ByteArrayOutputStream();
        Map<String, ?> chosen = map(value, path);
        if (chosen.size() > 1) {
            throw new IllegalArgumentException(path + " is a union: give one of its arms, not " + chosen.keySet());
        }
        try (DataOutputStream armOut = new DataOutputStream(arm)) {
            for (Map.Entry<String, ?> entry : chosen.entrySet()) {
                Field field = union.field(entry.getKey()).orElseThrow(() -> new IllegalArgumentException(
                        path + " has no arm '" + entry.getKey() + "'"));
                writeValue(field.type(), entry.getValue(), armOut, path + "." + field.name());
            }
        }
        out.write(Arrays.copyOf(arm.toByteArray(), size));
    }

    private void writeArray(String type, int count, Object value, DataOutputStream out, String path)
            throws IOException {
        if (type.equals("u8") && (value == null || value instanceof byte[])) {
            byte[] bytes = value == null ? new byte[0] : (byte[]) value;
            if (bytes.length > count) {
                throw new IllegalArgumentException(path + " holds " + count + " bytes, not " + bytes.length);
            }
            out.write(Arrays.copyOf(bytes, count));
            return;
        }
        List<?> list = value == null ? List.of() : (List<?>) value;
        if (list.size() > count) {
            throw new IllegalArgumentException(path + " holds " + count + " elements, not " + list.size());
        }
        for (int i = 0; i < count; i++) {
            writeValue(type, i < list.size() ? list.get(i) : null, out, path + "[" + i + "]");
        }
    }

    /** The size in bytes of a fixed-size type. */
    private int size(String type) {
        switch (type) {
            case "u8", "i8", "bool":
                return 1;
            case "u16", "i16":
                return 2;
            case "u32", "i32":
                return 4;
            case "u64", "i64", "f64":
                return 8;
            default:
                break;
        }
        String name = bare(type);
        Optional<Alias> alias = definitions.alias(name);
        if (alias.isPresent()) {
            return Math.max(1, alias.get().length()) * size(alias.get().type());
        }
        Optional<String> enumType = definitions.enumType(name);
        if (enumType.isPresent()) {
            return size(enumType.get());
        }
        Optional<Struct> struct = definitions.type(name);
        if (struct.isPresent()) {
            int size = 0;
            for (Field field : struct.get().fields()) {
                size += field.type().equals("string") ? field.length()
                        : Math.max(1, field.length()) * size(field.type());
            }
            return size;
        }
        Struct union = definitions.union(name).orElseThrow(() -> new IllegalArgumentException("unknown type " + type));
        return union.fields().stream().mapToInt(field -> size(field.type())).max().orElse(0);
    }

    private Map<String, Object> readStruct(List<Field> fields, ByteBuffer in) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Field field : fields) {
            Object value;
            if (field.type().equals("string")) {
                byte[] text = new byte[field.length() > 0 ? field.length() : in.getInt()];
                in.get(text);
                int end = 0;
                while (field.length() > 0 && end < text.length && text[end] != 0) {
                    end++;
                }
                value = new String(text, 0, field.length() > 0 ? end : text.length, StandardCharsets.UTF_8);
            } else if (field.length() < 0) {
                value = readValue(field.type(), in);
            } else {
                int count = field.length() > 0 ? field.length()
                        : field.countField().map(name -> ((Number) values.get(name)).intValue())
                                .orElse(in.remaining() / size(field.type()));
                value = readArray(field.type(), count, in);
            }
            values.put(field.name(), value);
        }
        return values;
    }

    private Object readValue(String type, ByteBuffer in) {
        switch (type) {
            case "u8":
                return (long) (in.get() & 0xff);
            case "i8":
                return (long) in.get();
            case "u16":
                return (long) (in.getShort() & 0xffff);
            case "i16":
                return (long) in.getShort();
            case "u32":
                return in.getInt() & 0xffffffffL;
            case "i32":
                return (long) in.getInt();
            case "u64", "i64":
                return in.getLong();
            case "f64":
                return Double.longBitsToDouble(Long.reverseBytes(in.getLong()));
            case "bool":
                return in.get() != 0;
            default:
                break;
        }
        String name = bare(type);
        Optional<Alias> alias = definitions.alias(name);
        if (alias.isPresent()) {
            return alias.get().length() > 0 ? readArray(alias.get().type(), alias.get().length(), in)
                    : readValue(alias.get().type(), in);
        }
        Optional<String> enumType = definitions.enumType(name);
        if (enumType.isPresent()) {
            return readValue(enumType.get(), in);
        }
        Optional<Struct> struct = definitions.type(name);
        if (struct.isPresent()) {
            return readStruct(struct.get().fields(), in);
        }
        Struct union = definitions.union(name).orElseThrow(() -> new IllegalArgumentException("unknown type " + type));
        int start = in.position();
        Map<String, Object> arms = new LinkedHashMap<>();
        for (Field arm : union.fields()) {
            in.position(start);
            arms.put(arm.name(), readValue(arm.type(), in));
        }
        in.position(start + size(type));
        return arms;
    }

    private Object readArray(String type, int count, ByteBuffer in) {
        if (type.equals("u8")) {
            byte[] bytes = new byte[count];
            in.get(bytes);
            return bytes;
        }
        List<Object> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(readValue(type, in));
        }
        return list;
    }

    private static String bare(String type) {
        return type.startsWith("vl_api_") && type.endsWith("_t") ? type.substring(7, type.length() - 2) : type;
    }

    private static long number(Object value) {
        if (value == null) {
            return 0;
        }
        if (value instanceof Boolean flag) {
            return flag ? 1 : 0;
        }
        return ((Number) value).longValue();
    }

    private static int elements(Object array) {
        if (array == null) {
            return 0;
        }
        return array instanceof byte[] bytes ? bytes.length : ((List<?>) array).size();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> map(Object value, String path) {
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException(path + " takes a map of its fields, not " + value);
        }
        return (Map<String, ?>) value;
    }

    private static Object fromJson(JsonNode node) {
        if (node.isNumber()) {
            return node.asLong();
        }
        if (node.isBoolean() || node.asText().equals("true") || node.asText().equals("false")) {
            return node.asBoolean() || node.asText().equals("true");
        }
        return node.asText();
    }
}
