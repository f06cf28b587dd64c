package org.userspacecni.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * One request to a backend's host side: which attachment, the container's network namespace (absent on
 * a DEL or GC that no longer knows it), and the whole network configuration.
 */
public record Attachment(AttachmentId id, Optional<String> netns, NetConf netConf) {

    public Attachment {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(netConf, "netConf");
        netns = Objects.requireNonNullElse(netns, Optional.empty());
    }

    /** The host end of the attachment. */
    public Side host() {
        return netConf.host();
    }
}
