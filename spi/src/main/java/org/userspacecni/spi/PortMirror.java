package org.userspacecni.spi;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Objects;
import java.util.Optional;

/**
 * A mirror on the host's bridge that the attachment's port joins, with ovs-cni's meaning: a producer's packets are
 * copied to the mirror (those the pod sends, {@code ingress}, and those it receives, {@code egress}); the one
 * consumer receives the copies and nothing else. A missing mirror is made and marked as the network's; the last
 * port to leave it takes it away. A mirror of that name that is not the network's is refused, never joined.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PortMirror(
        @ConfigDoc(value = "The mirror's name on the bridge.", defaultValue = "required",
                allowed = "1 to {MAX_NAME_LENGTH} printable ASCII characters, no spaces")
        String name,
        @ConfigDoc(value = "Copies what the pod sends into the mirror.", defaultValue = "`true` for a producer")
        Optional<Boolean> ingress,
        @ConfigDoc(value = "Copies what the pod receives into the mirror.", defaultValue = "`true` for a producer")
        Optional<Boolean> egress,
        @ConfigDoc(value = "Makes the port the mirror's output: it receives the copies and no other traffic. A"
                + " mirror has one consumer.", defaultValue = "`false`")
        Optional<Boolean> consumer) {

    public static final int MAX_NAME_LENGTH = 64;

    public PortMirror {
        if (name == null || name.isBlank()) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "missing 'name'");
        }
        if (name.length() > MAX_NAME_LENGTH || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "'name' must be 1 to " + MAX_NAME_LENGTH
                    + " printable ASCII characters without spaces");
        }
        ingress = Objects.requireNonNullElse(ingress, Optional.empty());
        egress = Objects.requireNonNullElse(egress, Optional.empty());
        consumer = Objects.requireNonNullElse(consumer, Optional.empty());
        boolean consumes = consumer.orElse(false);
        if (consumes && (ingress.orElse(false) || egress.orElse(false))) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "mirror '" + name + "': a consumer copies"
                    + " nothing in: leave out 'ingress' and 'egress'");
        }
        if (!consumes && !ingress.orElse(true) && !egress.orElse(true)) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "mirror '" + name + "': a producer copies"
                    + " 'ingress', 'egress' or both");
        }
    }

    /** Whether the port is the mirror's output. */
    public boolean consumes() {
        return consumer.orElse(false);
    }

    /** Whether a producer copies what the pod sends. */
    public boolean copiesIngress() {
        return !consumes() && ingress.orElse(true);
    }

    /** Whether a producer copies what the pod receives. */
    public boolean copiesEgress() {
        return !consumes() && egress.orElse(true);
    }
}
