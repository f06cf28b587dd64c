package org.userspacecni.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Waits for state another process changes (a daemon's view, a log, a file) by looking again until it holds
 * or a deadline passes: what a test waits for is named, never a fixed sleep.
 */
public final class Await {

    private static final Duration INTERVAL = Duration.ofMillis(100);

    private Await() {
    }

    /** The first value {@code probe} finds within {@code timeout}; fails naming {@code what} and the last state. */
    public static <T> T find(String what, Duration timeout, Supplier<Optional<T>> probe, Supplier<String> state) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            Optional<T> found = probe.get();
            if (found.isPresent()) {
                return found.get();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what + "\n" + state.get());
            }
            try {
                Thread.sleep(INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    /** Returns once {@code condition} holds; fails after {@code timeout} naming {@code what} and the last state. */
    public static void until(String what, Duration timeout, Supplier<Boolean> condition, Supplier<String> state) {
        find(what, timeout, () -> condition.get() ? Optional.of(true) : Optional.empty(), state);
    }
}
