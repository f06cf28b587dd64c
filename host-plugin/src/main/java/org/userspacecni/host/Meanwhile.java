package org.userspacecni.host;

import java.util.function.Supplier;

/**
 * A step that runs on a thread of its own while the command goes on with another, and that the command waits for
 * before it goes further: the IPAM plugin's process runs while the host switch makes or removes the port, since
 * neither needs the other's outcome. Its failure is thrown where it is awaited, as if it had run there.
 */
final class Meanwhile<T> {

    private final Thread thread;
    private T value;
    private RuntimeException failure;
    private Error error;

    private Meanwhile(String name, Supplier<T> step) {
        thread = new Thread(() -> {
            try {
                value = step.get();
            } catch (RuntimeException e) {
                failure = e;
            } catch (Error e) {
                error = e;
            }
        }, name);
        thread.setDaemon(true);
    }

    static <T> Meanwhile<T> start(String name, Supplier<T> step) {
        Meanwhile<T> meanwhile = new Meanwhile<>(name, step);
        meanwhile.thread.start();
        return meanwhile;
    }

    static Meanwhile<Void> start(String name, Runnable step) {
        return start(name, () -> {
            step.run();
            return null;
        });
    }

    /**
     * The step's outcome once it has ended, or its failure thrown. An interrupt does not cut the wait short (the
     * step's process would then run on unwatched); it is kept for the caller.
     */
    T await() {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (error != null) {
            throw error;
        }
        if (failure != null) {
            throw failure;
        }
        return value;
    }
}
