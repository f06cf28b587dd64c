package org.userspacecni.spi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The names an engine gives an attachment's port and socket file, one rule for every engine. The
 * {@link #original} name is the Go plugin's, {@code <first 12 of container id>-<ifname>}, kept wherever it is
 * free, so that existing deployments and scripts find their sockets. Container ids that share their first 12
 * characters would share it, so an engine that finds it taken by anything that is not this attachment's
 * (another attachment's port, a file in the shared directory) uses the {@link #distinct} name, which depends on
 * the network, the whole container id and the interface name, and records the name it chose (in the port's own
 * marks) so that CHECK, DEL and GC find it again.
 */
public final class PortName {

    /** How many hex digits of the digest the distinct name carries (44 bits), after its {@code u}. */
    static final int DIGEST_DIGITS = 11;

    private PortName() {
    }

    /** {@code <first 12 of container id>-<ifname>}: the original plugin's name. */
    public static String original(AttachmentId id) {
        return id.shortContainerId() + "-" + id.ifName();
    }

    /**
     * {@code u<11 hex digits>-<ifname>}, the digits from the attachment's {@link #digest}: as long as the original
     * name, and different for attachments that differ in network, container id or interface name.
     */
    public static String distinct(String network, AttachmentId id) {
        return "u" + digest(network, id).substring(0, DIGEST_DIGITS) + "-" + id.ifName();
    }

    /**
     * The hex SHA-256 of network, container id and interface name, each NUL-terminated: a name for the attachment
     * that fits anywhere a file name does, whatever the lengths of the three.
     */
    public static String digest(String network, AttachmentId id) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {network, id.containerId(), id.ifName()}) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
