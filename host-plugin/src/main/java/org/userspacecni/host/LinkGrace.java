package org.userspacecni.host;

import java.time.Duration;
import java.util.Optional;

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
        int seconds = environment.seconds(VARIABLE, 0, " (never)").orElse(DEFAULT_SECONDS);
        return seconds == 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    }
}
