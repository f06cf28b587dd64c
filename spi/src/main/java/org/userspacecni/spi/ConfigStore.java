package org.userspacecni.spi;

import java.util.List;
import java.util.Optional;

/**
 * Where the host plugin leaves each attachment's container-side configuration for the agent to pick up,
 * keyed by {@link AttachmentId}. Writes are atomic: a reader sees the old document or the new one, never a
 * part. A document that cannot be read is reported and skipped by {@link #list()}, so one bad entry never
 * stops the others.
 */
public interface ConfigStore {

    void put(ContainerConfig config);

    Optional<ContainerConfig> get(AttachmentId id);

    /** Removes the document; succeeds when it is already gone. */
    void delete(AttachmentId id);

    /** Every readable document. */
    List<ContainerConfig> list();
}
