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
    private String remains;
    private final System.Logger log;

    Rollback(System.Logger log) {
        this.log = log;
    }

    /** Registers how to undo a step, once the step has succeeded: a step that failed made nothing to undo. */
    void done(String what, Runnable undo) {
        steps.push(new Step(what, undo));
    }

    /**
     * Says that a step that failed may have left something this command cannot prove is its own to undo (an
     * IPAM plugin's lease): the attachment is then not fully undone, and stays for DEL or GC.
     */
    void mayRemain(String what) {
        remains = what;
    }

    /** Undoes every registered step, newest first; whether every one of them succeeded and nothing remains. */
    boolean undo(Throwable cause) {
        boolean undone = remains == null;
        if (remains != null) {
            log.log(Level.WARNING, "left for DEL or GC: " + remains);
        }
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
