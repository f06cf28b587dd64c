package org.userspacecni.core.cni;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.userspacecni.core.Json;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.NetConf;

/**
 * Decodes a network configuration from stdin, in the order that gives each fault its CNI code: bytes that
 * are not a JSON object are 6, a {@code cniVersion} this plugin does not speak is 1, a field value it does
 * not support is 2 (naming key and value), a missing or inconsistent setting is 7, and a field of the wrong
 * JSON type is 6 naming the field.
 */
public final class NetConfDecoder {

    /** The GC keys of the valid attachments: the 1.1.0 name, and the one older libcni sends. */
    private static final String[] VALID_ATTACHMENT_KEYS = {"cni.dev/valid-attachments", "cni.dev/attachments"};

    private NetConfDecoder() {
    }

    /** Parses stdin as one JSON object. */
    public static ObjectNode parseObject(byte[] stdin) {
        JsonNode node;
        try {
            node = Json.readTree(stdin);
        } catch (IOException e) {
            throw new CniException(ErrorCode.DECODING_FAILURE, "failed to decode the network configuration",
                    firstLine(e));
        }
        if (node == null || !node.isObject()) {
            throw new CniException(ErrorCode.DECODING_FAILURE,
                    "failed to decode the network configuration: expected a JSON object");
        }
        return (ObjectNode) node;
    }

    /** The version the configuration asks for. */
    public static CniVersion version(ObjectNode config) {
        JsonNode version = config.get("cniVersion");
        if (version != null && !version.isNull() && !version.isTextual()) {
            throw new CniException(ErrorCode.DECODING_FAILURE,
                    "failed to decode the network configuration: 'cniVersion' must be a string");
        }
        return CniVersion.parse(version == null || version.isNull() ? "" : version.textValue());
    }

    /**
     * The configuration as the SPI's records. A {@code container} section without {@code engine} or
     * {@code iftype} takes the host's, which the original plugin meant to do and forgot.
     */
    public static NetConf netConf(ObjectNode config) {
        return NetConfReader.netConf(completed(config));
    }

    /** {@code config} with the container section completed from the host's, as {@link #netConf} reads it. */
    static ObjectNode completed(ObjectNode config) {
        JsonNode host = config.path("host");
        JsonNode container = config.path("container");
        if (!host.isObject() || !container.isObject()) {
            return config;
        }
        ObjectNode completed = config.deepCopy();
        ObjectNode side = (ObjectNode) completed.get("container");
        for (String key : new String[] {"engine", "iftype"}) {
            if (!side.hasNonNull(key) && host.hasNonNull(key)) {
                side.set(key, host.get(key));
            }
        }
        return completed;
    }

    /** The {@code prevResult} of the configuration, read in the configuration's version. */
    public static Optional<CniResult> prevResult(ObjectNode config, CniVersion version) {
        return Optional.ofNullable(config.get("prevResult")).filter(node -> !node.isNull())
                .map(node -> ResultCodec.parse(node, version, "prevResult"));
    }

    /**
     * The attachments a GC must keep: the list under the first key that holds one, else none. libcni encodes
     * an empty list as {@code null} and {@code cnitool gc} sends no key at all, so both mean "keep nothing"; a
     * value that is neither a list nor {@code null} is 6.
     */
    public static Set<AttachmentId> validAttachments(ObjectNode config) {
        for (String key : VALID_ATTACHMENT_KEYS) {
            JsonNode list = config.get(key);
            if (list == null || list.isNull()) {
                continue;
            }
            if (!list.isArray()) {
                throw new CniException(ErrorCode.DECODING_FAILURE, "'" + key + "' must be an array");
            }
            Set<AttachmentId> valid = new LinkedHashSet<>();
            for (JsonNode entry : list) {
                JsonNode containerId = entry.get("containerID");
                JsonNode ifName = entry.get("ifname");
                if (containerId == null || !containerId.isTextual() || ifName == null || !ifName.isTextual()) {
                    throw new CniException(ErrorCode.DECODING_FAILURE,
                            "each entry of '" + key + "' needs string fields 'containerID' and 'ifname'");
                }
                valid.add(new AttachmentId(containerId.textValue(), ifName.textValue()));
            }
            return valid;
        }
        return Set.of();
    }

    private static String firstLine(Exception e) {
        String message = e instanceof JacksonException ? ((JacksonException) e).getOriginalMessage() : e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message.lines().findFirst().orElse("");
    }
}
