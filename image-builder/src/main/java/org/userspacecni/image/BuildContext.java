package org.userspacecni.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The build context of a data-plane image: {@code Dockerfile}, {@code entrypoint.sh}, {@code run.sh}, and
 * the agent in {@code agent/}. The three files are rendered from templates; everything that depends on the
 * base or variant is a placeholder, so every combination shares one Dockerfile logic.
 */
final class BuildContext {

    private BuildContext() {
    }

    /**
     * The files of the context, by name, as text. A variant the base has no packages for is an
     * {@link IllegalArgumentException} that says why.
     */
    static Map<String, String> render(Variant variant, Base base, String version) {
        return render(variant, base, new VppSource.Repository(), version);
    }

    /** The files of the context, for the vpp variant's VPP from {@code vpp}. */
    static Map<String, String> render(Variant variant, Base base, VppSource vpp, String version) {
        if (variant != Variant.VPP && !(vpp instanceof VppSource.Repository)) {
            throw new IllegalArgumentException("--vpp-from is for --variant vpp, not " + variant.option());
        }
        base.packages().unavailable(variant, vpp).ifPresent(reason -> {
            throw new IllegalArgumentException("--variant " + variant.option() + " on --base " + base.option() + ": "
                    + reason);
        });
        Map<String, String> values = new LinkedHashMap<>();
        values.put("@VARIANT@", variant.option());
        values.put("@BASE@", base.option());
        values.put("@BASE_REPOSITORY@", base.image().substring(0, base.image().lastIndexOf(':')));
        values.put("@BASE_TAG@", base.image().substring(base.image().lastIndexOf(':') + 1));
        values.put("@DESCRIPTION@", "userspace CNI data-plane container: " + variant.description());
        values.put("@VERSION@", version);
        values.put("@VERSION_ARGS@", String.join("\n", base.packages().versionArguments(variant, vpp)));
        boolean local = variant == Variant.VPP && !(vpp instanceof VppSource.Repository);
        values.put("@COPY_VPP@", local ? "COPY " + VppSource.CONTEXT_DIR + "/ " + VppSource.IMAGE_DIR + "/\n" : "");
        values.put("@INSTALL@", base.packages().install(variant, vpp).stream().map(line -> "    && " + line)
                .collect(Collectors.joining(" \\\n")));
        values.put("@VSWITCHD@", base.vswitchd());
        values.put("@SCHEMA@", base.schema());
        boolean tarball = variant == Variant.VPP && vpp instanceof VppSource.Tarball;
        values.put("@PATH@", "/opt/usrsp-agent/bin:" + (tarball ? VppSource.TARBALL_HOME + "/bin:" : "") + "${PATH}");
        values.put("@MORE_ENV@", tarball ? " \\\n    USRSP_VPP_HUGEPAGES=no" : "");
        values.put("@HEALTH_CHECK@", Stream.of(variant.healthCheck().split(" "))
                .map(word -> ", \"" + word + "\"").collect(Collectors.joining()));
        Map<String, String> files = new LinkedHashMap<>();
        files.put("Dockerfile", fill(template("Dockerfile.template"), values));
        files.put("entrypoint.sh", template("entrypoint.sh"));
        files.put("run.sh", template("run.sh"));
        return files;
    }

    /**
     * Writes the context into {@code output}, with the agent ({@code bin/usrsp-agent} and
     * {@code lib/usrsp-agent}) copied from the distribution {@code agent}.
     */
    static void write(Path output, Map<String, String> files, Path agent) throws IOException {
        write(output, files, agent, new VppSource.Repository());
    }

    /** As {@link #write(Path, Map, Path)}, with a local VPP copied into {@code vpp/}. */
    static void write(Path output, Map<String, String> files, Path agent, VppSource vpp) throws IOException {
        Files.createDirectories(output);
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path path = output.resolve(file.getKey());
            Files.writeString(path, file.getValue(), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(
                    file.getKey().endsWith(".sh") ? "rwxr-xr-x" : "rw-r--r--"));
        }
        Path target = output.resolve("agent");
        Files.createDirectories(target.resolve("bin"));
        Files.copy(agent.resolve("bin/usrsp-agent"), target.resolve("bin/usrsp-agent"),
                StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        Path jars = agent.resolve("lib/usrsp-agent");
        try (Stream<Path> tree = Files.walk(jars)) {
            for (Path source : (Iterable<Path>) tree::iterator) {
                Path copy = target.resolve("lib/usrsp-agent").resolve(jars.relativize(source).toString());
                if (Files.isSymbolicLink(source)) {
                    continue; // the link to the build machine's Java runtime; the image brings its own
                } else if (Files.isDirectory(source)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(source, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        Path local = output.resolve(VppSource.CONTEXT_DIR);
        if (vpp instanceof VppSource.Tarball tarball) {
            Files.createDirectories(local);
            Files.copy(tarball.file(), local.resolve(VppSource.TARBALL), StandardCopyOption.REPLACE_EXISTING);
        } else if (vpp instanceof VppSource.Packages packages) {
            Files.createDirectories(local);
            for (Path deb : packages.debs()) {
                Files.copy(deb, local.resolve(deb.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static String fill(String template, Map<String, String> values) {
        String text = template;
        for (Map.Entry<String, String> value : values.entrySet()) {
            text = text.replace(value.getKey(), value.getValue());
        }
        return text;
    }

    private static String template(String name) {
        try (InputStream in = BuildContext.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("template " + name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
