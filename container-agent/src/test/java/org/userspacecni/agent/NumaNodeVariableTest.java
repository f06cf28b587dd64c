package org.userspacecni.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host may tell the container the NUMA node of its port in {@code USERSPACE_CNI_NUMA_NODE}: {@code eal-args}
 * and {@code doctor} take it when {@code --numa-node} is not given. The agent runs in a JVM of its own here, the
 * only way to give it a variable; it reads this machine's cgroup, so only the node it names is asserted.
 */
class NumaNodeVariableTest {

    @TempDir
    Path dir;

    @Test
    void doctorTakesTheNodeFromTheVariable() throws Exception {
        InProcessAgent.Outcome doctor = agent("0", "doctor");
        assertThat(doctor.stdout()).as(doctor.stderr()).contains("numa node: the port's NUMA node 0 is");
    }

    @Test
    void theOptionWinsOverTheVariable() throws Exception {
        assertThat(agent("0", "doctor", "--numa-node", "4095").stdout())
                .contains("numa node: the port's NUMA node 4095 is not in cpuset.mems");
    }

    @Test
    void aVariableThatIsNotANumberIsBadUsage() throws Exception {
        InProcessAgent.Outcome doctor = agent("one", "doctor");
        assertThat(doctor.exitCode()).isEqualTo(2);
        assertThat(doctor.stderr()).contains("Invalid value for option '--numa-node': 'one' is not an int")
                .contains("Usage: usrsp-agent doctor ");
    }

    private InProcessAgent.Outcome agent(String node, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(), "--data-dir",
                dir.toString(), "--shared-dir", dir.toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--before-start", "--in-memory"));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put(EalRequest.NUMA_NODE_VARIABLE, node);
        Process process = builder.start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process, false));
        String out = read(process, true);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the agent finished").isTrue();
        return new InProcessAgent.Outcome(process.exitValue(), out, err.join());
    }

    private static String read(Process process, boolean stdout) {
        try {
            return new String((stdout ? process.getInputStream() : process.getErrorStream()).readAllBytes(),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
