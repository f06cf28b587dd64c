package com.example.vhosttap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built agent takes this engine's own container option, {@code --engine-option vhost-tap.ealDir=DIR}, with
 * the jar on its class path ({@code USERSPACE_CNI_BACKENDS}) and no knowledge of the engine: {@code doctor} asks
 * the engine's container side about the directory given, a missing one fails naming it, and without the jar the
 * option is bad usage naming the unknown engine.
 */
@Timeout(60)
class AgentTakesTheEngineOptionIT {

    private record Outcome(int exitCode, String stdout, String stderr) {
    }

    @Test
    void doctorAsksTheEngineAboutTheDirectoryGiven(@TempDir Path root) throws Exception {
        Path ealDir = Files.createDirectories(root.resolve("eal"));

        Outcome given = agent(root, true, "--engine-option", "vhost-tap.ealDir=" + ealDir, "doctor",
                "--no-hugepages");
        assertThat(given.stdout()).as(given.stderr()).contains("ok    container datapath (vhost-tap): ");

        Path missing = root.resolve("no-such-dir");
        Outcome wrong = agent(root, true, "--engine-option", "vhost-tap.ealDir=" + missing, "doctor",
                "--no-hugepages");
        assertThat(wrong.exitCode()).isEqualTo(1);
        assertThat(wrong.stdout()).contains("FAIL  container datapath (vhost-tap): vhost-tap: the EAL directory "
                + missing).contains("--engine-option vhost-tap.ealDir=...");
        assertThat(missing).doesNotExist();
    }

    @Test
    void withoutTheJarTheOptionIsBadUsage(@TempDir Path root) throws Exception {
        Outcome outcome = agent(root, false, "--engine-option", "vhost-tap.ealDir=" + root, "doctor");
        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.stderr()).contains("--engine-option: unknown engine 'vhost-tap'");
    }

    private static Outcome agent(Path root, boolean withJar, String... args) throws IOException,
            InterruptedException {
        String built = System.getProperty("userspace.agent", "");
        if (!Files.isExecutable(Path.of(built))) {
            throw new IllegalStateException("no built agent at userspace.agent='" + built + "': build userspace-cni"
                    + " first and pass -Duserspace.agent=<its container-agent/target/dist/bin/usrsp-agent>");
        }
        List<String> command = new ArrayList<>(List.of(built, "--data-dir", Files.createDirectories(
                root.resolve("data")).toString(), "--shared-dir", Files.createDirectories(root.resolve("shared"))
                .toString(), "--state-dir", root.resolve("state").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(
                Path.of("/dev/null").toFile()));
        builder.environment().remove("USERSPACE_CNI_BACKENDS");
        if (withJar) {
            builder.environment().put("USERSPACE_CNI_BACKENDS", System.getProperty("vhosttap.jar", ""));
        }
        Path stderr = root.resolve("stderr");
        Process process = builder.redirectError(stderr.toFile()).start();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        return new Outcome(exit, stdout, Files.readString(stderr));
    }
}
