package org.userspacecni.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.userspacecni.core.Json;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.ErrorCode;

/**
 * The pod annotations that carry the container configuration from the host plugin to the pod, named as the original
 * plugin named them: {@value #CONFIGURATION_DATA}, a JSON array with one {@link ContainerConfig} per attachment (a
 * superset of the original's entries), and {@value #MAPPED_DIR}, the path at which the pod mounts its socket
 * directory, which the sockets are relative to. The one place that knows their names and shape: a platform's pod
 * store writes them through it, the agent reads them through it ({@link DownwardApiConfigStore}).
 */
public final class ConfigAnnotations {

    /** The annotation with the attachments' container configurations. */
    public static final String CONFIGURATION_DATA = "userspace/configuration-data";
    /** The annotation with the container's path of the shared directory. */
    public static final String MAPPED_DIR = "userspace/mapped-dir";

    private static final ObjectMapper MAPPER = Json.mapper();

    private ConfigAnnotations() {
    }

    /**
     * {@code annotations} with {@code config} in place of any entry of its attachment, and {@code mappedDir}; 6 if
     * the entries there are not a JSON array, which is never overwritten with less. {@code where} names the pod.
     */
    public static Map<String, String> put(Map<String, String> annotations, ContainerConfig config, String mappedDir,
            String where) {
        ArrayNode entries = entries(annotations, where);
        remove(entries, config.id());
        entries.add(MAPPER.valueToTree(config));
        Map<String, String> changed = new HashMap<>(annotations);
        changed.put(CONFIGURATION_DATA, entries.toString());
        changed.put(MAPPED_DIR, mappedDir);
        return changed;
    }

    /** {@code annotations} without the entry of {@code id}; both annotations go with the last entry. */
    public static Map<String, String> remove(Map<String, String> annotations, AttachmentId id, String where) {
        ArrayNode entries = entries(annotations, where);
        String before = entries.toString();
        remove(entries, id);
        if (entries.toString().equals(before) && !entries.isEmpty()) {
            return annotations;
        }
        Map<String, String> changed = new HashMap<>(annotations);
        if (entries.isEmpty()) {
            changed.remove(CONFIGURATION_DATA);
            changed.remove(MAPPED_DIR);
        } else {
            changed.put(CONFIGURATION_DATA, entries.toString());
        }
        return changed;
    }

    /**
     * Every readable entry of {@value #CONFIGURATION_DATA} in {@code annotations}; an entry that cannot be read is
     * reported and skipped, so one bad entry never stops the others. Entries that are not a JSON array are error 6
     * naming {@code where}, since no entry can be told from another.
     */
    public static List<ContainerConfig> read(Map<String, String> annotations, String where, System.Logger log) {
        List<ContainerConfig> configs = new ArrayList<>();
        Optional<String> data = Optional.ofNullable(annotations.get(CONFIGURATION_DATA));
        if (data.isEmpty()) {
            return configs;
        }
        JsonNode entries;
        try {
            entries = MAPPER.readTree(data.get());
        } catch (IOException e) {
            throw new CniException(ErrorCode.DECODING_FAILURE, "cannot read the annotation " + CONFIGURATION_DATA
                    + " in " + where + ": not JSON", String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        if (!entries.isArray()) {
            throw notAnArray(where, entries);
        }
        for (int i = 0; i < entries.size(); i++) {
            JsonNode entry = entries.get(i);
            String skipping = "skipping entry " + (i + 1)
                    + (entry.path("ifName").isTextual() ? " (" + entry.path("ifName").asText() + ")" : "") + " of "
                    + CONFIGURATION_DATA + " in " + where + ": ";
            if (entry.isObject() && !entry.has("schemaVersion")) {
                log.log(Level.WARNING, skipping + "it has no schemaVersion, as the original plugin's entries; this"
                        + " program reads version " + ContainerConfig.SCHEMA_VERSION);
                continue;
            }
            try {
                configs.add(MAPPER.treeToValue(entry, ContainerConfig.class));
            } catch (IOException | IllegalArgumentException e) {
                Optional<CniException> cause = CniException.in(e);
                String problem = cause.map(Throwable::getMessage).orElse("not a container configuration");
                String details = cause.isPresent() ? "" : String.valueOf(e.getMessage()).lines().findFirst().orElse("");
                log.log(Level.WARNING, skipping + problem + (details.isEmpty() ? "" : " (" + details + ")"));
            }
        }
        return configs;
    }

    private static ArrayNode entries(Map<String, String> annotations, String where) {
        String data = annotations.get(CONFIGURATION_DATA);
        if (data == null || data.isBlank()) {
            return MAPPER.createArrayNode();
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(data);
        } catch (IOException e) {
            throw new CniException(ErrorCode.DECODING_FAILURE, "cannot read the annotation " + CONFIGURATION_DATA
                    + " in " + where + ": not JSON; it is left as it is",
                    String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        if (node instanceof ArrayNode array) {
            return array;
        }
        throw notAnArray(where, node);
    }

    private static CniException notAnArray(String where, JsonNode node) {
        return new CniException(ErrorCode.DECODING_FAILURE, "cannot read the annotation " + CONFIGURATION_DATA
                + " in " + where + ": a JSON array of container configurations was expected, not "
                + node.getNodeType().name().toLowerCase(Locale.ROOT));
    }

    private static void remove(ArrayNode entries, AttachmentId id) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            JsonNode entry = entries.get(i);
            if (entry.path("containerId").asText().equals(id.containerId())
                    && entry.path("ifName").asText().equals(id.ifName())) {
                entries.remove(i);
            }
        }
    }
}
