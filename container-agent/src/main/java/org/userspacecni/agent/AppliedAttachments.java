package org.userspacecni.agent;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;
import org.userspacecni.core.store.FileConfigStore;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ContainerConfig;

/**
 * What this agent has applied, or begun to apply, to the container's datapath: one document per attachment in a
 * directory of the agent's own ({@code --state-dir}), written before the change and removed after its undo. An
 * agent that was killed finds there, on its restart, what it may have left in the datapath, even when the
 * attachment's configuration went away from the store meanwhile. Failing to keep it does not stop the agent; it
 * only loses that memory, and says so.
 */
final class AppliedAttachments {

    private final FileConfigStore documents;
    private final Path dir;
    private final System.Logger log;

    AppliedAttachments(Path dir, System.Logger log) {
        this.documents = FileConfigStore.containerView(dir, log);
        this.dir = dir;
        this.log = log;
    }

    /** What an earlier run of the agent (or this one) applied or began to apply, and did not remove. */
    List<ContainerConfig> list() {
        try {
            return documents.list();
        } catch (CniException e) {
            log.log(Level.WARNING, "cannot read what was applied before, in " + dir + ": " + e.getMessage());
            return List.of();
        }
    }

    /** Notes {@code config} before it is applied. */
    void applying(ContainerConfig config) {
        try {
            documents.put(config);
        } catch (CniException e) {
            log.log(Level.WARNING, "cannot note " + config.id() + " as applied in " + dir + " (" + e.getMessage()
                    + "); after a restart of the agent it would not be found again");
        }
    }

    /** Forgets an attachment whose changes were undone. */
    void removed(AttachmentId id) {
        try {
            documents.delete(id);
        } catch (CniException e) {
            log.log(Level.WARNING, "cannot forget " + id + " in " + dir + ": " + e.getMessage());
        }
    }
}
