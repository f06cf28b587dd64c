package org.userspacecni.node;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.userspacecni.testkit.HostCommand;

/**
 * The pod sandbox image, built here rather than pulled: an image from scratch holding Debian's static busybox,
 * whose only process waits until it is told to stop (SIGTERM ends it at once, as the pause image's does). Built
 * with buildah in private storage under {@code dir} and written as an archive that {@code ctr images import}
 * reads.
 */
final class PauseImage {

    static final Path BUSYBOX = Path.of("/bin/busybox");

    private PauseImage() {
    }

    /** Builds the image named {@code name} and returns its archive. */
    static Path build(Path dir, String name) {
        List<String> buildah = List.of("buildah", "--root", dir.resolve("storage").toString(), "--runroot",
                dir.resolve("run").toString(), "--storage-driver", "vfs");
        String container = HostCommand.run(with(buildah, "from", "scratch")).strip();
        try {
            String mount = HostCommand.run(with(buildah, "mount", container)).strip();
            HostCommand.run("install", "-D", "-m", "0755", BUSYBOX.toString(), mount + "/bin/busybox");
            HostCommand.run(with(buildah, "config", "--entrypoint", "[\"/bin/busybox\",\"sh\",\"-c\","
                    + "\"trap 'exit 0' TERM INT; while :; do /bin/busybox sleep 3600 & wait $!; done\"]", container));
            HostCommand.run(with(buildah, "commit", "--quiet", container, name));
        } finally {
            HostCommand.run(with(buildah, "rm", container));
        }
        Path archive = dir.resolve("pause.tar");
        HostCommand.run(with(buildah, "push", "--quiet", name, "docker-archive:" + archive + ":" + name));
        return archive;
    }

    private static List<String> with(List<String> command, String... more) {
        List<String> all = new ArrayList<>(command);
        all.addAll(List.of(more));
        return all;
    }
}
