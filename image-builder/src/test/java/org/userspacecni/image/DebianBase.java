package org.userspacecni.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.userspacecni.testkit.HostCommand;

/**
 * The Debian 12 base the image tests build on, made with debootstrap (minbase) from the machine's own Debian
 * mirror, so that no image is pulled. Made once
 * into {@code target/debian-base.tar} and imported from there into each test's private podman storage:
 * debootstrap is the slowest step of the image tests, and their bases need not differ.
 */
final class DebianBase {

    static final String IMAGE = "localhost/debian-base:12";
    private static final Path TARBALL = Path.of("target", "debian-base.tar").toAbsolutePath();

    private DebianBase() {
    }

    /** Imports the base as {@value #IMAGE} with {@code podman} (the command and its storage options). */
    static synchronized void importWith(List<String> podman) throws IOException {
        if (!Files.exists(TARBALL)) {
            Path rootfs = Files.createTempDirectory(TARBALL.getParent(), "debian-rootfs");
            try {
                HostCommand.run("debootstrap", "--variant=minbase", "bookworm",
                        rootfs.toString(), mirror());
                Path partial = TARBALL.resolveSibling(TARBALL.getFileName() + ".partial");
                HostCommand.run("tar", "-C", rootfs.toString(), "-cf", partial.toString(), ".");
                Files.move(partial, TARBALL);
            } finally {
                HostCommand.run("rm", "-rf", rootfs.toString());
            }
        }
        HostCommand.run("sh", "-c", String.join(" ", podman) + " import " + TARBALL + " " + IMAGE);
    }

    /** The Debian mirror this machine's apt uses, so debootstrap reaches what apt reaches. */
    static String mirror() throws IOException {
        Path sources = Path.of("/etc/apt/sources.list.d/debian.sources");
        if (Files.exists(sources)) {
            for (String line : Files.readAllLines(sources)) {
                if (line.startsWith("URIs:")) {
                    return line.substring("URIs:".length()).trim().split("\\s+")[0];
                }
            }
        }
        return "http://deb.debian.org/debian";
    }
}
