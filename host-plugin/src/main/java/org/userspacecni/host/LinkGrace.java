package org.userspacecni.host;

import java.time.Duration;
import java.util.Optional;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;

/**
 * How long after ADD an attachment's link may stay down before CHECK reports it (101): the time a pod's DPDK
 * application takes to start and connect. {@code USERSPACE_CNI_LINK_GRACE} in whole seconds, {@value #DEFAULT_SECONDS}
 * by default; 0 keeps CHECK from looking at the link at all.
 */
final class LinkGrace {

    static final String VARIABLE = "USERSPACE_CNI_LINK_GRACE";
    static final int DEFAULT_SECONDS = 60;

    private LinkGrace() {
    }

    /** The grace period the command's environment sets; empty when CHECK is not to look at the link. */
    static Optional<Duration> of(CniEnvironment environment) {
        String seconds = environment.variables().getOrDefault(VARIABLE, "");
        if (seconds.isEmpty()) {
            return Optional.of(Duration.ofSeconds(DEFAULT_SECONDS));
        }
        if (!seconds.matches("[0-9]{1,5}")) {
            throw new CniException(ErrorCode.INVALID_ENVIRONMENT_VARIABLES,
                    VARIABLE + " must be a whole number of seconds from 0 (never) to 99999", seconds);
        }
        int value = Integer.parseInt(seconds);
        return value == 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(value));
    }
}
