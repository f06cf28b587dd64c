package org.userspacecni.spi;

import java.util.Objects;

/**
 * What names an attachment in the CNI protocol: the container id and the interface name inside it.
 * The runtime never runs two operations on the same attachment at once.
 */
public record AttachmentId(String containerId, String ifName) {

    public AttachmentId {
        Objects.requireNonNull(containerId, "containerId");
        Objects.requireNonNull(ifName, "ifName");
    }

    /** The first 12 characters of the container id, which the original used in socket and port names. */
    public String shortContainerId() {
        return containerId.length() > 12 ? containerId.substring(0, 12) : containerId;
    }

    @Override
    public String toString() {
        return containerId + "/" + ifName;
    }
}
