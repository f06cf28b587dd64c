package org.userspacecni.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the built {@code usrsp-agent} to completion, as a user or a container's entrypoint would. */
final class AgentProcess {

    record Outcome(int exitCode, String stdout, String stderr) {
    }

    private AgentProcess() {
    }

    static Outcome run(String... args) {
        return run(List.of(), args);
    }

    /** Runs the agent behind {@code prefix} (e.g. {@code unshare ... --}). */
    static Outcome run(List<String> prefix, String... args) {
        List<String> command = new ArrayList<>(prefix);
        command.add(System.getProperty("usrsp.agent"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).start();
            var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(process, false));
            String out = read(process, true);
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(command + " did not finish within 120 s");
            }
            return new Outcome(process.exitValue(), out, err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String read(Process process, boolean stdout) {
        try {
            return new String((stdout ? process.getInputStream() : process.getErrorStream()).readAllBytes(),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
