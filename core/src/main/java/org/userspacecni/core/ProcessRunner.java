package org.userspacecni.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;

/**
 * Runs a delegated plugin as libcni does: exactly the given environment (the invocation's own, with
 * {@code CNI_COMMAND} set for the delegated command), the given bytes on stdin, stdout captured, stderr
 * passed through to the invocation's stderr (the process's own, or a daemon's request's). A plugin that does
 * not finish within the timeout is killed and reported as a transient failure.
 */
public final class ProcessRunner {

    /** What a finished process left: its exit code and everything it wrote to stdout. */
    public record Outcome(int exitCode, byte[] stdout) {
    }

    private final Duration timeout;
    private final PrintStream stderr;

    public ProcessRunner(Duration timeout, PrintStream stderr) {
        this.timeout = timeout;
        this.stderr = stderr;
    }

    public Outcome run(Path executable, Map<String, String> environment, byte[] stdin) {
        boolean inherit = stderr == System.err;
        ProcessBuilder builder = new ProcessBuilder(List.of(executable.toString()))
                .redirectError(inherit ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.PIPE);
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot run " + executable, e);
        }
        Thread feeder = new Thread(() -> feed(process.getOutputStream(), stdin), "stdin-" + executable.getFileName());
        feeder.setDaemon(true);
        feeder.start();
        CompletableFuture<byte[]> stdout = new CompletableFuture<>();
        Thread reader = new Thread(() -> stdout.complete(readAll(process.getInputStream())),
                "stdout-" + executable.getFileName());
        reader.setDaemon(true);
        reader.start();
        Optional<Thread> errors = Optional.empty();
        if (!inherit) {
            Thread copier = new Thread(() -> copy(process.getErrorStream(), stderr),
                    "stderr-" + executable.getFileName());
            copier.setDaemon(true);
            copier.start();
            errors = Optional.of(copier);
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                process.waitFor();
                throw new CniException(ErrorCode.TRY_AGAIN_LATER,
                        executable + " did not finish within " + timeout.toSeconds() + " s and was killed");
            }
            Outcome outcome = new Outcome(process.exitValue(), stdout.get());
            if (errors.isPresent()) {
                errors.get().join(timeout.toMillis());
            }
            return outcome;
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new CniException(ErrorCode.INTERNAL, "interrupted while running " + executable, e);
        } catch (ExecutionException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot read the output of " + executable, e);
        }
    }

    /** Kills the process and what it started, which would otherwise live on holding its pipes. */
    private static void kill(Process process) {
        List<ProcessHandle> children = process.descendants().collect(Collectors.toList());
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
    }

    private static void feed(OutputStream in, byte[] stdin) {
        try (in) {
            in.write(stdin);
        } catch (IOException e) {
            // The plugin closed its stdin early; its exit code and output tell what happened.
        }
    }

    private static void copy(InputStream from, PrintStream to) {
        try (from) {
            from.transferTo(to);
            to.flush();
        } catch (IOException e) {
            // The stream breaks when the process is killed; the timeout reports that.
        }
    }

    private static byte[] readAll(InputStream out) {
        try (out) {
            return out.readAllBytes();
        } catch (IOException e) {
            // The stream breaks when the process is killed; the timeout reports that.
            return new byte[0];
        }
    }
}
