package org.userspacecni.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import javax.inject.Inject;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;

/**
 * A test hook between the steps of ADD. When {@code USERSPACE_CNI_HOLD_AT} names a step ({@code <step>} or
 * {@code <step>:<fifo>}), the plugin says {@code holding at <step>} on stderr when it gets there and waits:
 * until it is killed, or, given a FIFO, until a writer has opened and closed it. That is how the crash tests
 * SIGKILL the plugin, or kill a daemon under it, at a known point of ADD. When {@code USERSPACE_CNI_FAIL_AT}
 * names a step ({@code <step>}), ADD fails there with error 5 ("injected failure at <step>"), as if that step's
 * next one had failed, so that the tests see the rollback from every step. Unset, each costs one lookup.
 */
final class HoldPoints {

    static final String VARIABLE = "USERSPACE_CNI_HOLD_AT";
    static final String FAIL_VARIABLE = "USERSPACE_CNI_FAIL_AT";

    /** The points between ADD's steps, in order. */
    enum Step {
        JOURNALED, IPAM_LEASED, PORT_ADDED, STORED, POD_ANNOTATED, DEVICE_INFO_WRITTEN, ADDED;

        String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final Optional<String> hold;
    private final Optional<String> fail;
    private final PrintStream stderr;

    @Inject
    HoldPoints(CniEnvironment environment, PrintStream stderr) {
        this.hold = Optional.ofNullable(environment.variables().get(VARIABLE)).filter(value -> !value.isEmpty());
        this.fail = Optional.ofNullable(environment.variables().get(FAIL_VARIABLE)).filter(value -> !value.isEmpty());
        this.stderr = stderr;
    }

    /** Holds here if this is the step asked for, then fails here if this is the step to fail at. */
    void reached(Step step) {
        hold(step);
        if (fail.isPresent() && fail.get().equals(step.wireName())) {
            throw new CniException(ErrorCode.IO_FAILURE, "injected failure at " + step.wireName());
        }
    }

    private void hold(Step step) {
        if (hold.isEmpty()) {
            return;
        }
        String[] parts = hold.get().split(":", 2);
        if (!parts[0].equals(step.wireName())) {
            return;
        }
        stderr.println("holding at " + step.wireName());
        stderr.flush();
        if (parts.length == 2) {
            waitForWriter(Path.of(parts[1]));
        } else {
            waitForever();
        }
    }

    private static void waitForWriter(Path fifo) {
        try (InputStream in = Files.newInputStream(fifo)) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the hold FIFO " + fifo, e);
        }
    }

    private static void waitForever() {
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
