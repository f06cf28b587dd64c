package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code userspace} with arguments speaks like a command-line tool, on stderr (stdout is the CNI protocol's):
 * help and version with exit 0 on the command and its subcommands; an unknown command or option, a missing value,
 * one line naming it with the usage, exit 2. A CNI command, with no arguments, never loads picocli.
 */
class PluginUsageTest {

    record Outcome(int exitCode, String stdout, String stderr) {
    }

    /** The plugin's operator commands, with what reaches the process's real stdout captured too. */
    static Outcome userspace(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        int exit;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            exit = Main.subcommand(List.of(args), Map.of(), System.out, new PrintStream(err, true,
                    StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
        }
        return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpListsTheCommandsOnStderr() {
        Outcome help = userspace("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout()).isEmpty();
        assertThat(help.stderr()).startsWith("Usage: userspace ").contains("CNI_COMMAND", "daemon", "reconcile",
                "help", "--version", "2 bad usage");
        assertThat(userspace("help").stderr()).isEqualTo(help.stderr());
    }

    @Test
    void versionIsTheAboutLine() {
        Outcome version = userspace("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.stdout()).isEmpty();
        assertThat(version.stderr()).startsWith("CNI userspace plugin ").contains("CNI 0.3.0, 0.3.1, 0.4.0, 1.0.0");
        assertThat(userspace("daemon", "--version").stderr()).isEqualTo(version.stderr());
    }

    @Test
    void anUnknownCommandIsBadUsage() {
        Outcome wrong = userspace("fly");
        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(wrong.stdout()).isEmpty();
        assertThat(wrong.stderr()).startsWith("userspace: Unmatched argument at index 0: 'fly'")
                .contains("Usage: userspace ").contains("Try 'userspace --help' for more information.");
        assertThat(userspace("--no-such-option").exitCode()).isEqualTo(2);
    }

    @Test
    void theDaemonHasItsHelpBothWays() {
        Outcome asked = userspace("help", "daemon");
        assertThat(asked.exitCode()).isZero();
        assertThat(asked.stderr()).startsWith("Usage: userspace daemon ").contains("--socket=PATH", "--check",
                "USERSPACE_CNI_DAEMON_SOCKET", "/run/userspace-cni/daemon.sock", "--max-requests=N", "(default: 8)",
                "--queue=N", "(default: 256)", "--queue-timeout=SECONDS", "(default: 60)", "error 11");
        assertThat(userspace("daemon", "--help")).isEqualTo(asked);
    }

    @Test
    void badUsageOfTheDaemonStartsNoDaemon() {
        Outcome unknown = userspace("daemon", "--sockets", "/run/x.sock");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.stderr()).startsWith("userspace daemon: Unknown options: '--sockets', '/run/x.sock'")
                .contains("Usage: userspace daemon ").doesNotContain("serving");
        Outcome missing = userspace("daemon", "--socket");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.stderr()).contains("Missing required parameter for option '--socket' (PATH)");
        Outcome both = userspace("daemon", "--check", "--socket", "/run/x.sock");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.stderr()).contains("--check takes no --socket");
    }

    @Test
    void theDaemonsLimitsArePositiveNumbers(@TempDir Path dir) {
        String socket = dir.resolve("run/daemon.sock").toString();
        for (String[] wrong : new String[][] {{"--max-requests", "0"}, {"--queue", "-1"}, {"--queue-timeout", "0"}}) {
            Outcome refused = userspace("daemon", "--socket", socket, wrong[0], wrong[1]);
            assertThat(refused.exitCode()).as(refused.stderr()).isEqualTo(2);
            assertThat(refused.stderr()).startsWith("userspace daemon: " + wrong[0] + " must be a positive number, not "
                    + wrong[1]).contains("Usage: userspace daemon ").doesNotContain("serving");
        }
        Outcome notANumber = userspace("daemon", "--socket", socket, "--queue-timeout", "soon");
        assertThat(notANumber.exitCode()).isEqualTo(2);
        assertThat(notANumber.stderr()).contains("Invalid value for option '--queue-timeout': 'soon' is not an int");
        Outcome missing = userspace("daemon", "--socket", socket, "--max-requests");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.stderr()).contains("Missing required parameter for option '--max-requests' (N)");
        assertThat(dir.resolve("run")).as("no daemon started").doesNotExist();
    }

    @Test
    void theProbeIsTheLaunchers() {
        Outcome check = userspace("daemon", "--check");
        assertThat(check.exitCode()).isEqualTo(1);
        assertThat(check.stderr()).contains("--check is answered by the launcher")
                .contains("run 'userspace daemon --check' through it");
    }

    @Test
    void aDaemonThatCannotServeSaysWhere(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "");
        Outcome cannot = userspace("daemon", "--socket", file.resolve("daemon.sock").toString());
        assertThat(cannot.exitCode()).isEqualTo(1);
        assertThat(cannot.stderr()).contains("userspace daemon: cannot serve on " + file.resolve("daemon.sock"));
    }

    @Test
    void reconcileHasItsHelpAndRefusesWhatItDoesNotKnow() {
        Outcome help = userspace("reconcile", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.stderr()).startsWith("Usage: userspace reconcile ").contains("--data-dir=DIR",
                "--network=NAME", "--verbose", "/var/lib/cni/usrspcni)");
        Outcome wrong = userspace("reconcile", "--no-such-flag");
        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(wrong.stderr()).contains("Unknown option: '--no-such-flag'").contains("Usage: userspace reconcile");
    }

    @Test
    void aCniCommandLoadsNoPicocliWhileAnOperatorCommandDoes(@TempDir Path dir) throws Exception {
        assertThat(classesLoaded(dir, "cni", List.of(), "VERSION")).contains("org.userspacecni.host.Main ")
                .doesNotContain("picocli");
        assertThat(classesLoaded(dir, "cni-error", List.of(), "ADD")).contains("org.userspacecni.host.Main ")
                .doesNotContain("picocli");
        assertThat(classesLoaded(dir, "operator", List.of("--version"), "")).contains("picocli.CommandLine ");
    }

    /** The class-loading log of a JVM running the plugin with {@code args} and CNI_COMMAND {@code command}. */
    private static String classesLoaded(Path dir, String name, List<String> args, String command) throws Exception {
        Path log = dir.resolve(name + ".classes");
        List<String> java = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + log, "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        java.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(java).redirectErrorStream(true);
        builder.environment().put("CNI_COMMAND", command);
        builder.environment().put("CNI_CONTAINERID", "usage0000001");
        builder.environment().put("CNI_IFNAME", "net1");
        builder.environment().put("CNI_NETNS", "/proc/self/ns/net");
        builder.environment().put("CNI_PATH", dir.toString());
        Process process = builder.start();
        process.getOutputStream().write("{\"cniVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isIn(0, 1);
        return Files.readString(log);
    }
}
