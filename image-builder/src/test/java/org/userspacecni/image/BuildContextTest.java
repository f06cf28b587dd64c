package org.userspacecni.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every variant on every base: the Dockerfile matches its golden copy (so a change to the image is a
 * reviewed change to a file) and keeps the good practices the image is held to; the scripts are valid bash.
 */
class BuildContextTest {

    static final String VERSION = "0.1.0";

    /** Every variant on every base that has packages for it: vpp is Debian's only. */
    static List<Arguments> combinations() {
        return List.of(Variant.values()).stream()
                .flatMap(variant -> List.of(Base.values()).stream()
                        .filter(base -> base.packages().unavailable(variant).isEmpty())
                        .map(base -> Arguments.of(variant, base)))
                .collect(Collectors.toList());
    }

    /**
     * After a deliberate change, {@code mvn test -pl image-builder -Dusrsp.golden.write=true} writes the new
     * golden Dockerfiles into the sources, to be reviewed in the diff. The scripts are not rendered: their
     * templates are what ships.
     */
    @ParameterizedTest
    @MethodSource("combinations")
    void theDockerfileMatchesItsGoldenFile(Variant variant, Base base) throws IOException {
        String dockerfile = BuildContext.render(variant, base, VERSION).get("Dockerfile");
        String name = variant.option() + "-" + base.option() + "/Dockerfile";
        if (Boolean.getBoolean("usrsp.golden.write")) {
            Path file = Path.of("src/test/resources/golden", name);
            Files.createDirectories(file.getParent());
            Files.writeString(file, dockerfile);
        }
        try (InputStream in = getClass().getResourceAsStream("/golden/" + name)) {
            assertThat(in).as("golden file " + name).isNotNull();
            assertThat(dockerfile).as(name).isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void theScriptsAreTheSameForEveryVariantAndBase() {
        Map<String, String> first = BuildContext.render(Variant.OVS, Base.CENTOS_STREAM9, VERSION);
        for (Arguments combination : combinations()) {
            Map<String, String> files = BuildContext.render((Variant) combination.get()[0],
                    (Base) combination.get()[1], VERSION);
            assertThat(files.get("entrypoint.sh")).isEqualTo(first.get("entrypoint.sh"));
            assertThat(files.get("run.sh")).isEqualTo(first.get("run.sh"));
        }
    }

    @ParameterizedTest
    @MethodSource("combinations")
    void theDockerfileKeepsTheRules(Variant variant, Base base) {
        String dockerfile = BuildContext.render(variant, base, VERSION).get("Dockerfile");
        List<String> instructions = dockerfile.lines().filter(line -> line.matches("^[A-Z]+ .*"))
                .map(line -> line.split(" ")[0]).collect(Collectors.toList());

        Matcher tag = Pattern.compile("ARG BASE_TAG=(\\S+)").matcher(dockerfile);
        assertThat(tag.find()).isTrue();
        assertThat(tag.group(1)).isNotEqualTo("latest");
        assertThat(dockerfile).contains("FROM ${BASE_IMAGE}:${BASE_TAG}");
        assertThat(instructions).doesNotContain("ADD");
        assertThat(instructions.stream().filter("RUN"::equals).count()).isEqualTo(1);
        assertThat(dockerfile).contains("SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]")
                .contains("RUN set -o pipefail");
        assertThat(dockerfile).containsPattern("(dnf clean all|apt-get clean)");
        assertThat(dockerfile).contains("ENTRYPOINT [\"/usr/local/bin/usrsp-entrypoint\"]")
                .contains("HEALTHCHECK").contains(variant == Variant.DPDK ? "usrsp-agent\", \"status\", \"--sockets\"]"
                        : "usrsp-agent\", \"status\"]")
                .contains("org.opencontainers.image.source=").contains("org.opencontainers.image.version=\"" + VERSION)
                .contains("org.opencontainers.image.description=");
        assertThat(dockerfile).containsPattern("ARG DPDK_VERSION=\\S+");
        if (variant == Variant.OVS) {
            assertThat(dockerfile).containsPattern(base == Base.DEBIAN12 ? "openvswitch-switch-dpdk=\\$\\{OVS_VERSION}"
                    : "centos-release-nfv-openvswitch");
        }
        if (variant == Variant.VPP) {
            vppComesFromFdiosReleaseRepository(dockerfile);
        }
    }

    /**
     * FD.io's release repository, its key fetched over HTTPS into a keyring of its own that signs only that
     * source, and vpp with its plugins and library pinned to the exact release {@code VPP_VERSION} names.
     */
    private static void vppComesFromFdiosReleaseRepository(String dockerfile) {
        assertThat(dockerfile).containsPattern("ARG VPP_VERSION=\\d+\\.\\d+\\n")
                .contains("deb [signed-by=/usr/share/keyrings/fdio-release.gpg]"
                        + " https://packagecloud.io/fdio/release/debian/ bookworm main")
                .contains("curl -fsSL https://packagecloud.io/fdio/release/gpgkey | gpg --batch --dearmor -o"
                        + " /usr/share/keyrings/fdio-release.gpg");
        for (String pkg : List.of("vpp", "vpp-plugin-core", "libvppinfra")) {
            assertThat(dockerfile).contains("\"" + pkg + "=${VPP_VERSION}-release\"");
        }
        assertThat(dockerfile.indexOf("--no-install-recommends ca-certificates curl gnupg"))
                .as("curl and the CA certificates are installed before the key is fetched")
                .isNotNegative().isLessThan(dockerfile.indexOf("curl -fsSL"));
        assertThat(dockerfile.indexOf("apt-get update", dockerfile.indexOf("fdio-release.list")))
                .as("the lists are fetched again once FD.io's source is there")
                .isLessThan(dockerfile.indexOf("\"vpp="));
        assertThat(List.of(dockerfile.indexOf("&& ln -s /bin/true /usr/local/sbin/sysctl \\\n"),
                dockerfile.indexOf("\"vpp="), dockerfile.indexOf("&& rm /usr/local/sbin/sysctl \\\n")))
                .as("vpp's postinst cannot touch the build host's hugepages, and sysctl is itself again afterwards")
                .doesNotContain(-1).isSorted();
    }

    @Test
    void vppOnCentosStreamIsRefusedWithTheReasonAndTheBaseThatHasIt() {
        for (Base base : List.of(Base.CENTOS_STREAM9, Base.CENTOS_STREAM10)) {
            assertThatThrownBy(() -> BuildContext.render(Variant.VPP, base, VERSION))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--variant vpp on --base " + base.option())
                    .hasMessageContaining("https://packagecloud.io/fdio/release has no el/9 or el/10 repository")
                    .hasMessageContaining("use --base debian12");
        }
    }

    @Test
    void writesAnExecutableContextWithTheAgentButNotTheBuildMachinesJava(@TempDir Path dir) throws IOException {
        Path dist = dir.resolve("dist");
        Files.createDirectories(dist.resolve("bin"));
        Files.createDirectories(dist.resolve("lib/usrsp-agent"));
        Files.writeString(dist.resolve("bin/usrsp-agent"), "#!/bin/sh\n");
        dist.resolve("bin/usrsp-agent").toFile().setExecutable(true);
        Files.writeString(dist.resolve("lib/usrsp-agent/agent.jar"), "jar");
        Files.createSymbolicLink(dist.resolve("lib/usrsp-agent/jre"), dir);
        Files.createDirectories(dist.resolve("cni/bin"));

        int exit = Main.run(List.of("--variant", "dpdk", "--base", "debian12", "--agent", "local", "--agent-dir",
                dist.toString(), "--output", dir.resolve("context").toString()), System.err);

        assertThat(exit).isZero();
        Path context = dir.resolve("context");
        assertThat(context.resolve("Dockerfile")).exists();
        assertThat(context.resolve("entrypoint.sh")).isExecutable();
        assertThat(context.resolve("run.sh")).isExecutable();
        assertThat(context.resolve("agent/bin/usrsp-agent")).isExecutable();
        assertThat(context.resolve("agent/lib/usrsp-agent/agent.jar")).hasContent("jar");
        assertThat(context.resolve("agent/lib/usrsp-agent/jre")).doesNotExist();
        assertThat(context.resolve("agent/cni")).doesNotExist();
    }

    /** The linter scripts/test installs from the npm registry (dockerfilelint) finds nothing in any Dockerfile. */
    @ParameterizedTest
    @MethodSource("combinations")
    void theDockerfilePassesTheLinter(Variant variant, Base base, @TempDir Path dir) throws Exception {
        String linter = System.getProperty("usrsp.dockerfilelint", "");
        assertThat(Path.of(linter)).as("dockerfilelint, installed by scripts/test (usrsp.dockerfilelint)")
                .isExecutable();
        Path dockerfile = Files.writeString(dir.resolve("Dockerfile"),
                BuildContext.render(variant, base, VERSION).get("Dockerfile"));
        Process lint = new ProcessBuilder(linter, dockerfile.toString()).redirectErrorStream(true).start();
        String report = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(lint.waitFor()).as(report).isZero();
        assertThat(report).contains("Issues: None found");
    }

    @Test
    void theScriptsAreValidBash(@TempDir Path dir) throws Exception {
        for (Map.Entry<String, String> file : BuildContext.render(Variant.OVS, Base.DEBIAN12, VERSION).entrySet()) {
            if (file.getKey().endsWith(".sh")) {
                Path script = Files.writeString(dir.resolve(file.getKey()), file.getValue());
                Process bash = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
                String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(bash.waitFor()).as(file.getKey() + ": " + output).isZero();
            }
        }
    }

    @Test
    void badArgumentsAreUsageErrors(@TempDir Path dir) {
        assertThat(Main.run(List.of("--variant", "vxlan", "--agent-dir", dir.toString(), "--output", dir.toString()),
                System.err)).isEqualTo(2);
        ByteArrayOutputStream vppOnCentos = new ByteArrayOutputStream();
        assertThat(Main.run(List.of("--variant", "vpp", "--base", "centos-stream9", "--agent-dir", dir.toString(),
                "--output", dir.toString()), new PrintStream(vppOnCentos, true, StandardCharsets.UTF_8)))
                .isEqualTo(2);
        assertThat(vppOnCentos.toString(StandardCharsets.UTF_8)).as("refused before the missing agent is noticed")
                .startsWith("usrsp-image: --variant vpp on --base centos-stream9: FD.io publishes VPP packages for"
                        + " Debian and Ubuntu only");
        assertThat(Main.run(List.of("--base", "ubuntu", "--agent-dir", dir.toString()), System.err)).isEqualTo(2);
        assertThat(Main.run(List.of("--agent", "release", "--agent-dir", dir.toString(), "--output",
                dir.toString()), System.err)).isEqualTo(2);
        assertThat(Main.run(List.of("--agent-dir", dir.toString(), "--output", dir.toString()), System.err))
                .as("no agent in the distribution").isEqualTo(2);
    }
}
