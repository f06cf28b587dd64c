package org.userspacecni.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.userspacecni.host.HoldPoints.Step;
import org.userspacecni.testkit.HostCommand;

/**
 * An ADD held at one of its steps through a FIFO ({@link HoldPoints}): the test knows the plugin is there when
 * its own open of the FIFO for writing returns (the plugin has opened it for reading), acts, and lets the ADD go
 * on by closing it. It works the same in a plugin process and in the plugin's daemon.
 */
final class HeldAdd implements AutoCloseable {

    private final Path fifo;
    private final Step step;
    private final CompletableFuture<OutputStream> writer = new CompletableFuture<>();

    HeldAdd(Path dir, Step step) {
        this.fifo = dir.resolve("hold-" + step.wireName());
        this.step = step;
        HostCommand.run("mkfifo", "-m", "600", fifo.toString());
    }

    /** The value of {@link HoldPoints#VARIABLE} for the ADD. */
    String variable() {
        return step.wireName() + ":" + fifo;
    }

    /** Returns once the ADD holds at the step; fails if it does not get there {@code within}. */
    void awaitReached(Duration within) {
        CompletableFuture.runAsync(() -> {
            try {
                writer.complete(Files.newOutputStream(fifo));
            } catch (IOException e) {
                writer.completeExceptionally(e);
            }
        });
        try {
            writer.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the ADD did not reach " + step.wireName() + " within " + within, e);
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    /** Lets the ADD go on. */
    void release() {
        try {
            writer.join().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Unblocks a writer still waiting for an ADD that never came, so no thread is left behind. */
    @Override
    public void close() {
        if (!writer.isDone()) {
            try (InputStream reader = Files.newInputStream(fifo)) {
                writer.join().close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
