package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class-data-sharing archive that {@code userspace.d/class-archive} makes for the plugin where it is
 * installed (scripts/build runs it on dist), made here for a copy of the built distribution: the launcher maps
 * it where it was made, prints nothing but the CNI result either way, and where the distribution was moved it
 * leaves the archive alone and keeps the runtime's own.
 */
class ClassArchiveIT {

    @TempDir
    Path root;

    @Test
    void theArchiveIsUsedWhereItWasMadeAndIgnoredElsewhere() throws Exception {
        Path built = PluginFixture.plugin().getParent().getParent().getParent(); // .../dist
        Path dist = root.resolve("dist");
        run(List.of("cp", "-a", built.toString(), dist.toString()));
        Path home = dist.resolve("cni/bin/userspace.d");
        Files.createDirectories(home.resolve("backends"));
        run(List.of(home.resolve("class-archive").toString()));
        assertThat(home.resolve("userspace.jsa")).isNotEmptyFile();

        String[] here = version(dist.resolve("cni/bin/userspace"));
        assertThat(here[0]).startsWith("{\"cniVersion\":\"1.1.0\",\"supportedVersions\":[").doesNotContain("\n");
        assertThat(sharedClasses(here[1])).as("classes mapped from an archive, of " + loadedClasses(here[1]))
                .isGreaterThan(loadedClasses(here[1]) * 3 / 4);
        assertThat(here[1].lines().filter(line -> !line.contains("[class,load]"))).isEmpty();

        Path moved = root.resolve("moved");
        run(List.of("cp", "-a", dist.toString(), moved.toString()));
        String[] there = version(moved.resolve("cni/bin/userspace"));
        assertThat(there[0]).isEqualTo(here[0]);
        assertThat(sharedClasses(there[1])).as("the JVM's own archive still serves").isPositive()
                .isLessThan(sharedClasses(here[1]));
        assertThat(there[1].lines().filter(line -> !line.contains("[class,load]"))).isEmpty();
    }

    /**
     * stdout and stderr of VERSION, with the classes' origins logged to stderr; asked with a network's
     * configuration, which the launcher hands to the JVM.
     */
    private String[] version(Path launcher) throws Exception {
        Path stdin = Files.writeString(root.resolve("version-question.json"),
                "{\"cniVersion\":\"1.1.0\",\"name\":\"net\"}");
        Path stderrFile = Files.createTempFile(root, "stderr", ".log");
        ProcessBuilder builder = new ProcessBuilder(launcher.toString()).redirectError(stderrFile.toFile());
        builder.environment().clear();
        builder.environment().put("CNI_COMMAND", "VERSION");
        builder.environment().put("USERSPACE_CNI_JAVA_OPTS", "-Xlog:class+load=info:stderr");
        Process process = builder.redirectInput(stdin.toFile()).start();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).isZero();
        String stderr = Files.readString(stderrFile);
        return new String[] {stdout.strip(), stderr};
    }

    private static long loadedClasses(String log) {
        return log.lines().filter(line -> line.contains("[class,load]")).count();
    }

    private static long sharedClasses(String log) {
        return log.lines().filter(line -> line.contains("source: shared objects file")).count();
    }

    private static void run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(String.join(" ", command) + "\n" + output).isZero();
    }
}
