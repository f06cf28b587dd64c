package org.userspacecni.image;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The private container storage of an image test: podman's and buildah's images and containers under
 * {@code dir} (the vfs driver, which needs no kernel overlay support), run by runc with cgroupfs and events to
 * a file, so that nothing of the machine's own storage or services is touched.
 */
record ImageStorage(Path dir) {

    /** {@code podman} with this storage. */
    List<String> podman() {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(storage());
        command.addAll(List.of("--runtime", "runc", "--cgroup-manager", "cgroupfs", "--events-backend", "file"));
        return List.copyOf(command);
    }

    /** {@code buildah} with this storage. */
    List<String> buildah() {
        List<String> command = new ArrayList<>(List.of("buildah"));
        command.addAll(storage());
        return List.copyOf(command);
    }

    private List<String> storage() {
        return List.of("--root", dir.resolve("storage").toString(), "--runroot", dir.resolve("run").toString(),
                "--storage-driver", "vfs");
    }
}
