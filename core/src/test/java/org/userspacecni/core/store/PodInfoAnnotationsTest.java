package org.userspacecni.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.userspacecni.core.Json;
import org.userspacecni.spi.CniException;

/**
 * The annotations file of a Downward API volume, as the kubelet writes it: {@code kubelet-annotations} holds
 * the bytes kubelet's {@code FormatMap} (keys sorted, {@code key=%q} lines joined by newlines, no newline at
 * the end) writes for a pod the userspace plugin and Multus attached.
 */
class PodInfoAnnotationsTest {

    @TempDir
    Path dir;

    static Path kubeletFile() throws Exception {
        return Path.of(PodInfoAnnotationsTest.class.getResource("kubelet-annotations").toURI());
    }

    @Test
    void readsEveryAnnotationInTheKubeletsOrder() throws Exception {
        PodInfoAnnotations annotations = PodInfoAnnotations.read(kubeletFile());
        assertThat(annotations.values().keySet()).containsExactly("example.com/control", "example.com/empty",
                "example.com/unicode", "k8s.v1.cni.cncf.io/network-status", "k8s.v1.cni.cncf.io/networks",
                "kubernetes.io/config.seen", "kubernetes.io/config.source", "userspace/configuration-data",
                "userspace/mapped-dir");
        assertThat(annotations.get("kubernetes.io/config.seen")).contains("2025-03-14T09:26:53.589793238Z");
        assertThat(annotations.get("userspace/mapped-dir")).contains("/var/lib/cni/usrspcni");
        assertThat(annotations.get("not/there")).isEmpty();
    }

    @Test
    void anEmptyValueIsAnEmptyString() throws Exception {
        assertThat(PodInfoAnnotations.read(kubeletFile()).get("example.com/empty")).contains("");
    }

    @Test
    void jsonWithEscapedQuotesInsideIsTheJsonTheHostPluginWrote() throws Exception {
        String data = PodInfoAnnotations.read(kubeletFile()).get("userspace/configuration-data").orElseThrow();
        assertThat(data).startsWith("[{\"schemaVersion\":1,\"containerId\":\"0123456789abcdef\",")
                .contains("\"name\":\"ovs \\\"net\\\" 1\",");
        JsonNode entry = Json.mapper().readTree(data).get(0);
        assertThat(entry.get("name").asText()).isEqualTo("ovs \"net\" 1");
        assertThat(entry.get("socket").asText()).isEqualTo("0123456789ab-net1");
    }

    @Test
    void aMultiLineValueGetsItsNewlinesBack() throws Exception {
        String status = PodInfoAnnotations.read(kubeletFile()).get("k8s.v1.cni.cncf.io/network-status").orElseThrow();
        assertThat(status.lines()).hasSize(19).startsWith("[", "    {", "        \"name\": \"cluster/default\",");
        assertThat(Json.mapper().readTree(status).get(1).get("interface").asText()).isEqualTo("net1");
    }

    @Test
    void printableNonAsciiIsKeptAsUtf8() throws Exception {
        assertThat(PodInfoAnnotations.read(kubeletFile()).get("example.com/unicode"))
                .contains("Grüße aus Zürich — 日本語 ✓ \uD83D\uDE00");
    }

    @Test
    void goEscapesOfControlAndNonPrintableCharactersAreDecoded() throws Exception {
        assertThat(PodInfoAnnotations.read(kubeletFile()).get("example.com/control")).contains(
                "tab\there\r\nbell\u0007 nul\u0000 del\u007f nbsp\u00a0 bom\ufeff tag\uDB40\uDC01 back\\slash");
    }

    @Test
    void noAnnotationsAndNoFileAreBothEmpty() throws Exception {
        assertThat(PodInfoAnnotations.parse("").values()).isEmpty();
        assertThat(PodInfoAnnotations.read(dir.resolve("missing")).values()).isEmpty();
    }

    @Test
    void aTrailingNewlineIsAccepted() {
        assertThat(PodInfoAnnotations.parse("a=\"1\"\nb=\"2\"\n").values()).containsExactly(Map.entry("a", "1"),
                Map.entry("b", "2"));
    }

    @Test
    void octalAndHexBytesFormUtf8AsInGo() {
        assertThat(PodInfoAnnotations.parse("a=\"\\303\\274 \\xc3\\xbc \\U0001F600 \\xff\"").get("a"))
                .contains("ü ü \uD83D\uDE00 \uFFFD");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "a=\"1\"\\nno equals sign    | line 2: no '=' after the key",
        "a=\"1\"\\n\\nb=\"2\"        | line 2: empty line",
        "a b=\"1\"                   | line 1: 'a b' is not an annotation key",
        "=\"1\"                      | line 1: '' is not an annotation key",
        "a=1                         | line 1: the value of 'a' does not start with a double quote",
        "a=\"1                       | line 1: the value of 'a' has no closing double quote",
        "a=\"1\"\\nb=\"say \"hi\"\"  | line 2: the value of 'b' has 'hi\"\"' after its closing double quote",
        "a=\"1\" \\r                 | line 1: the value of 'a' has ' \\r' after its closing double quote",
        "a=\"\\q\"                   | line 1: the value of 'a' has the unknown escape \\q",
        "a=\"\\'\"                   | line 1: the value of 'a' has the unknown escape \\'",
        "a=\"\\x4\"                  | line 1: the value of 'a' has \\x4\", which needs 2 hex digits",
        "a=\"\\ud800\"               | line 1: the value of 'a' has \\ud800, which is not a Unicode code point",
        "a=\"\\U00110000\"           | line 1: the value of 'a' has \\U00110000, which is not a Unicode code point",
        "a=\"\\400\"                 | line 1: the value of 'a' has \\400, which is not a three-digit octal byte",
        "a=\"x\\                     | line 1: the value of 'a' ends in a lone backslash",
        "a=\"1\"\\na=\"2\"           | line 2: 'a' is given a second time",
    })
    void aMalformedLineIsRefusedNamingItsNumber(String text, String problem) throws Exception {
        // The table writes the file's newline as \n and its carriage return as \r.
        String file = text.strip().replace("\\n", "\n").replace("\\r", "\r");
        String expected = problem.strip().replace("\\r", "\r");
        Path path = Files.writeString(dir.resolve("annotations"), file);
        assertThatThrownBy(() -> PodInfoAnnotations.read(path)).isInstanceOfSatisfying(CniException.class,
                e -> assertThat(e.getMessage()).startsWith(path + " " + expected));
    }

    @Test
    void whatGoQuotesReadsBackUnchanged() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("a/every-kind", "\u0000\u0001\u001f \"\\ \u007f\u0080\u00a0\u00ad é \u2028 \ufeff \uffff"
                + " \uD83D\uDE00 \uDB40\uDC01 \t\n\r\u0007\b\f\u000b end");
        values.put("b/json", "{\"a\":\"x\\\"y\",\"b\":[1,2]}");
        StringBuilder file = new StringBuilder();
        values.forEach((key, value) -> file.append(file.length() == 0 ? "" : "\n").append(key).append('=')
                .append(goQuote(value)));
        assertThat(PodInfoAnnotations.parse(file.toString()).values()).isEqualTo(values);
    }

    /**
     * Go's {@code strconv.Quote}, approximately: which characters count as printable differs a little from Go's
     * tables, but either way the quoted text reads back as the same string.
     */
    static String goQuote(String value) {
        StringBuilder quoted = new StringBuilder("\"");
        value.codePoints().forEach(c -> {
            if (c == '"' || c == '\\') {
                quoted.append('\\').appendCodePoint(c);
            } else if (c == '\n') {
                quoted.append("\\n");
            } else if (c == '\t') {
                quoted.append("\\t");
            } else if (c == '\r') {
                quoted.append("\\r");
            } else if (c < 0x20 || c == 0x7f) {
                quoted.append(String.format("\\x%02x", c));
            } else if (c > 0x7e && (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                    || Character.getType(c) == Character.SPACE_SEPARATOR
                    || Character.getType(c) == Character.LINE_SEPARATOR
                    || Character.getType(c) == Character.UNASSIGNED)) {
                quoted.append(c < 0x10000 ? String.format("\\u%04x", c) : String.format("\\U%08x", c));
            } else {
                quoted.appendCodePoint(c);
            }
        });
        return quoted.append('"').toString();
    }
}
