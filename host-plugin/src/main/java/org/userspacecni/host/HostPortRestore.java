package org.userspacecni.host;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.userspacecni.core.BackendRegistry;
import org.userspacecni.core.StateLock;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.DatapathBackend;

/**
 * Brings back the host ends of the attachments one data directory's journal records, after the switch lost them
 * (a VPP restarted keeps nothing): for each, its engine's {@link org.userspacecni.spi.HostSide#restore} with the
 * attachment and port ADD recorded, which recreates what is missing and leaves what is there. {@code userspace
 * reconcile} runs it for a node; the daemon for the attachments whose switch it saw start anew.
 *
 * <p>The journal notes the run of the switch ({@link org.userspacecni.spi.HostSide#instance}) each host end was
 * restored on, as ADD noted the one it was made on. Each attachment is restored under the data directory's {@link StateLock}, the lock ADD and DEL take to change
 * the switch, and under the lock the caller gives for the attachment (the daemon's {@link AttachmentLocks}); its
 * journal entry is read again there. An attachment being added has no host end recorded yet, and one being
 * deleted has it dropped before its port goes, so neither is restored; should a DEL that needs no lock remove the
 * port while it is restored, the restored port is removed again.
 */
final class HostPortRestore {

    /** What became of one attachment. */
    enum Outcome {
        /** The engine recreated (some of) its host end. */
        RESTORED,
        /** Its host end was there as planned. */
        INTACT,
        /** No host end recorded: being added or deleted, or made by an earlier version of the plugin. */
        SKIPPED,
        /** The engine could not restore it; {@link Result#detail} says why. */
        FAILED
    }

    /** One attachment's outcome, and the port or the reason. */
    record Result(AttachmentJournal.Entry entry, Outcome outcome, String detail) {

        /** One line for a person: which attachment and what became of it. */
        String describe() {
            return "network " + entry.network() + ", container " + entry.id().containerId() + ", interface "
                    + entry.id().ifName() + ": " + outcome.name().toLowerCase() + (detail.isEmpty() ? "" : " (" + detail
                    + ")");
        }
    }

    private final BackendRegistry registry;
    private final BackendContext context;
    private final StateLock stateLock;
    private final AttachmentJournal journal;

    HostPortRestore(BackendRegistry registry, BackendContext context, Path dataDir) {
        this.registry = registry;
        this.context = context;
        this.stateLock = new StateLock(dataDir);
        this.journal = new AttachmentJournal(dataDir);
    }

    /** The attachments the journal records now. */
    List<AttachmentJournal.Entry> journaled() {
        return journal.all();
    }

    /**
     * Restores each journaled attachment {@code which} accepts, holding {@code lock} of it meanwhile; {@code
     * progress} hears of each as it is done.
     */
    List<Result> restore(Predicate<AttachmentJournal.Entry> which,
            Function<AttachmentLocks.Key, AttachmentLocks.Held> lock, Consumer<Result> progress) {
        List<Result> results = new ArrayList<>();
        for (AttachmentJournal.Entry entry : journal.all()) {
            if (which.test(entry)) {
                Result result = restore(entry, lock);
                progress.accept(result);
                results.add(result);
            }
        }
        return results;
    }

    private Result restore(AttachmentJournal.Entry listed, Function<AttachmentLocks.Key, AttachmentLocks.Held> lock) {
        AttachmentLocks.Key key = new AttachmentLocks.Key(listed.network(), listed.id().containerId(),
                listed.id().ifName());
        try (AttachmentLocks.Held held = lock.apply(key); StateLock.Held state = stateLock.acquire()) {
            Optional<AttachmentJournal.HostEnd> end = hostEnd(listed);
            if (end.isEmpty()) {
                return new Result(listed, Outcome.SKIPPED, "no host port recorded: being added or deleted, or made"
                        + " by an earlier version of the plugin");
            }
            try (DatapathBackend backend = registry.provider(end.get().attachment().host().engine()).create(context)) {
                // Read first, as ADD does: the run of the switch the port is then known to be on.
                Optional<String> instance = backend.host().instance(end.get().attachment().network());
                boolean restored = backend.host().restore(end.get().attachment(), end.get().port());
                if (restored && hostEnd(listed).isEmpty()) {
                    backend.host().delete(end.get().attachment());
                    return new Result(listed, Outcome.SKIPPED, "deleted while it was restored");
                }
                if (!instance.equals(end.get().instance())) {
                    journal.hostEndRestored(listed.network(), listed.id(), end.get().on(instance));
                }
                return new Result(listed, restored ? Outcome.RESTORED : Outcome.INTACT, end.get().port().name()
                        + " on " + end.get().port().socketPath());
            } catch (CniException e) {
                // Noted for the node report, under the locks, so never on an entry a DEL is forgetting.
                try {
                    journal.hostEndFailed(listed.network(), listed.id(), new AttachmentJournal.LastError(
                            Instant.now(), "restore: error " + e.code() + ": " + e.getMessage()));
                } catch (CniException notNoted) {
                    e.addSuppressed(notNoted);
                }
                throw e;
            }
        } catch (CniException e) {
            return new Result(listed, Outcome.FAILED, "error " + e.code() + ": " + e.getMessage());
        }
    }

    private Optional<AttachmentJournal.HostEnd> hostEnd(AttachmentJournal.Entry entry) {
        return journal.find(entry.network(), entry.id()).flatMap(AttachmentJournal.Entry::host);
    }
}
