package org.userspacecni.core.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.userspacecni.spi.ContainerConfig;

/**
 * A container's read-only view of the configuration the host plugin wrote into its pod's annotations
 * ({@link ConfigAnnotations}), through the file a Downward API volume projects them into
 * ({@link PodInfoAnnotations}, e.g. {@code /etc/podinfo/annotations}).
 *
 * <p>The file is read anew on every call: the kubelet replaces it whenever the pod's annotations change. A
 * missing file or annotation holds no attachments; an entry that cannot be read is reported and skipped.
 */
public final class DownwardApiConfigStore implements ConfigReader {

    private final Path file;
    private final System.Logger log;

    public DownwardApiConfigStore(Path file, System.Logger log) {
        this.file = file;
        this.log = log;
    }

    /** The annotations file this store reads. */
    public Path file() {
        return file;
    }

    /** Whether the file is there and has the {@value ConfigAnnotations#CONFIGURATION_DATA} annotation. */
    public boolean hasConfigurationData() {
        return PodInfoAnnotations.read(file).get(ConfigAnnotations.CONFIGURATION_DATA).isPresent();
    }

    /** The pod's mount path of the shared directory, if the host plugin wrote it. */
    public Optional<Path> mappedDir() {
        return PodInfoAnnotations.read(file).get(ConfigAnnotations.MAPPED_DIR).filter(dir -> !dir.isBlank())
                .map(Path::of);
    }

    /** Every readable entry; annotations that are not a JSON array are an error naming the file. */
    @Override
    public List<ContainerConfig> list() {
        return ConfigAnnotations.read(PodInfoAnnotations.read(file).values(), file.toString(), log);
    }
}
