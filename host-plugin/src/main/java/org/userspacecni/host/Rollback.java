package org.userspacecni.host;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The undo steps of a command that is under way, run in reverse order when a later step fails, so that a
 * failed ADD leaves nothing behind. An undo step that fails is logged and the others still run.
 */
final class Rollback {

    private record Step(String what, Runnable undo) {
    }

    private final Deque<Step> steps = new ArrayDeque<>();
    private final System.Logger log;

    Rollback(System.Logger log) {
        this.log = log;
    }

    /** Registers how to undo a step, once the step has succeeded: a step that failed made nothing to undo. */
    void done(String what, Runnable undo) {
        steps.push(new Step(what, undo));
    }

    /** Undoes every registered step, newest first; whether every one of them succeeded. */
    boolean undo(Throwable cause) {
        boolean undone = true;
        log.log(Level.WARNING, "rolling back after: " + cause.getMessage());
        while (!steps.isEmpty()) {
            Step step = steps.pop();
            try {
                step.undo().run();
                log.log(Level.WARNING, "rolled back: " + step.what());
            } catch (RuntimeException e) {
                log.log(Level.ERROR, "could not roll back " + step.what() + ": " + e.getMessage());
                cause.addSuppressed(e);
                undone = false;
            }
        }
        return undone;
    }
}
