package org.userspacecni.host;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The daemon's admission control: at most {@link Limits#running()} requests run at once; more wait for a slot in
 * the order they came, at most {@link Limits#waiting()} of them and each for at most {@link Limits#maxWait()}. A
 * request beyond the line, one that waited too long and every one after {@link #close()} is {@link Refused}, and
 * the daemon answers it with CNI error 11 (try again later) without running it. A burst of pods then costs the
 * node a bounded number of threads and of requests in memory, and a runtime retries what was refused, as it does
 * any error of an ADD or a DEL.
 *
 * <p>A request takes its slot before its attachment's lock ({@link AttachmentLocks}), and keeps it for the undo
 * of an ADD whose launcher is gone: the holder of an attachment's lock always has a slot, so requests queued
 * behind it cannot keep it from finishing.
 */
final class RequestSlots implements AutoCloseable {

    /** How many requests run at once, how many may wait for a slot, and how long each may wait. */
    record Limits(int running, int waiting, Duration maxWait) {

        static final Limits DEFAULT = new Limits(8, 256, Duration.ofSeconds(60));

        Limits {
            if (running < 1 || waiting < 1 || maxWait.isNegative() || maxWait.isZero()) {
                throw new IllegalArgumentException("requests at once, requests waiting and the wait must be positive: "
                        + running + ", " + waiting + ", " + maxWait);
            }
        }
    }

    /** A request that gets no slot; its message says why, to the runtime and in the daemon's log. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /** A slot held by a request; closing it lets the first waiting request run. */
    interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    private final Limits limits;
    private final PrintStream log;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** The waiting requests, first come first: only the head may take a free slot. */
    private final Deque<Object> line = new ArrayDeque<>();
    private int running;
    private boolean closed;

    RequestSlots(Limits limits, PrintStream log) {
        this.limits = limits;
        this.log = log;
    }

    /** A slot: at once if one is free and no one waits, else once the requests before this one got theirs. */
    Slot take() throws Refused {
        lock.lock();
        try {
            if (closed) {
                throw stopping();
            }
            if (running < limits.running() && line.isEmpty()) {
                running++;
                return this::free;
            }
            if (line.size() >= limits.waiting()) {
                throw new Refused("the userspace daemon is busy: " + running + " requests run and " + line.size()
                        + " wait, the most it takes; try again later");
            }
            return await();
        } finally {
            lock.unlock();
        }
    }

    /** Waits in line, with the lock held (the condition releases it while waiting). */
    private Slot await() throws Refused {
        Object ticket = new Object();
        line.addLast(ticket);
        if (line.size() == 1) {
            // Once per burst, when requests start to wait: the operator sees how far the daemon is loaded.
            log.println("userspace daemon: requests wait for a slot: " + limits.running() + " run at once at most, "
                    + limits.waiting() + " may wait, each up to " + seconds(limits.maxWait()));
        }
        try {
            long left = limits.maxWait().toNanos();
            while (true) {
                if (closed) {
                    throw stopping();
                }
                if (running < limits.running() && line.peekFirst() == ticket) {
                    running++;
                    return this::free;
                }
                if (left <= 0) {
                    throw new Refused("the userspace daemon is busy: this request waited " + seconds(limits.maxWait())
                            + " for one of its " + limits.running() + " slots and was not run; try again later");
                }
                left = changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw stopping();
        } finally {
            line.remove(ticket);
            // The next in line may be the head now.
            changed.signalAll();
        }
    }

    private void free() {
        lock.lock();
        try {
            running--;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() / 1000.0 + " s";
    }

    private static Refused stopping() {
        return new Refused("the userspace daemon is stopping and runs no more requests; try again");
    }

    /** Refuses the requests still waiting, and every later one; those running keep their slots. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Requests running and waiting now, for the metrics and the tests. */
    int running() {
        lock.lock();
        try {
            return running;
        } finally {
            lock.unlock();
        }
    }

    int waiting() {
        lock.lock();
        try {
            return line.size();
        } finally {
            lock.unlock();
        }
    }
}
