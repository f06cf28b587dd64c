package com.example.vhosttap;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import org.userspacecni.spi.AttachmentId;

/**
 * The one name of an attachment's forwarder: {@code vt} and 12 hex digits of a hash of the network, the
 * container id and the interface name. It fits a TAP device (15 bytes at most), and it is also the forwarder's
 * DPDK file prefix and the name of its pid file, so that everything a forwarder leaves is found from its
 * attachment. Names are all of one length, so that no name is the start of another.
 */
record ForwarderName(String value) {

    ForwarderName {
        Objects.requireNonNull(value, "value");
        if (!value.matches("vt[0-9a-f]{12}")) {
            throw new IllegalArgumentException("not a forwarder name: " + value);
        }
    }

    static ForwarderName of(String network, AttachmentId id) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest((network + '\0' + id.containerId() + '\0'
                    + id.ifName()).getBytes(StandardCharsets.UTF_8));
            return new ForwarderName("vt" + HexFormat.of().formatHex(hash, 0, 6));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
