package org.userspacecni.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;

/**
 * The MAC address of an attachment's container interface: the one the runtime asks for (the {@code mac}
 * capability in {@code runtimeConfig}, else {@code MAC} in {@code CNI_ARGS}), or a locally administered
 * unicast address derived from the container id and interface name, so that ADD, CHECK and the container
 * side all agree on it without storing it first.
 */
final class MacAddresses {

    private static final Pattern MAC = Pattern.compile("[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}");

    private MacAddresses() {
    }

    /** The address {@code config} or the environment asks for, else the derived one; 7 for an invalid one. */
    static String of(ObjectNode config, CniEnvironment environment) {
        JsonNode runtime = config.path("runtimeConfig").path("mac");
        Optional<String> asked = runtime.isTextual() ? Optional.of(runtime.textValue())
                : Optional.ofNullable(environment.args().get("MAC"));
        return asked.map(MacAddresses::check).orElseGet(() -> derived(environment.attachmentId()));
    }

    private static String check(String mac) {
        if (!MAC.matcher(mac).matches() || (Integer.parseInt(mac.substring(0, 2), 16) & 1) != 0) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "invalid MAC address '" + mac
                    + "': six hex octets separated by ':', unicast");
        }
        return mac.toLowerCase(Locale.ROOT);
    }

    static String derived(AttachmentId id) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((id.containerId() + "/" + id.ifName()).getBytes(StandardCharsets.UTF_8));
            StringBuilder mac = new StringBuilder("02");
            for (int i = 0; i < 5; i++) {
                mac.append(String.format(":%02x", hash[i] & 0xff));
            }
            return mac.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
