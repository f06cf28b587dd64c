package org.userspacecni.image;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Where the vpp variant's VPP comes from: FD.io's release repository (the default), or, with
 * {@code --vpp-from}, a VPP build tarball or a directory of VPP's Debian packages on this machine, copied into
 * the build context's {@code vpp/} so the build fetches VPP from nowhere. Checked when given: a path that is not
 * there, a tarball without {@code vpp/bin/vpp}, or a directory without a {@code vpp_*.deb} is refused here
 * rather than halfway through a build.
 */
sealed interface VppSource {

    /** The context's directory for a local VPP, and where the Dockerfile copies it before the install. */
    String CONTEXT_DIR = "vpp";
    String IMAGE_DIR = "/tmp/usrsp-vpp";
    /** The tarball's name in the context: the Dockerfile does not change with the file given. */
    String TARBALL = "vpp.tar.gz";
    /** Where the tarball's {@code vpp/} lands in the image; its {@code bin} goes on the PATH. */
    String TARBALL_HOME = "/opt/vpp";

    /** How the builder's report names it: empty for the default, else {@code ", with VPP from ..."}. */
    String described();

    /** FD.io's release repository. */
    record Repository() implements VppSource {
        @Override
        public String described() {
            return "";
        }
    }

    /**
     * A VPP build tarball: {@code vpp/bin/vpp}, {@code vpp/bin/vppctl}, {@code vpp/lib} with
     * {@code vpp_plugins}, needing only libc (the project's VPP is one).
     */
    record Tarball(Path file) implements VppSource {
        @Override
        public String described() {
            return ", with VPP from " + file;
        }
    }

    /** Debian packages of VPP ({@code vpp_*.deb}, its plugins and library), installed with their dependencies. */
    record Packages(Path dir, List<Path> debs) implements VppSource {
        @Override
        public String described() {
            return ", with VPP from the packages in " + dir;
        }
    }

    /** What {@code --vpp-from path} names, checked; an {@link IllegalArgumentException} says what is wrong. */
    static VppSource of(Path path) {
        if (Files.isDirectory(path)) {
            List<Path> debs;
            try (Stream<Path> files = Files.list(path)) {
                debs = files.filter(file -> file.getFileName().toString().endsWith(".deb")).sorted().toList();
            } catch (IOException e) {
                throw new IllegalArgumentException("--vpp-from " + path + ": cannot list it: " + e.getMessage());
            }
            if (debs.stream().noneMatch(deb -> deb.getFileName().toString().startsWith("vpp_"))) {
                throw new IllegalArgumentException("--vpp-from " + path + ": a directory of VPP's Debian packages"
                        + " needs vpp_<version>_<arch>.deb (with vpp-plugin-core and libvppinfra); it has "
                        + debs.stream().map(deb -> deb.getFileName().toString()).toList());
            }
            return new Packages(path, debs);
        }
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("--vpp-from " + path + ": no such file or directory (give a VPP build"
                    + " tarball, vpp-*.tar.gz, or a directory of VPP's .deb packages)");
        }
        if (!holdsVpp(path)) {
            throw new IllegalArgumentException("--vpp-from " + path + ": not a VPP build tarball: a gzip'd tar with"
                    + " vpp/bin/vpp (and vpp/lib with its plugins) was expected");
        }
        return new Tarball(path);
    }

    /** Whether the gzip'd tar {@code file} has {@code vpp/bin/vpp}. */
    private static boolean holdsVpp(Path file) {
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            byte[] header = new byte[512];
            while (in.readNBytes(header, 0, 512) == 512) {
                String name = field(header, 0, 100);
                if (name.isEmpty()) {
                    return false; // the end-of-archive block
                }
                String prefix = field(header, 345, 155);
                String entry = prefix.isEmpty() ? name : prefix + "/" + name;
                if (entry.equals("vpp/bin/vpp") || entry.equals("./vpp/bin/vpp")) {
                    return true;
                }
                long size = Long.parseLong("0" + field(header, 124, 12).trim(), 8);
                in.skipNBytes((size + 511) / 512 * 512);
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return false; // not gzip, not tar, or cut short: not a VPP tarball either way
        }
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
    }
}
