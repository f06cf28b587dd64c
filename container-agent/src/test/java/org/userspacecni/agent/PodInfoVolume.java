package org.userspacecni.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.userspacecni.core.Json;
import org.userspacecni.core.store.ConfigAnnotations;
import org.userspacecni.spi.ContainerConfig;

/**
 * A Downward API volume with the pod's annotations, kept up to date the way the kubelet's atomic writer does
 * it: each version of the file goes into a new {@code ..<timestamp>} directory, a {@code ..data_tmp} symlink
 * to it is renamed over {@code ..data}, {@code annotations} is a symlink to {@code ..data/annotations}, and the
 * old version's directory is removed. The file's text is kubelet's {@code FormatMap}: {@code key=%q} lines,
 * sorted by key, without a newline at the end.
 */
final class PodInfoVolume {

    private final Path dir;
    private Optional<Path> current = Optional.empty();
    private int version;

    PodInfoVolume(Path dir) {
        this.dir = dir;
    }

    /** The file the container reads: {@code annotations} in the volume. */
    Path file() {
        return dir.resolve("annotations");
    }

    /** Projects the pod's annotations: the host plugin's {@code configs} and mapped dir, and kubelet's own. */
    void project(Optional<Path> mappedDir, ContainerConfig... configs) {
        Map<String, String> annotations = new TreeMap<>(Map.of("kubernetes.io/config.seen",
                "2025-03-14T09:26:53.589793238Z", "kubernetes.io/config.source", "api",
                "k8s.v1.cni.cncf.io/networks", "userspace-net"));
        if (configs.length > 0) {
            try {
                annotations.put(ConfigAnnotations.CONFIGURATION_DATA, Json.mapper().writeValueAsString(configs));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        mappedDir.ifPresent(path -> annotations.put(ConfigAnnotations.MAPPED_DIR, path.toString()));
        write(annotations.entrySet().stream().map(entry -> entry.getKey() + "=" + goQuote(entry.getValue()))
                .collect(Collectors.joining("\n")));
    }

    /** Swaps in a new version of the file with {@code text}. */
    void write(String text) {
        try {
            Files.createDirectories(dir);
            Path payload = dir.resolve("..2025_03_14_09_26_53." + version++);
            Files.createDirectory(payload);
            Files.writeString(payload.resolve("annotations"), text);
            Path swap = dir.resolve("..data_tmp");
            Files.createSymbolicLink(swap, payload.getFileName());
            Files.move(swap, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
            if (!Files.exists(file(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(file(), Path.of("..data", "annotations"));
            }
            if (current.isPresent()) {
                try (Stream<Path> old = Files.walk(current.get())) {
                    for (Path path : (Iterable<Path>) old.sorted(Comparator.reverseOrder())::iterator) {
                        Files.delete(path);
                    }
                }
            }
            current = Optional.of(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
            } else if (c < 0x20 || c == 0x7f) {
                quoted.append(String.format("\\x%02x", c));
            } else if (c > 0x7e && (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT)) {
                quoted.append(c < 0x10000 ? String.format("\\u%04x", c) : String.format("\\U%08x", c));
            } else {
                quoted.appendCodePoint(c);
            }
        });
        return quoted.append('"').toString();
    }
}
