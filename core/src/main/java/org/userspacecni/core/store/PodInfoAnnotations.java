package org.userspacecni.core.store;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;

/**
 * A pod's annotations as the kubelet projects them into a Downward API volume file ({@code fieldRef:
 * metadata.annotations}): one {@code key="value"} line per annotation, sorted by key, lines joined by a
 * newline, the value quoted by Go's {@code %q} ({@code strconv.Quote}). A value's newlines, quotes and
 * backslashes therefore arrive as escapes inside its one line, and printable non-ASCII as UTF-8.
 *
 * <p>Values are read as Go's {@code strconv.Unquote} reads them: the escapes {@code \a \b \f \n \r \t \v
 * \\ \"}, {@code \xNN} and three-digit octal for a byte, <code>&#92;uNNNN</code> and
 * <code>&#92;UNNNNNNNN</code> for a code point. Bytes that do not form UTF-8 become U+FFFD, as Go does for
 * raw ones. Anything the kubelet would not
 * write (no {@code =}, an unquoted or unterminated value, text after the closing quote, an unknown escape, an
 * empty line, a key given twice) is refused, naming the line.
 */
public record PodInfoAnnotations(Map<String, String> values) {

    /** A Kubernetes annotation key: an optional DNS-subdomain prefix and {@code /}, then a name. */
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?");

    /** Keeps the file's order, which is the kubelet's sort by key. */
    public PodInfoAnnotations {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * Reads the file; one that does not exist holds no annotations. A malformed line is an error naming the
     * file and the line number.
     */
    public static PodInfoAnnotations read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new PodInfoAnnotations(Map.of());
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot read the pod annotations " + file, e);
        }
        return parse(file.toString(), new String(bytes, StandardCharsets.UTF_8));
    }

    /** Parses the file's text; a malformed line is an error naming its number. */
    public static PodInfoAnnotations parse(String text) {
        return parse("pod annotations", text);
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    private static PodInfoAnnotations parse(String source, String text) {
        Map<String, String> values = new LinkedHashMap<>();
        // The kubelet trims the last newline; a file written by other means may keep it.
        String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        if (body.isEmpty()) {
            return new PodInfoAnnotations(values);
        }
        String[] lines = body.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int number = i + 1;
            String line = lines[i];
            if (line.isEmpty()) {
                throw malformed(source, number, "empty line; every line is key=\"value\"");
            }
            int equals = line.indexOf('=');
            if (equals < 0) {
                throw malformed(source, number, "no '=' after the key; every line is key=\"value\"");
            }
            String key = line.substring(0, equals);
            if (!KEY.matcher(key).matches()) {
                throw malformed(source, number, "'" + excerpt(key) + "' is not an annotation key");
            }
            String value = unquote(source, number, key, line.substring(equals + 1));
            if (values.put(key, value) != null) {
                throw malformed(source, number, "'" + key + "' is given a second time");
            }
        }
        return new PodInfoAnnotations(values);
    }

    /** The value of a Go double-quoted string that makes up all of {@code quoted}. */
    private static String unquote(String source, int line, String key, String quoted) {
        String of = "the value of '" + key + "' ";
        if (!quoted.startsWith("\"")) {
            throw malformed(source, line, of + "does not start with a double quote");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int at = 1;
        while (true) {
            if (at >= quoted.length()) {
                throw malformed(source, line, of + "has no closing double quote");
            }
            int c = quoted.codePointAt(at);
            if (c == '"') {
                if (at + 1 != quoted.length()) {
                    throw malformed(source, line, of + "has '" + excerpt(quoted.substring(at + 1))
                            + "' after its closing double quote");
                }
                return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
            }
            if (c != '\\') {
                bytes.writeBytes(new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8));
                at += Character.charCount(c);
                continue;
            }
            if (at + 1 >= quoted.length()) {
                throw malformed(source, line, of + "ends in a lone backslash");
            }
            char escape = quoted.charAt(at + 1);
            at += 2;
            switch (escape) {
                case 'a':
                    bytes.write(0x07);
                    break;
                case 'b':
                    bytes.write('\b');
                    break;
                case 'f':
                    bytes.write('\f');
                    break;
                case 'n':
                    bytes.write('\n');
                    break;
                case 'r':
                    bytes.write('\r');
                    break;
                case 't':
                    bytes.write('\t');
                    break;
                case 'v':
                    bytes.write(0x0b);
                    break;
                case '\\':
                case '"':
                    bytes.write(escape);
                    break;
                case 'x':
                    bytes.write(hex(source, line, of, quoted, at, 2));
                    at += 2;
                    break;
                case 'u':
                case 'U': {
                    int digits = escape == 'u' ? 4 : 8;
                    int codePoint = hex(source, line, of, quoted, at, digits);
                    if (codePoint > Character.MAX_CODE_POINT
                            || (codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE)) {
                        throw malformed(source, line, of + "has \\" + escape + quoted.substring(at, at + digits)
                                + ", which is not a Unicode code point");
                    }
                    bytes.writeBytes(new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8));
                    at += digits;
                    break;
                }
                case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
                    String octal = quoted.substring(at - 1, Math.min(at + 2, quoted.length()));
                    if (!octal.matches("[0-7]{3}") || Integer.parseInt(octal, 8) > 0xff) {
                        throw malformed(source, line, of + "has \\" + octal
                                + ", which is not a three-digit octal byte");
                    }
                    bytes.write(Integer.parseInt(octal, 8));
                    at += 2;
                    break;
                }
                default:
                    throw malformed(source, line, of + "has the unknown escape \\" + escape);
            }
        }
    }

    private static int hex(String source, int line, String of, String quoted, int at, int digits) {
        String hex = quoted.substring(at, Math.min(at + digits, quoted.length()));
        if (!hex.matches("[0-9A-Fa-f]{" + digits + "}")) {
            throw malformed(source, line, of + "has \\" + quoted.charAt(at - 1) + hex + ", which needs " + digits
                    + " hex digits");
        }
        return (int) Long.parseLong(hex, 16);
    }

    private static String excerpt(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }

    private static CniException malformed(String source, int line, String problem) {
        return new CniException(ErrorCode.DECODING_FAILURE, source + " line " + line + ": " + problem);
    }
}
