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

    /** The vpp variant on Debian with a local VPP ({@code --vpp-from}): a build tarball, or packages. */
    static List<Arguments> localVpps() {
        return List.of(Arguments.of("tarball", new VppSource.Tarball(Path.of("vpp-26.10-debian12-amd64.tar.gz"))),
                Arguments.of("debs", new VppSource.Packages(Path.of("debs"), List.of(Path.of("debs/vpp_24.10_amd64.deb"),
                        Path.of("debs/vpp-plugin-core_24.10_amd64.deb")))));
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

    @ParameterizedTest
    @MethodSource("localVpps")
    void theDockerfileOfALocalVppMatchesItsGoldenFile(String kind, VppSource vpp) throws IOException {
        String dockerfile = BuildContext.render(Variant.VPP, Base.DEBIAN12, vpp, VERSION).get("Dockerfile");
        String name = "vpp-debian12-" + kind + "/Dockerfile";
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

    /**
     * A local VPP is copied from the context before the one RUN, which installs it and removes the copy; nothing
     * comes from FD.io. The tarball is unpacked to /opt/vpp, its bin on the PATH, its VPP on ordinary pages; the
     * packages install with their dependencies, sysctl a stand-in meanwhile as with FD.io's.
     */
    @ParameterizedTest
    @MethodSource("localVpps")
    void aLocalVppIsCopiedInstalledAndRemovedInTheOneRun(String kind, VppSource vpp) {
        String dockerfile = BuildContext.render(Variant.VPP, Base.DEBIAN12, vpp, VERSION).get("Dockerfile");
        assertThat(dockerfile).doesNotContain("packagecloud").doesNotContain("curl").doesNotContain("VPP_VERSION")
                .doesNotContainPattern("(?m)^ADD ");
        assertThat(List.of(dockerfile.indexOf("COPY vpp/ /tmp/usrsp-vpp/\n"), dockerfile.indexOf("RUN set -o pipefail"),
                dockerfile.indexOf("&& rm -rf /tmp/usrsp-vpp \\\n"), dockerfile.indexOf("&& apt-get clean")))
                .doesNotContain(-1).isSorted();
        if (vpp instanceof VppSource.Tarball) {
            assertThat(dockerfile).contains("&& tar -xzf /tmp/usrsp-vpp/vpp.tar.gz -C /opt \\\n")
                    .contains("ENV PATH=/opt/usrsp-agent/bin:/opt/vpp/bin:${PATH}").contains("USRSP_VPP_HUGEPAGES=no\n")
                    .doesNotContain("sysctl");
        } else {
            assertThat(dockerfile).doesNotContain("/opt/vpp").doesNotContain("USRSP_VPP_HUGEPAGES");
            assertThat(List.of(dockerfile.indexOf("&& ln -s /bin/true /usr/local/sbin/sysctl \\\n"),
                    dockerfile.indexOf(" /tmp/usrsp-vpp/*.deb "), dockerfile.indexOf("&& rm /usr/local/sbin/sysctl")))
                    .doesNotContain(-1).isSorted();
        }
    }

    @ParameterizedTest
    @MethodSource("localVpps")
    void theDockerfileOfALocalVppPassesTheLinter(String kind, VppSource vpp, @TempDir Path dir) throws Exception {
        lint(BuildContext.render(Variant.VPP, Base.DEBIAN12, vpp, VERSION).get("Dockerfile"), dir);
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

        int exit = run(List.of("--variant", "dpdk", "--base", "debian12", "--agent", "local", "--agent-dir",
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
        lint(BuildContext.render(variant, base, VERSION).get("Dockerfile"), dir);
    }

    private static void lint(String text, Path dir) throws Exception {
        String linter = System.getProperty("usrsp.dockerfilelint", "");
        assertThat(Path.of(linter)).as("dockerfilelint, installed by scripts/test (usrsp.dockerfilelint)")
                .isExecutable();
        Path dockerfile = Files.writeString(dir.resolve("Dockerfile"), text);
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
        assertThat(run(List.of("--variant", "vxlan", "--agent-dir", dir.toString(), "--output", dir.toString()),
                System.err)).isEqualTo(2);
        ByteArrayOutputStream vppOnCentos = new ByteArrayOutputStream();
        assertThat(run(List.of("--variant", "vpp", "--base", "centos-stream9", "--agent-dir", dir.toString(),
                "--output", dir.toString()), new PrintStream(vppOnCentos, true, StandardCharsets.UTF_8)))
                .isEqualTo(2);
        assertThat(vppOnCentos.toString(StandardCharsets.UTF_8)).as("refused before the missing agent is noticed")
                .startsWith("usrsp-image: --variant vpp on --base centos-stream9: FD.io publishes VPP packages for"
                        + " Debian and Ubuntu only");
        assertThat(run(List.of("--base", "ubuntu", "--agent-dir", dir.toString()), System.err)).isEqualTo(2);
        assertThat(run(List.of("--agent", "release", "--agent-dir", dir.toString(), "--output",
                dir.toString()), System.err)).isEqualTo(2);
        assertThat(run(List.of("--agent-dir", dir.toString(), "--output", dir.toString()), System.err))
                .as("no agent in the distribution").isEqualTo(2);
    }

    @Test
    void helpSaysWhatEachOptionTakesAndWhereVppComesFrom() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(Main.run(List.of("--help"), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: usrsp-image ")
                .contains("--vpp-from", "TARBALL", "vpp_*.deb", "instead of FD.io's release",
                        "CentOS Stream bases have no VPP", "2 bad usage", "--version");
    }

    @Test
    void versionNamesTheProgram() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(Main.run(List.of("--version"), new PrintStream(out, true, StandardCharsets.UTF_8), System.err))
                .isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).matches("usrsp-image \\S+\\n");
    }

    @Test
    void anUnknownOptionIsBadUsageWithTheUsageOnStderr() {
        String[] said = new String[1];
        assertThat(runMain(said, "--colour", "blue")).isEqualTo(2);
        assertThat(said[0]).startsWith("usrsp-image: Unknown options: '--colour', 'blue'")
                .contains("Usage: usrsp-image ").contains("Try 'usrsp-image --help' for more information.");
        assertThat(runMain(said, "--variant", "vxlan")).isEqualTo(2);
        assertThat(said[0]).contains("--variant must be ovs, dpdk or vpp, not 'vxlan'").contains("Usage: usrsp-image ");
    }

    /** {@link Main#run} with its stdout dropped: only help and version go there. */
    private static int run(List<String> args, PrintStream stderr) {
        return Main.run(args, new PrintStream(java.io.OutputStream.nullOutputStream()), stderr);
    }

    @Test
    void aVppTarballIsCopiedIntoTheContext(@TempDir Path dir) throws Exception {
        Path tarball = vppTarball(dir, "vpp/bin/vpp");
        String[] said = new String[1];
        int exit = runMain(said, "--variant", "vpp", "--base", "debian12", "--vpp-from", tarball.toString(),
                "--agent-dir", agentDist(dir).toString(), "--output", dir.resolve("context").toString());

        assertThat(exit).as(said[0]).isZero();
        assertThat(said[0]).contains("with VPP from " + tarball);
        assertThat(dir.resolve("context/vpp/vpp.tar.gz")).hasSameBinaryContentAs(tarball);
        assertThat(dir.resolve("context/Dockerfile")).content().contains("tar -xzf /tmp/usrsp-vpp/vpp.tar.gz");
    }

    @Test
    void vppPackagesAreCopiedIntoTheContext(@TempDir Path dir) throws Exception {
        Path debs = Files.createDirectories(dir.resolve("debs"));
        for (String deb : List.of("vpp_24.10-release_amd64.deb", "vpp-plugin-core_24.10-release_amd64.deb")) {
            Files.writeString(debs.resolve(deb), deb);
        }
        Files.writeString(debs.resolve("README"), "not a package");
        String[] said = new String[1];
        int exit = runMain(said, "--variant", "vpp", "--base", "debian12", "--vpp-from", debs.toString(),
                "--agent-dir", agentDist(dir).toString(), "--output", dir.resolve("context").toString());

        assertThat(exit).as(said[0]).isZero();
        assertThat(list(dir.resolve("context/vpp"))).containsExactlyInAnyOrder("vpp_24.10-release_amd64.deb",
                "vpp-plugin-core_24.10-release_amd64.deb");
    }

    @Test
    void aWrongVppFromIsAUsageErrorThatSaysWhatIsWrong(@TempDir Path dir) throws Exception {
        String agent = agentDist(dir).toString();
        String output = dir.resolve("context").toString();
        String[] said = new String[1];
        assertThat(runMain(said, "--variant", "vpp", "--base", "debian12", "--vpp-from", dir.resolve("nowhere.tgz")
                .toString(), "--agent-dir", agent, "--output", output)).isEqualTo(2);
        assertThat(said[0]).contains("--vpp-from " + dir.resolve("nowhere.tgz") + ": no such file or directory");

        Path notVpp = vppTarball(dir, "ovs/bin/ovs-vswitchd");
        assertThat(runMain(said, "--variant", "vpp", "--base", "debian12", "--vpp-from", notVpp.toString(),
                "--agent-dir", agent, "--output", output)).isEqualTo(2);
        assertThat(said[0]).contains("not a VPP build tarball: a gzip'd tar with vpp/bin/vpp");

        Path text = Files.writeString(dir.resolve("vpp.tar.gz"), "not gzip");
        assertThat(runMain(said, "--variant", "vpp", "--base", "debian12", "--vpp-from", text.toString(),
                "--agent-dir", agent, "--output", output)).isEqualTo(2);
        assertThat(said[0]).contains("not a VPP build tarball");

        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThat(runMain(said, "--variant", "vpp", "--base", "debian12", "--vpp-from", empty.toString(),
                "--agent-dir", agent, "--output", output)).isEqualTo(2);
        assertThat(said[0]).contains("needs vpp_<version>_<arch>.deb");

        Path tarball = vppTarball(dir, "vpp/bin/vpp");
        assertThat(runMain(said, "--variant", "ovs", "--base", "debian12", "--vpp-from", tarball.toString(),
                "--agent-dir", agent, "--output", output)).isEqualTo(2);
        assertThat(said[0]).contains("--vpp-from is for --variant vpp, not ovs");
        assertThat(runMain(said, "--variant", "vpp", "--base", "centos-stream9", "--vpp-from", tarball.toString(),
                "--agent-dir", agent, "--output", output)).isEqualTo(2);
        assertThat(said[0]).contains("--variant vpp on --base centos-stream9: --vpp-from gives a VPP built or"
                + " packaged for Debian").contains("use --base debian12");
        assertThat(runMain(said, "--variant", "vpp", "--vpp-from")).isEqualTo(2);
        assertThat(said[0]).contains("Missing required parameter for option '--vpp-from' (TARBALL|DIR)")
                .contains("Usage: usrsp-image ");
        assertThat(dir.resolve("context")).doesNotExist();
    }

    private static int runMain(String[] said, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = run(List.of(args), new PrintStream(err, true, StandardCharsets.UTF_8));
        said[0] = err.toString(StandardCharsets.UTF_8);
        return exit;
    }

    /** A gzip'd tar made by tar itself, holding {@code entry} (and its directories). */
    private static Path vppTarball(Path dir, String entry) throws Exception {
        Path tree = dir.resolve("tree-" + entry.replace('/', '-'));
        Files.createDirectories(tree.resolve(entry).getParent());
        Files.writeString(tree.resolve(entry), "#!/bin/sh\n");
        Path tarball = dir.resolve(entry.replace('/', '-') + ".tar.gz");
        Process tar = new ProcessBuilder("tar", "-czf", tarball.toString(), "-C", tree.toString(),
                entry.substring(0, entry.indexOf('/'))).redirectErrorStream(true).start();
        assertThat(tar.waitFor()).as(new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        return tarball;
    }

    private static Path agentDist(Path dir) throws IOException {
        Path dist = dir.resolve("dist");
        Files.createDirectories(dist.resolve("lib/usrsp-agent"));
        Files.createDirectories(dist.resolve("bin"));
        Files.writeString(dist.resolve("bin/usrsp-agent"), "#!/bin/sh\n");
        dist.resolve("bin/usrsp-agent").toFile().setExecutable(true);
        return dist;
    }

    private static List<String> list(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(path -> path.getFileName().toString()).toList();
        }
    }
}
