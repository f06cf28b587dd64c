package org.userspacecni.backend.vpp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import org.userspacecni.spi.AttachmentId;

/**
 * The ownership mark this engine leaves on an interface in VPP's own state, so DEL, CHECK and GC find what is
 * theirs with nothing else to go by. The tag (at most 63 bytes) is
 * {@code usrsp:<network>:<container>~<digest>:<ifname>}: the first 8 hex digits of the SHA-256 of the network name,
 * the first 12 characters of the container id (for people reading {@code show interface}), 18 hex digits of the
 * SHA-256 of the whole container id, and the interface name; so attachments whose container ids share any start
 * have tags of their own.
 *
 * <p>Earlier versions wrote {@code usrsp:<network>:<first 32 characters of the container id>:<ifname>}, which
 * container ids sharing 32 characters share; such a {@link #legacy} tag is this attachment's only where it holds the
 * whole container id (32 characters or fewer), so DEL and CHECK take it only then, and GC keeps every interface
 * such a tag may be a valid attachment's. A container id never holds {@code ~}, so the two forms never meet.
 *
 * <p>A bridge domain the engine made carries {@link #CREATED_BRIDGE_DOMAIN} as its tag; no other bridge domain is
 * ever deleted.
 */
record VppTag(String network, AttachmentId id) {

    static final String PREFIX = "usrsp:";
    static final String CREATED_BRIDGE_DOMAIN = "usrsp:created";
    static final int LEGACY_CONTAINER_ID_CHARS = 32;
    static final int CONTAINER_DIGEST_DIGITS = 18;

    VppTag {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(id, "id");
    }

    static VppTag of(String network, AttachmentId id) {
        return new VppTag(network, id);
    }

    /** The tag this engine writes. */
    String value() {
        return ofNetwork(network) + id.shortContainerId() + "~"
                + sha256(id.containerId()).substring(0, CONTAINER_DIGEST_DIGITS) + ":" + id.ifName();
    }

    /** The earlier form of the tag, where it can only be this attachment's. */
    Optional<String> legacy() {
        return id.containerId().length() <= LEGACY_CONTAINER_ID_CHARS ? Optional.of(legacyForm(network, id))
                : Optional.empty();
    }

    /** Whether an interface with {@code tag} is this attachment's. */
    boolean marks(String tag) {
        return value().equals(tag) || legacy().filter(tag::equals).isPresent();
    }

    /** The tag of the container's attachment {@code ifName} in the same network. */
    VppTag peer(String ifName) {
        return new VppTag(network, new AttachmentId(id.containerId(), ifName));
    }

    @Override
    public String toString() {
        return value();
    }

    /**
     * Whether an interface with {@code tag} may be attachment {@code id}'s: its tag, or a legacy tag that holds the
     * start of its container id. GC keeps such interfaces of a valid attachment.
     */
    static boolean mayMark(String tag, String network, AttachmentId id) {
        return of(network, id).value().equals(tag) || legacyForm(network, id).equals(tag);
    }

    /** The start of every tag of one network. */
    static String ofNetwork(String network) {
        return PREFIX + sha256(network).substring(0, 8) + ":";
    }

    /** The tag of the earlier form, which kept the first 32 characters of the container id. */
    static String legacyForm(String network, AttachmentId id) {
        String container = id.containerId();
        return ofNetwork(network) + container.substring(0, Math.min(LEGACY_CONTAINER_ID_CHARS, container.length()))
                + ":" + id.ifName();
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
