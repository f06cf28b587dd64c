package org.userspacecni.backend.vpp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.userspacecni.spi.AttachmentId;

/**
 * The ownership marks this engine leaves in VPP's own state, so DEL, CHECK and GC find what is theirs with
 * nothing else to go by. An interface's tag (at most 63 bytes) is {@code usrsp:<network>:<container>:<ifname>}:
 * the first 8 hex digits of the SHA-256 of the network name, the first 32 characters of the container id,
 * the interface name. A bridge domain the engine made carries {@link #CREATED_BRIDGE_DOMAIN} as its tag; no
 * other bridge domain is ever deleted.
 */
final class VppTag {

    static final String PREFIX = "usrsp:";
    static final String CREATED_BRIDGE_DOMAIN = "usrsp:created";
    static final int CONTAINER_ID_CHARS = 32;

    private VppTag() {
    }

    static String of(String network, AttachmentId id) {
        String container = id.containerId();
        return ofNetwork(network) + container.substring(0, Math.min(CONTAINER_ID_CHARS, container.length())) + ":"
                + id.ifName();
    }

    /** The start of every tag of one network. */
    static String ofNetwork(String network) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(network.getBytes(StandardCharsets.UTF_8));
            return PREFIX + HexFormat.of().formatHex(digest, 0, 4) + ":";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
