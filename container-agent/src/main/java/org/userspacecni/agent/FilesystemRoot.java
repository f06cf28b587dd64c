package org.userspacecni.agent;

import java.nio.file.Path;

/**
 * The directory under which the agent reads the kernel's files ({@code /proc}, {@code /sys}) and the pod's
 * Downward API volume at its default place: {@code /}, or in tests a directory laid out as the kernel does.
 */
record FilesystemRoot(Path path) {

    static final FilesystemRoot SYSTEM = new FilesystemRoot(Path.of("/"));

    /** An absolute path of the container's as seen under this root. */
    Path resolve(Path absolute) {
        return path.resolve(absolute.toString().replaceFirst("^/+", ""));
    }
}
