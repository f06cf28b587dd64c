package org.userspacecni.spi;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Objects;
import java.util.Optional;

/**
 * A limit on what the pod sends into the host's switch, as OVS's ingress policing counts it: a rate in
 * kilobits a second and a burst in kilobits, over which packets are dropped. "Ingress" is the switch's word:
 * what enters it from the pod's port.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Policing(
        @ConfigDoc(value = "The rate the pod may send at, in kbit/s; packets over it are dropped. OVS counts a"
                + " frame's bytes after its Ethernet header.",
                defaultValue = "required", allowed = "1 to {MAX_RATE}")
        Optional<Integer> rate,
        @ConfigDoc(value = "How far the pod may exceed `rate` at once, in kbit.", defaultValue = "the engine's"
                + " (ovs-dpdk: 8000, as OVS)", allowed = "1 to {MAX_RATE}")
        Optional<Integer> burst) {

    /** The largest number OVS's integer columns for the rate and burst take here. */
    public static final int MAX_RATE = Integer.MAX_VALUE;

    public Policing {
        rate = positive("rate", rate);
        burst = positive("burst", burst);
        if (rate.isEmpty()) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "missing 'rate' (kbit/s)");
        }
    }

    private static Optional<Integer> positive(String field, Optional<Integer> value) {
        Optional<Integer> given = Objects.requireNonNullElse(value, Optional.empty());
        given.filter(number -> number < 1).ifPresent(number -> {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "'" + field + "' must be at least 1 kbit, not "
                    + number);
        });
        return given;
    }
}
