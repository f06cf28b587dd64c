package org.userspacecni.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * One request to a backend's host side: which attachment, the container's network namespace (absent on
 * a DEL or GC that no longer knows it), the network as an engine sees it, the MAC address of the
 * container's interface (the one the runtime asked for, or one derived from the attachment's id, so that
 * every command on an attachment sees the same), and where its sockets go ({@link Sockets}, the program's).
 */
public record Attachment(AttachmentId id, Optional<String> netns, Network network, String mac, Sockets sockets) {

    public Attachment {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(sockets, "sockets");
        netns = Objects.requireNonNullElse(netns, Optional.empty());
    }

    /** The host end of the attachment. */
    public Side host() {
        return network.host();
    }
}
