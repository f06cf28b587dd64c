package org.userspacecni.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The runtime directory a DPDK process run as root keeps under {@link #DIR}, named after its
 * {@code --file-prefix} (even with {@code --in-memory}); it outlives the process, so a test that starts one
 * removes it once the process has ended.
 */
public final class DpdkRuntime {

    public static final Path DIR = Path.of("/var/run/dpdk");

    private DpdkRuntime() {
    }

    /** Removes the runtime directory of the ended DPDK process that ran with {@code --file-prefix=filePrefix}. */
    public static void remove(String filePrefix) {
        Path dir = DIR.resolve(filePrefix);
        if (!dir.normalize().getParent().equals(DIR)) {
            throw new IllegalArgumentException("not a file prefix: " + filePrefix);
        }
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove DPDK's runtime directory " + dir, e);
        }
    }
}
