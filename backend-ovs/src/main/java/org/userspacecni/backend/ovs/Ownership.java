package org.userspacecni.backend.ovs;

import java.util.LinkedHashMap;
import java.util.Map;
import org.userspacecni.spi.Attachment;
import org.userspacecni.spi.AttachmentId;

/**
 * The {@code external_ids} that mark what this plugin made in OVS, so that DEL, CHECK and GC find it from
 * the switch alone: ports and interfaces carry the attachment's container id, interface name and network
 * name (a host port also the path of its socket, under the name it was given); a bridge the plugin created carries {@link #CREATED_BY}, and only such a bridge is ever removed.
 */
final class Ownership {

    static final String OWNER = "userspace-cni/owner";
    static final String CONTAINER_ID = "userspace-cni/container-id";
    static final String IFNAME = "userspace-cni/ifname";
    static final String NETWORK = "userspace-cni/network";
    static final String CREATED_BY = "userspace-cni/created-by";
    /** The socket path a host port was given: what DEL and GC may remove with it, and nothing else. */
    static final String SOCKET = "userspace-cni/socket";
    static final String PLUGIN = "userspace-cni";

    private Ownership() {
    }

    /** The marks of a port or interface of {@code attachment}. */
    static Map<String, String> of(Attachment attachment) {
        return of(attachment.id(), attachment.network().name());
    }

    /** The marks of a port or interface of attachment {@code id} in network {@code network}. */
    static Map<String, String> of(AttachmentId id, String network) {
        Map<String, String> ids = new LinkedHashMap<>(of(id));
        ids.put(NETWORK, network);
        return ids;
    }

    /** What identifies the ports of one attachment, whatever network they belong to. */
    static Map<String, String> of(AttachmentId id) {
        Map<String, String> ids = new LinkedHashMap<>();
        ids.put(OWNER, PLUGIN);
        ids.put(CONTAINER_ID, id.containerId());
        ids.put(IFNAME, id.ifName());
        return ids;
    }

    /** What identifies every port of one network. */
    static Map<String, String> ofNetwork(String network) {
        return Map.of(OWNER, PLUGIN, NETWORK, network);
    }

    /** Whether two sets of marks name the same attachment: container id, interface name and network. */
    static boolean sameAttachment(Map<String, String> marks, Map<String, String> others) {
        return attachmentOf(marks).equals(attachmentOf(others))
                && marks.getOrDefault(NETWORK, "").equals(others.getOrDefault(NETWORK, ""));
    }

    static AttachmentId attachmentOf(Map<String, String> externalIds) {
        return new AttachmentId(externalIds.getOrDefault(CONTAINER_ID, ""), externalIds.getOrDefault(IFNAME, ""));
    }
}
