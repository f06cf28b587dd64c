package org.userspacecni.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.userspacecni.core.Json;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ConfigStore;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.ErrorCode;

/**
 * A container's read-only view of the configuration the host plugin wrote into its pod's annotations, through
 * the file a Downward API volume projects them into ({@link PodInfoAnnotations}, e.g.
 * {@code /etc/podinfo/annotations}). {@value #CONFIGURATION_DATA} holds a JSON array with one
 * {@link ContainerConfig} per attachment (a superset of the original plugin's entries); {@value #MAPPED_DIR}
 * the path at which the pod mounts the shared directory, which the sockets are relative to.
 *
 * <p>The file is read anew on every call: the kubelet replaces it whenever the pod's annotations change. A
 * missing file or annotation holds no attachments; an entry that cannot be read is reported and skipped.
 */
public final class DownwardApiConfigStore implements ConfigStore {

    /** The annotation with the attachments' container configurations, as the original plugin named it. */
    public static final String CONFIGURATION_DATA = "userspace/configuration-data";
    /** The annotation with the container's path of the shared directory, as the original plugin named it. */
    public static final String MAPPED_DIR = "userspace/mapped-dir";

    private final Path file;
    private final System.Logger log;
    private final ObjectMapper mapper = Json.mapper();

    public DownwardApiConfigStore(Path file, System.Logger log) {
        this.file = file;
        this.log = log;
    }

    /** The annotations file this store reads. */
    public Path file() {
        return file;
    }

    /** Whether the file is there and has the {@value #CONFIGURATION_DATA} annotation. */
    public boolean hasConfigurationData() {
        return PodInfoAnnotations.read(file).get(CONFIGURATION_DATA).isPresent();
    }

    /** The pod's mount path of the shared directory, from {@value #MAPPED_DIR}, if the host plugin wrote it. */
    public Optional<Path> mappedDir() {
        return PodInfoAnnotations.read(file).get(MAPPED_DIR).filter(dir -> !dir.isBlank()).map(Path::of);
    }

    @Override
    public void put(ContainerConfig config) {
        throw readOnly("store " + config.id());
    }

    @Override
    public Optional<ContainerConfig> get(AttachmentId id) {
        return list().stream().filter(config -> config.id().equals(id)).findFirst();
    }

    @Override
    public void delete(AttachmentId id) {
        throw readOnly("remove " + id);
    }

    /**
     * Every readable entry of {@value #CONFIGURATION_DATA}. An annotation that is not a JSON array is an
     * error naming the file, since no entry can be told from another.
     */
    @Override
    public List<ContainerConfig> list() {
        Optional<String> data = PodInfoAnnotations.read(file).get(CONFIGURATION_DATA);
        List<ContainerConfig> configs = new ArrayList<>();
        if (data.isEmpty()) {
            return configs;
        }
        JsonNode entries;
        try {
            entries = mapper.readTree(data.get());
        } catch (IOException e) {
            throw new CniException(ErrorCode.DECODING_FAILURE, "cannot read the annotation " + CONFIGURATION_DATA
                    + " in " + file + ": not JSON", String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        if (!entries.isArray()) {
            throw new CniException(ErrorCode.DECODING_FAILURE, "cannot read the annotation " + CONFIGURATION_DATA
                    + " in " + file + ": a JSON array of container configurations was expected, not "
                    + entries.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        for (int i = 0; i < entries.size(); i++) {
            JsonNode entry = entries.get(i);
            String skipping = "skipping entry " + (i + 1)
                    + (entry.path("ifName").isTextual() ? " (" + entry.path("ifName").asText() + ")" : "") + " of "
                    + CONFIGURATION_DATA + " in " + file + ": ";
            if (entry.isObject() && !entry.has("schemaVersion")) {
                log.log(Level.WARNING, skipping + "it has no schemaVersion, as the original plugin's entries; this"
                        + " program reads version " + ContainerConfig.SCHEMA_VERSION);
                continue;
            }
            try {
                configs.add(mapper.treeToValue(entry, ContainerConfig.class));
            } catch (IOException | IllegalArgumentException e) {
                Optional<CniException> cause = CniException.in(e);
                String problem = cause.map(Throwable::getMessage).orElse("not a container configuration");
                String details = cause.isPresent() ? "" : String.valueOf(e.getMessage()).lines().findFirst().orElse("");
                log.log(Level.WARNING, skipping + problem + (details.isEmpty() ? "" : " (" + details + ")"));
            }
        }
        return configs;
    }

    private CniException readOnly(String what) {
        return new CniException(ErrorCode.INTERNAL, "cannot " + what + " in " + file + ": the pod's annotations"
                + " are written by the host plugin, and read-only in the container");
    }
}
